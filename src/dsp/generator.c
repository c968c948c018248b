// SPDX-License-Identifier: ISC
// Test-signal generators: silence, sine, logarithmic sweep, pink noise, click.

#include "dsp/generator.h"

#include <math.h>
#include <string.h>

static const double two_pi = 6.283185307179586476925;

static void clear(GsGenerator *g, GsWave wave, double rate_hz, double amplitude)
{
  memset(g, 0, sizeof(*g));
  g->wave = wave;
  g->rate_hz = rate_hz;
  g->amplitude = amplitude;
}

void gs_generator_init_silence(GsGenerator *g)
{
  clear(g, GS_WAVE_SILENCE, 48000.0, 0.0);
}

void gs_generator_init_sine(GsGenerator *g, double rate_hz, double freq_hz, double amplitude)
{
  clear(g, GS_WAVE_SINE, rate_hz, amplitude);
  g->freq_hz = freq_hz;
}

void gs_generator_init_sweep(GsGenerator *g, double rate_hz, double start_hz, double end_hz,
                             double duration_s, double amplitude, bool loop)
{
  clear(g, GS_WAVE_SWEEP, rate_hz, amplitude);
  g->start_hz = start_hz;
  g->end_hz = end_hz;
  g->length = floor(duration_s * rate_hz + 0.5);
  g->loop = loop;
}

void gs_generator_init_pink(GsGenerator *g, double amplitude, uint64_t seed)
{
  clear(g, GS_WAVE_PINK, 48000.0, amplitude);
  gs_pink_init(&g->pink, seed);
  g->pink_start = g->pink;
}

void gs_generator_init_click(GsGenerator *g, double rate_hz, double tempo_bpm, double amplitude)
{
  clear(g, GS_WAVE_CLICK, rate_hz, amplitude);
  g->length = rate_hz * 60.0 / tempo_bpm;
}

void gs_generator_reset(GsGenerator *g)
{
  g->phase = 0.0;
  g->t = 0;
  g->next = 0.0;
  g->done = false;
  g->pink = g->pink_start;
}

double gs_sweep_freq_hz(const GsGenerator *g, double t_s)
{
  const double duration_s = g->length / g->rate_hz;
  return g->start_hz * pow(g->end_hz / g->start_hz, t_s / duration_s);
}

static void sine(GsGenerator *g, float *out, uint32_t n) GS_REALTIME
{
  // The phase is kept in cycles, wrapped to [0, 1) every sample, so its
  // precision does not fade over a long run.
  const double inc = g->freq_hz / g->rate_hz;
  double phase = g->phase;
  for (uint32_t i = 0; i < n; ++i) {
    out[i] = (float)(g->amplitude * sin(two_pi * phase));
    phase += inc;
    phase -= floor(phase);
  }
  g->phase = phase;
}

// The exponential sweep of A. Farina, "Simultaneous measurement of impulse
// response and distortion with a swept-sine technique", AES 108th convention
// (2000), eq. 2: with T the duration and r = end/start, the instantaneous
// frequency is f(t) = start r^(t/T) and the phase, its integral, is
//   cycles(t) = start T / ln r (r^(t/T) - 1).
// Each sample computes its phase from t directly (no accumulated error); a
// sweep with start = end is a sine.
static void sweep(GsGenerator *g, float *out, uint32_t n) GS_REALTIME
{
  const double len = g->length;
  const double log_r = log(g->end_hz / g->start_hz);
  const double cycles_per_sample = g->start_hz / g->rate_hz;
  for (uint32_t i = 0; i < n; ++i) {
    if (g->done) {
      out[i] = 0.0f;
      continue;
    }
    const double t = (double)g->t;
    double cycles = 0.0;
    if (fabs(log_r) < 1e-12) {
      cycles = cycles_per_sample * t;
    } else {
      cycles = cycles_per_sample * len / log_r * expm1(log_r * t / len);
    }
    out[i] = (float)(g->amplitude * sin(two_pi * (cycles - floor(cycles))));
    if ((double)++g->t >= len) {
      g->t = 0;
      g->done = !g->loop;
    }
  }
}

// One-sample impulses at samples round(k x samples per beat), k = 0, 1, 2, ...
// (next holds k; a double counts exactly to 2^53 beats).
static void click(GsGenerator *g, float *out, uint32_t n) GS_REALTIME
{
  for (uint32_t i = 0; i < n; ++i) {
    out[i] = 0.0f;
    if ((double)g->t >= floor(g->next * g->length + 0.5)) {
      out[i] = (float)g->amplitude;
      g->next += 1.0;
    }
    ++g->t;
  }
}

void gs_generator_process(GsGenerator *g, float *out, uint32_t n)
{
  switch (g->wave) {
  case GS_WAVE_SILENCE:
    memset(out, 0, sizeof(float) * n);
    break;
  case GS_WAVE_SINE:
    sine(g, out, n);
    break;
  case GS_WAVE_SWEEP:
    sweep(g, out, n);
    break;
  case GS_WAVE_PINK:
    memset(out, 0, sizeof(float) * n);
    gs_pink_add(&g->pink, (float)g->amplitude, out, n);
    break;
  case GS_WAVE_CLICK:
    click(g, out, n);
    break;
  }
}
