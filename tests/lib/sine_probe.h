// SPDX-License-Identifier: ISC
// Test signals and measurements through a preamp strip, in volts.

#ifndef GS_TESTS_SINE_PROBE_H
#define GS_TESTS_SINE_PROBE_H

#include "dsp/analysis.h"
#include "gainstage/preamp.h"
#include "gainstage/units.h"

#include <math.h>
#include <stdlib.h>

#define SIG_RATE 48000.0
#define SIG_N 16384  // analysis length: 0.34 s at 48 kHz
#define SIG_SETTLE 24000

/// A strip of model with the given gain and oversampling (0 = auto).
static inline GsPreamp *sig_strip(const char *model, double gain_db, unsigned oversample)
{
  GsPreampConfig c = gs_preamp_config_default();
  c.model = model;
  c.gain_db = gain_db;
  c.oversample = oversample;
  GsPreamp *p = NULL;
  GsError err;
  if (gs_preamp_new(&c, &p, &err)) {
    return NULL;
  }
  return p;
}

/// Runs a sine of level_dbu (RMS) on FFT bin k through the strip, lets it
/// settle, and analyses SIG_N output samples between 20 Hz and 20 kHz.
static inline GsSineAnalysis sig_sine(GsPreamp *p, size_t k, double level_dbu)
{
  const size_t total = SIG_SETTLE + SIG_N;
  float *x = malloc(sizeof(float) * total);
  const double amp = gs_dbu_to_volts(level_dbu) * sqrt(2.0);
  for (size_t i = 0; i < total; ++i) {
    x[i] = (float)(amp * sin(2.0 * M_PI * (double)k * (double)i / SIG_N));
  }
  gs_preamp_process(p, x, x, (uint32_t)total);
  GsSineAnalysis a;
  gs_analysis_sine(x + SIG_SETTLE, SIG_N, k, SIG_RATE, 20.0, 20000.0, &a);
  free(x);
  return a;
}

/// The bin nearest freq_hz that is co-prime with SIG_N.
static inline size_t sig_bin(double freq_hz)
{
  return gs_analysis_coprime_bin(SIG_N, SIG_RATE, freq_hz);
}

/// The frequency of bin k.
static inline double sig_freq(size_t k)
{
  return (double)k * SIG_RATE / SIG_N;
}

/// Peak amplitude in volts to dBu (sine RMS).
static inline double sig_dbu(double peak_volts)
{
  return gs_volts_to_dbu(peak_volts / sqrt(2.0));
}

#endif  // GS_TESTS_SINE_PROBE_H
