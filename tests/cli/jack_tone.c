// SPDX-License-Identifier: ISC
// A small JACK client for the netjack2 test: `play PORT FREQ AMP SECONDS`
// sends a sine to PORT; `measure PORT FREQ SECONDS` records PORT and prints
// the sine's amplitude at FREQ (Goertzel), the whole signal's RMS and how
// much of it is that sine, as JSON. The server is $JACK_DEFAULT_SERVER.

#include <jack/jack.h>
#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
  jack_port_t *port;
  bool play;
  double phase_step;  // radians per frame
  double phase;
  float amp;
  float *rec;         // measure: the frames recorded
  size_t rec_frames;
  _Atomic size_t rec_done;
  _Atomic size_t skip;  // measure: frames still to ignore (connection settling)
} Tone;

static int process(jack_nframes_t n, void *arg)
{
  Tone *t = arg;
  float *buf = jack_port_get_buffer(t->port, n);
  if (t->play) {
    for (jack_nframes_t i = 0; i < n; ++i) {
      buf[i] = t->amp * (float)sin(t->phase);
      t->phase = fmod(t->phase + t->phase_step, 2 * M_PI);
    }
    return 0;
  }
  jack_nframes_t i = 0;
  size_t skip = atomic_load(&t->skip);
  for (; i < n && skip; ++i) {
    --skip;
  }
  atomic_store(&t->skip, skip);
  size_t done = atomic_load(&t->rec_done);
  for (; i < n && done < t->rec_frames; ++i) {
    t->rec[done++] = buf[i];
  }
  atomic_store(&t->rec_done, done);
  return 0;
}

static void sleep_s(double s)
{
  struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
  while (nanosleep(&ts, &ts)) {
  }
}

// Amplitude of the sine at freq in x (Goertzel, Hann window, normalised so
// a sine of amplitude A reads A).
static double goertzel_amp(const float *x, size_t n, double freq, double rate)
{
  const double w = 2 * M_PI * freq / rate, coef = 2 * cos(w);
  double s1 = 0, s2 = 0, wsum = 0;
  for (size_t i = 0; i < n; ++i) {
    const double win = 0.5 - 0.5 * cos(2 * M_PI * (double)i / (double)n);
    const double s0 = x[i] * win + coef * s1 - s2;
    s2 = s1;
    s1 = s0;
    wsum += win;
  }
  const double re = s1 - s2 * cos(w), im = s2 * sin(w);
  return 2 * sqrt(re * re + im * im) / wsum;
}

int main(int argc, char **argv)
{
  if (argc != 5 && argc != 6) {
    fprintf(stderr, "usage: %s play PORT FREQ AMP SECONDS | measure PORT FREQ SECONDS\n",
            argv[0]);
    return 2;
  }
  Tone t = {.play = !strcmp(argv[1], "play")};
  const char *target = argv[2];
  const double freq = atof(argv[3]);
  const double seconds = atof(argv[t.play ? 5 : 4]);
  t.amp = t.play ? (float)atof(argv[4]) : 0.0f;
  jack_status_t status;
  jack_client_t *client =
    jack_client_open(t.play ? "gs_tone_play" : "gs_tone_measure", JackNoStartServer, &status);
  if (!client) {
    fprintf(stderr, "jack_tone: no JACK server '%s' (status 0x%x)\n",
            getenv("JACK_DEFAULT_SERVER") ? getenv("JACK_DEFAULT_SERVER") : "default",
            (unsigned)status);
    return 1;
  }
  const double rate = jack_get_sample_rate(client);
  t.phase_step = 2 * M_PI * freq / rate;
  t.port = jack_port_register(client, t.play ? "out" : "in", JACK_DEFAULT_AUDIO_TYPE,
                              t.play ? JackPortIsOutput : JackPortIsInput, 0);
  if (!t.play) {
    t.rec_frames = (size_t)(seconds * rate);
    t.rec = calloc(t.rec_frames, sizeof(float));
    atomic_store(&t.skip, (size_t)(0.5 * rate));
  }
  if (!t.port || (!t.play && !t.rec) || jack_set_process_callback(client, process, &t) ||
      jack_activate(client)) {
    fprintf(stderr, "jack_tone: cannot set up the client\n");
    jack_client_close(client);
    return 1;
  }
  const char *own = jack_port_name(t.port);
  if (t.play ? jack_connect(client, own, target) : jack_connect(client, target, own)) {
    fprintf(stderr, "jack_tone: cannot connect %s and %s\n", own, target);
    jack_client_close(client);
    return 1;
  }
  if (t.play) {
    sleep_s(seconds);
    jack_client_close(client);
    return 0;
  }
  // Wait for the recording (the half second skipped, then seconds), at most
  // twice as long.
  for (double waited = 0; atomic_load(&t.rec_done) < t.rec_frames && waited < 2 * seconds + 2;
       waited += 0.05) {
    sleep_s(0.05);
  }
  jack_client_close(client);
  const size_t n = atomic_load(&t.rec_done);
  double sum2 = 0;
  for (size_t i = 0; i < n; ++i) {
    sum2 += (double)t.rec[i] * t.rec[i];
  }
  const double rms = n ? sqrt(sum2 / (double)n) : 0;
  const double amp = n ? goertzel_amp(t.rec, n, freq, rate) : 0;
  // The sine's share of the power: (A^2 / 2) / rms^2.
  const double share = rms > 0 ? amp * amp / 2 / (rms * rms) : 0;
  printf("{\"frames\": %zu, \"rate_hz\": %.0f, \"freq_hz\": %.3f, \"amplitude\": %.6f, "
         "\"rms\": %.6f, \"tone_share\": %.6f}\n",
         n, rate, freq, amp, rms, share);
  free(t.rec);
  return 0;
}
