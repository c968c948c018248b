// SPDX-License-Identifier: ISC
// The table of built-in preamp models. The documented figures (THD, EIN,
// response) are measured by tests/unit/model/test_models.c and listed in
// docs/models.md.

#include "model/models.h"

#include <stddef.h>
#include <string.h>

// 20 log10(16 V / (sqrt(0.6) V x sqrt(2))): the dBu level whose sine peaks at 16 V.
#define GS_CLEAN_RAIL_DBU 23.29058719264225

static const GsModelDef models[] = {
  {
    .info = {
      .name = "clean",
      .imitates = "a modern transparent interface preamp (Scarlett 4th gen class)",
      .character = "no colour: linear up to the rail, then it clips",
      .gain_min_db = 0.0, .gain_max_db = 66.0, .gain_default_db = 0.0,
      // The rail is 16 V peak (+23.3 dBu): a power of two in volts, so the
      // stage's scaling into its own units and back is exact and a clean
      // strip at 0 dB passes its input bit for bit (below the rail).
      .ein_dbu_a = -129.0, .rail_dbu = GS_CLEAN_RAIL_DBU, .auto_oversample = 1,
      .drive_dbu = GS_CLEAN_RAIL_DBU,
      .thd = {{1000.0, 4.0, 0.001}, {1000.0, 20.0, 0.001}},
      .response_db_20k = 0.0,
    },
    .core = GS_CORE_CLEAN,
  },
  {
    .info = {
      .name = "console",
      .imitates = "a solid-state console channel (discrete op-amp class)",
      .character = "low-order odd harmonics that grow with level, a hard knee at the rail",
      .gain_min_db = 0.0, .gain_max_db = 60.0, .gain_default_db = 0.0,
      .ein_dbu_a = -128.0, .rail_dbu = 26.0, .auto_oversample = 8,
      .drive_dbu = 26.0,
      .thd = {{1000.0, 4.0, 0.0079}, {1000.0, 20.0, 0.32}},
      .response_db_20k = 0.0,
    },
    .core = GS_CORE_CONSOLE,
    .rail_cubic = 0.05,
  },
  {
    .info = {
      .name = "transformer",
      .imitates = "a class-A preamp with input and output transformers (1073 class)",
      .character = "low-frequency thickening: odd harmonics rising at low frequencies and "
                   "high levels, a slight high-frequency roll-off",
      .gain_min_db = 0.0, .gain_max_db = 70.0, .gain_default_db = 0.0,
      .ein_dbu_a = -126.0, .rail_dbu = 26.0, .auto_oversample = 8,
      .drive_dbu = 26.0,
      .thd = {{40.0, 4.0, 0.014}, {40.0, 20.0, 0.43}},
      .response_db_20k = -0.5,
    },
    .core = GS_CORE_TRANSFORMER,
    .xfmr_sat_dbu = 24.0,
    .xfmr_sat_hz = 40.0,
    .xfmr_loss = 0.15,
    .rail_cubic = 0.005,
    .hf_shelf_db = -1.0,
  },
  {
    .info = {
      .name = "tube",
      .imitates = "a triode valve microphone preamp (610 class)",
      .character = "mostly second harmonic at moderate levels, soft compression when driven",
      .gain_min_db = 0.0, .gain_max_db = 60.0, .gain_default_db = 0.0,
      .ein_dbu_a = -124.0, .rail_dbu = 28.0, .auto_oversample = 4,
      .drive_dbu = 28.0,
      .thd = {{1000.0, 4.0, 0.69}, {1000.0, 20.0, 4.1}},
      .response_db_20k = 0.0,
    },
    .core = GS_CORE_TUBE,
    .tube_bias = 0.15,
    .tube_asymmetry = 1.2,
  },
  {
    .info = {
      .name = "bass",
      .imitates = "a valve bass amplifier preamp with an active three-band tone stack",
      .character = "warm, grows thick and compressed when the gain is pushed",
      .gain_min_db = 0.0, .gain_max_db = 40.0, .gain_default_db = 0.0,
      // 8x: driven to full scale (12 dB past its knee) its second-order
      // curve aliases at -90 dBc for 15 kHz at 4x, -101 at 8x.
      .ein_dbu_a = -115.0, .rail_dbu = 20.0, .auto_oversample = 8,
      .drive_dbu = 6.0,
      .has_tone = true, .tone_range_db = 15.0,
      .bass_hz = 80.0, .mid_hz = 500.0, .treble_hz = 4000.0,
      .output_gain_db = 4.0,
      .thd = {{1000.0, -10.0, 1.2}, {1000.0, 4.0, 7.8}},
      .response_db_20k = 0.0,
    },
    .core = GS_CORE_INSTRUMENT,
    .tube_bias = 0.1,
    .tube_asymmetry = 1.5,
  },
  {
    .info = {
      .name = "guitar",
      .imitates = "a high-gain valve guitar amplifier preamp with a three-band tone stack",
      .character = "from edge of break-up to saturated, more gain on tap than the bass model",
      .gain_min_db = 0.0, .gain_max_db = 60.0, .gain_default_db = 0.0,
      // 8x: full scale drives its curve 24 dB past the knee, and even with
      // second-order ADAA 4x leaves -72 dBc of aliases for 10 kHz; 8x, -95.
      .ein_dbu_a = -112.0, .rail_dbu = 20.0, .auto_oversample = 8,
      .drive_dbu = -6.0,
      .has_tone = true, .tone_range_db = 15.0,
      .bass_hz = 120.0, .mid_hz = 800.0, .treble_hz = 3200.0,
      .output_gain_db = 14.0,
      .thd = {{1000.0, -10.0, 9.5}, {1000.0, 4.0, 29.0}},
      .response_db_20k = 0.0,
    },
    .core = GS_CORE_INSTRUMENT,
    .tube_bias = 0.3,
    .tube_asymmetry = 2.0,
  },
};

#define N_MODELS (sizeof(models) / sizeof(models[0]))

size_t gs_preamp_model_count(void)
{
  return N_MODELS;
}

const GsPreampInfo *gs_preamp_model_info(size_t index)
{
  return index < N_MODELS ? &models[index].info : NULL;
}

const GsPreampInfo *gs_preamp_model_find(const char *name)
{
  for (size_t i = 0; name && i < N_MODELS; ++i) {
    if (!strcmp(models[i].info.name, name)) {
      return &models[i].info;
    }
  }
  return NULL;
}

const GsModelDef *gs_model_def(const GsPreampInfo *info)
{
  // info is the first member of its definition.
  return (const GsModelDef *)(const void *)info;
}
