// SPDX-License-Identifier: ISC
// gainstage render and gainstage demo, run as a user runs them: real session
// files, real output files, the JSON report and the exit status.

#include "check.h"
#include "cli_run.h"

#include <dirent.h>
#include <jansson.h>
#include <sndfile.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void write_text(const char *name, const char *text)
{
  FILE *f = fopen(path(name), "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static json_t *report(void)
{
  json_error_t jerr;
  json_t *root = json_loads(slurp("stdout.txt"), 0, &jerr);
  if (!root) {
    print_error("not JSON (%s): %s\n", jerr.text, slurp("stdout.txt"));
    fail();
  }
  return root;
}

static json_t *strip(json_t *root, size_t i)
{
  return json_array_get(json_object_get(root, "strips"), i);
}

static double number(json_t *o, const char *key)
{
  json_t *v = json_object_get(o, key);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char session[] =
  "session: {name: test, rate_hz: 48000, bits: 24, block: 64, seconds: 1.0}\n"
  "strips:\n"
  "  - name: vox\n"
  "    input: mic\n"
  "    source: {mic: condenser-ld, generator: sine, level: 94, freq_hz: 997}\n"
  "    model: clean\n"
  "    gain_db: 30\n"
  "    phantom: true\n"
  "    armed: true\n"
  "  - name: no power\n"
  "    input: mic\n"
  "    source: {mic: condenser-ld, generator: sine, level: 94}\n"
  "    gain_db: 30\n"
  "    armed: true\n"
  "  - name: hot\n"
  "    input: mic\n"
  "    source: {mic: dynamic-57, generator: sine, level: 130}\n"
  "    model: tube\n"
  "    gain_db: 40\n"
  "    armed: true\n"
  "  - name: spare\n"
  "    input: line\n"
  "mixes:\n"
  "  - name: phones\n"
  "    sends:\n"
  "      - {strip: vox, level_db: 0, pan: -1}\n";

static void test_levels_files_and_advice(void **state)
{
  (void)state;
  write_text("s.yaml", session);
  assert_int_equal(run("render --json s.yaml -o out"), 0);
  json_t *root = report();
  // 94 dB SPL into 20 mV/Pa is 20 mV (-31.76 dBu); 30 dB of gain: -1.76 dBu,
  // 19.76 dB below the +18 dBu of a full-scale sine: peaks at -19.76 dBFS.
  json_t *vox = strip(root, 0);
  GS_ASSERT_NEAR(number(vox, "peak_dbfs"), -19.76, 0.05);
  GS_ASSERT_NEAR(number(vox, "source_peak"), 94.0, 0.05);
  assert_string_equal(json_string_value(json_object_get(vox, "source_unit")), "dB SPL");
  assert_true(strstr(json_string_value(json_object_get(vox, "advice")), "good") != NULL);
  // A condenser without phantom power: silence, and the report says why.
  json_t *dead = strip(root, 1);
  assert_true(json_is_null(json_object_get(dead, "peak_dbfs")) ||
              number(dead, "peak_dbfs") < -100.0);
  assert_non_null(strstr(json_string_value(json_object_get(dead, "warning")),
                         "needs +48 V phantom power: no signal"));
  // 130 dB SPL on a dynamic mic with 40 dB of gain clips the converter.
  json_t *hot = strip(root, 2);
  GS_ASSERT_ABOVE(number(hot, "clipped"), 1000);
  assert_non_null(strstr(json_string_value(json_object_get(hot, "advice")), "lower the gain by"));
  // The spare input is not armed: no file.
  assert_true(json_is_null(json_object_get(strip(root, 3), "file")));
  assert_true(access(path("out/04-spare.wav"), F_OK) != 0);
  json_decref(root);

  // Tracks: one per armed strip, all the same length; the mix is stereo with
  // the vox panned hard left.
  SF_INFO a, b, m;
  float *t1 = read_audio("out/01-vox.wav", &a);
  float *t3 = read_audio("out/03-hot.wav", &b);
  float *mix = read_audio("out/mix-01-phones.wav", &m);
  assert_int_equal(a.frames, 48000);
  assert_int_equal(b.frames, 48000);
  assert_int_equal(m.frames, 48000);
  assert_int_equal(m.channels, 2);
  assert_int_equal(a.format & SF_FORMAT_SUBMASK, SF_FORMAT_PCM_24);
  double right = 0.0, left = 0.0;
  for (sf_count_t i = 0; i < m.frames; ++i) {
    left = fmax(left, fabs(mix[2 * i]));
    right = fmax(right, fabs(mix[2 * i + 1]));
  }
  GS_ASSERT_NEAR(20.0 * log10(left), -19.76, 0.05);  // hard left: all of it on the left
  GS_ASSERT_BELOW(right, 1e-4);
  assert_true(access(path("out/report.html"), R_OK) == 0);
  assert_non_null(strstr(slurp("out/report.html"), "needs +48 V phantom power"));
  free(t1);
  free(t3);
  free(mix);
}

// Two strips with different latencies hear the same clicks: the tracks line
// up to the sample.
static void test_tracks_are_aligned(void **state)
{
  (void)state;
  write_text("a.yaml",
             "session: {seconds: 1}\n"
             "strips:\n"
             "  - {name: clean, input: line, source: {generator: click, tempo_bpm: 120, level: 0},"
             " model: clean, armed: true}\n"
             "  - {name: tube, input: line, source: {generator: click, tempo_bpm: 120, level: 0},"
             " model: tube, armed: true}\n");
  assert_int_equal(run("render -q a.yaml -o aligned"), 0);
  SF_INFO a, b;
  float *x = read_audio("aligned/01-clean.wav", &a);
  float *y = read_audio("aligned/02-tube.wav", &b);
  sf_count_t px = 0, py = 0;
  for (sf_count_t i = 0; i < 20000; ++i) {
    px = fabs(x[i]) > fabs(x[px]) ? i : px;
    py = fabs(y[i]) > fabs(y[py]) ? i : py;
  }
  print_message("first click: clean at %lld, tube at %lld\n", (long long)px, (long long)py);
  GS_ASSERT_NEAR((double)py, (double)px, 1.0);
  // And with the source: the engine's latency is taken out of the files, so
  // the click the source plays at sample 0 is at sample 0 of the track.
  GS_ASSERT_NEAR((double)px, 0.0, 0.0);
  free(x);
  free(y);
}

static void test_bad_sessions_write_nothing(void **state)
{
  (void)state;
  static const struct {
    const char *text, *message;
  } cases[] = {
    {"session: {}\nstrips:\n  - {name: a, input: mic, gain_db: 99}\n",
     "b.yaml:3: strip 1 (a): gain_db 99 is out of range (0 to 66 dB)"},
    {"session: {}\nstrips:\n  - {name: a, input: mic, source: {file: missing.wav, "
     "fullscale: 120}}\n",
     "missing.wav: cannot open"},
    {"session: {}\nstrips:\n  - {name: a, input: mic, source: {band: bass}}\n",
     "band part 'bass' is an instrument's pickup, so it needs an instrument input"},
    {"session: {}\nstrips:\n  - {name: a, input: mic, source: {band: tuba}}\n",
     "band part 'tuba' is not known (parts: kick, snare,"},
    {"session: [\n", "b.yaml:2:1:"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
    write_text("b.yaml", cases[i].text);
    const int code = run("render b.yaml -o never");
    const char *err = slurp("stderr.txt");
    if (code != 2 || !strstr(err, cases[i].message) || strchr(err, '\n') != strrchr(err, '\n')) {
      print_error("case %zu: exit %d, stderr [%s], expected one line with [%s]\n", i, code, err,
                  cases[i].message);
      fail();
    }
    DIR *d = opendir(path("never"));
    if (d) {
      for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] != '.') {
          print_error("case %zu left %s behind\n", i, e->d_name);
          fail();
        }
      }
      closedir(d);
    }
  }
  assert_int_equal(run("render"), 2);
  assert_int_equal(run("render --seconds -3 b.yaml"), 2);
  assert_int_equal(run("render --help"), 0);
}

// A file at another sample rate is resampled, and the report says so.
static void test_file_source_resampled(void **state)
{
  (void)state;
  SF_INFO info = {.samplerate = 44100, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
  SNDFILE *sf = sf_open(path("tone.wav"), SFM_WRITE, &info);
  static float x[44100];
  for (int i = 0; i < 44100; ++i) {
    x[i] = (float)(0.5 * sin(2.0 * M_PI * 1000.0 * i / 44100.0));
  }
  sf_writef_float(sf, x, 44100);
  sf_close(sf);
  // A full-scale sine in the file is +4 dBu; this one is -6 dBFS: -2 dBu;
  // 10 dB of gain: +8 dBu, 10 dB below full scale: peaks at -10 dBFS.
  write_text("f.yaml", "session: {}\nstrips:\n  - {name: line, input: line, gain_db: 10, "
                       "armed: true, source: {file: tone.wav, fullscale: 4}}\n");
  assert_int_equal(run("render --json f.yaml -o f"), 0);
  json_t *root = report();
  GS_ASSERT_NEAR(number(strip(root, 0), "peak_dbfs"), -10.02, 0.05);
  GS_ASSERT_NEAR(number(root, "seconds"), 1.0, 0.001);
  const char *note = json_string_value(json_array_get(json_object_get(root, "notes"), 0));
  assert_non_null(note);
  assert_non_null(strstr(note, "resampled from 44100 Hz to 48000 Hz"));
  json_decref(root);
}

// Auto gain listens to the whole source and puts its peaks at the target; a
// linked pair gets one gain; a source too quiet for the input says so.
static void test_auto_gain(void **state)
{
  (void)state;
  write_text("g.yaml",
             "session: {seconds: 0.5, auto_gain_target_dbfs: -12}\n"
             "strips:\n"
             "  - {name: vox, input: mic, phantom: true, armed: true, auto_gain: true,\n"
             "     source: {mic: condenser-ld, generator: sine, level: 90}}\n"
             "  - {name: left, input: line, link: true, armed: true,\n"
             "     source: {generator: sine, level: -10}}\n"
             "  - {name: right, input: line, armed: true,\n"
             "     source: {generator: sine, level: -16}}\n"
             "  - {name: far, input: mic, armed: true,\n"
             "     source: {mic: ribbon-121, generator: sine, level: 60}}\n");
  assert_int_equal(run("render --json --auto-gain g.yaml -o g"), 0);
  json_t *root = report();
  GS_ASSERT_NEAR(number(strip(root, 0), "peak_dbfs"), -12.0, 0.3);
  GS_ASSERT_NEAR(number(strip(root, 1), "gain_db"), number(strip(root, 2), "gain_db"), 0.0);
  GS_ASSERT_NEAR(number(strip(root, 1), "peak_dbfs"), -12.0, 0.3);  // the louder side
  GS_ASSERT_NEAR(number(strip(root, 2), "peak_dbfs"), -18.0, 0.3);
  GS_ASSERT_NEAR(number(strip(root, 3), "gain_db"), 66.0, 0.0);     // as far as it goes
  bool quiet_noted = false;
  json_t *notes = json_object_get(root, "notes");
  for (size_t i = 0; i < json_array_size(notes); ++i) {
    quiet_noted |= strstr(json_string_value(json_array_get(notes, i)),
                          "strip 4 (far): at its 66 dB maximum") != NULL;
  }
  assert_true(quiet_noted);
  const double vox_gain = number(strip(root, 0), "gain_db");
  json_decref(root);
  // The gains auto gain chose, saved as a session, render the same way.
  assert_int_equal(run("render -q --auto-gain --save-session g2.yaml g.yaml -o g"), 0);
  assert_int_equal(run("render --json g2.yaml -o g2"), 0);
  root = report();
  GS_ASSERT_NEAR(number(strip(root, 0), "gain_db"), vox_gain, 0.0);
  GS_ASSERT_NEAR(number(strip(root, 0), "peak_dbfs"), -12.0, 0.3);
  json_decref(root);
}

// Clip Safe: the same hot source with and without it; with it nothing
// clips and the report says when it acted and how much.
static void test_clip_safe(void **state)
{
  (void)state;
  write_text("c.yaml",
             "session: {seconds: 1}\n"
             "strips:\n"
             "  - {name: safe, input: mic, gain_db: 45, clip_safe: true, armed: true,\n"
             "     source: {mic: dynamic-57, generator: sine, level: 125}}\n"
             "  - {name: raw, input: mic, gain_db: 45, armed: true,\n"
             "     source: {mic: dynamic-57, generator: sine, level: 125}}\n");
  assert_int_equal(run("render --json c.yaml -o c"), 0);
  json_t *root = report();
  json_t *safe = strip(root, 0), *raw = strip(root, 1);
  assert_int_equal(number(safe, "clipped"), 0);
  GS_ASSERT_ABOVE(number(raw, "clipped"), 1000);
  json_t *events = json_object_get(safe, "clip_safe");
  assert_int_equal(json_array_size(events), 1);
  // 125 dB SPL into 1.6 mV/Pa with 45 dB: +22.2 dBu, 4.2 dB over full scale;
  // held at -1 dBFS, so about 5.2 dB of reduction.
  GS_ASSERT_NEAR(number(json_array_get(events, 0), "db"), -5.2, 0.3);
  GS_ASSERT_NEAR(number(safe, "true_peak_dbfs"), -1.0, 0.2);
  assert_non_null(strstr(json_string_value(json_object_get(safe, "advice")), "clip safe acted 1 time"));
  json_decref(root);
}

// The safety track: the same input 12 dB lower through its own converter,
// sample-aligned with the main track, and unclipped when the main one clips.
static void test_safety_track(void **state)
{
  (void)state;
  write_text("t.yaml",
             "session: {seconds: 0.5}\n"
             "strips:\n"
             "  - {name: fine, input: line, gain_db: 0, armed: true, safety_track: true,\n"
             "     source: {generator: sine, level: 4, freq_hz: 440}}\n"
             "  - {name: hot, input: line, gain_db: 20, armed: true, safety_track: true,\n"
             "     clip_safe: true, source: {generator: sine, level: 3, freq_hz: 440}}\n");
  assert_int_equal(run("render -q t.yaml -o t"), 0);
  SF_INFO a, b, c, d;
  float *main1 = read_audio("t/01-fine.wav", &a);
  float *safe1 = read_audio("t/01-fine-safety.wav", &b);
  float *main2 = read_audio("t/02-hot.wav", &c);
  float *safe2 = read_audio("t/02-hot-safety.wav", &d);
  assert_int_equal(a.frames, b.frames);
  assert_int_equal(c.frames, d.frames);
  assert_int_equal(a.frames, c.frames);
  // Sample by sample: safety = main - 12 dB (both converters add their own
  // noise floor, far below the tolerance).
  const double g = pow(10.0, -12.0 / 20.0);
  double worst = 0.0, peak2 = 0.0, speak2 = 0.0;
  for (sf_count_t i = 1000; i < a.frames; ++i) {
    worst = fmax(worst, fabs(safe1[i] - main1[i] * g));
    peak2 = fmax(peak2, fabs(main2[i]));
    speak2 = fmax(speak2, fabs(safe2[i]));
  }
  print_message("safety vs main - 12 dB: worst %.2g; hot strip: main %.2f dBFS, safety %.2f dBFS\n",
                worst, 20.0 * log10(peak2), 20.0 * log10(speak2));
  GS_ASSERT_BELOW(worst, 1e-4);
  // +3 dBu with 20 dB of gain is +23 dBu, 5 dB over full scale (and below
  // the clean rail): the main track is held at -1 dBFS by Clip Safe, the
  // safety track is at -7 dBFS.
  GS_ASSERT_NEAR(20.0 * log10(speak2), -7.0, 0.1);
  GS_ASSERT_NEAR(20.0 * log10(peak2), -1.0, 0.15);
  free(main1);
  free(safe1);
  free(main2);
  free(safe2);
}

// The listening level follows the headphone amp's volume, dB for dB, and
// warns when it is loud.
static void test_listening_level(void **state)
{
  (void)state;
  double level[2];
  for (int k = 0; k < 2; ++k) {
    char text[1024];
    snprintf(text, sizeof(text),
             "session: {seconds: 1.5}\n"
             "strips:\n"
             "  - {name: synth, input: line, source: {generator: pink, level: 0}}\n"
             "mixes:\n"
             "  - {name: phones, headphones: closed-32, amp_volume_db: %d,\n"
             "     sends: [{strip: synth, level_db: 0}]}\n",
             k ? -14 : -20);
    write_text("h.yaml", text);
    assert_int_equal(run("render --json h.yaml -o h"), 0);
    json_t *root = report();
    json_t *mix = json_array_get(json_object_get(root, "mixes"), 0);
    level[k] = number(mix, "listen_db_spl");
    assert_string_equal(json_string_value(json_object_get(mix, "headphones")), "closed-32");
    assert_non_null(strstr(json_string_value(json_object_get(mix, "listen_warning")), "phones"));
    json_decref(root);
  }
  print_message("listening level: %.1f and %.1f dB SPL\n", level[0], level[1]);
  GS_ASSERT_NEAR(level[1] - level[0], 6.0, 0.2);
  GS_ASSERT_ABOVE(level[0], 40.0);
  GS_ASSERT_BELOW(level[1], 130.0);
}

// The demo: eight tracks, two mixes, the report page, in seconds.
static void test_demo(void **state)
{
  (void)state;
  assert_int_equal(run("demo -o demo"), 0);
  static const char *const tracks[] = {"01-kick",  "02-snare",  "03-overhead-L", "04-overhead-R",
                                       "05-bass",  "06-guitar", "07-vocal",      "08-room"};
  sf_count_t frames = -1;
  for (int i = 0; i < 8; ++i) {
    char name[64];
    snprintf(name, sizeof(name), "demo/%s.wav", tracks[i]);
    SF_INFO info;
    float *x = read_audio(name, &info);
    if (frames < 0) {
      frames = info.frames;
    }
    assert_int_equal(info.frames, frames);
    double peak = 0.0;
    for (sf_count_t k = 0; k < info.frames; ++k) {
      peak = fmax(peak, fabs(x[k]));
    }
    GS_ASSERT_ABOVE(20.0 * log10(peak), -40.0);  // every track carries its part
    GS_ASSERT_BELOW(20.0 * log10(peak), 0.0);    // and none clips
    free(x);
  }
  assert_true(access(path("demo/mix-01-monitors.wav"), R_OK) == 0);
  assert_true(access(path("demo/mix-02-headphones-1.wav"), R_OK) == 0);
  assert_true(access(path("demo/report.html"), R_OK) == 0);
  assert_non_null(strstr(slurp("stdout.txt"), "advice:"));
}

int main(int argc, char **argv)
{
  if (!cli_setup(argc, argv, "test-render")) {
    return 1;
  }
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_levels_files_and_advice),
    cmocka_unit_test(test_tracks_are_aligned),
    cmocka_unit_test(test_bad_sessions_write_nothing),
    cmocka_unit_test(test_file_source_resampled),
    cmocka_unit_test(test_auto_gain),
    cmocka_unit_test(test_clip_safe),
    cmocka_unit_test(test_safety_track),
    cmocka_unit_test(test_listening_level),
    cmocka_unit_test(test_demo),
  };
  return cli_teardown(cmocka_run_group_tests(tests, NULL, NULL));
}
