// SPDX-License-Identifier: ISC
// Every figure a preamp model documents (GsPreampInfo, docs/models.md),
// measured the one way the tests and the docs both use.

#ifndef GS_CLI_MEASURE_MODELS_H
#define GS_CLI_MEASURE_MODELS_H

#include "cli/measure.h"

/// The conditions: 48 kHz, gain 0 dB, every other control at its default,
/// oversampling auto; EIN at gain 30 dB (the model's noise is referred to
/// its input, so the gain changes nothing but the level measured).
#define GS_MODELS_RATE_HZ 48000.0
#define GS_MODELS_EIN_GAIN_DB 30.0
#define GS_MODELS_RESPONSE_DBU -20.0
#define GS_MODELS_ALIAS_HZ 5000.0

/// What one model measures.
typedef struct {
  const GsPreampInfo *info;
  GsSinePoint thd[2];       ///< at info->thd[i]'s frequency and level
  double response_20k_db;   ///< response at 20 kHz re 1 kHz, at -20 dBu (sines)
  unsigned oversample;      ///< the factor auto picks
  double latency_phase;     ///< phase delay at 1 kHz, samples
  double latency_reported;  ///< gs_preamp_latency()
  GsNoiseResult noise;      ///< at GS_MODELS_EIN_GAIN_DB
  double alias_level;       ///< drive + 12 dB
  double alias_dbc[4];      ///< 5 kHz at alias_level, at 1x, 2x, 4x, 8x
} GsModelFigures;

/// A model's strip with these settings at GS_MODELS_RATE_HZ (oversample 0:
/// auto). err names an unknown model.
GsStatus gs_models_dut(const char *model, double gain_db, unsigned oversample, GsDut **out,
                       GsError *err);

/// Measures everything above for one model.
GsStatus gs_models_measure(const GsPreampInfo *info, GsModelFigures *out, GsError *err);

#endif  // GS_CLI_MEASURE_MODELS_H
