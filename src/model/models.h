// SPDX-License-Identifier: ISC
// The built-in preamp models: their public description and the parameters
// of their circuits.

#ifndef GS_MODEL_MODELS_H
#define GS_MODEL_MODELS_H

#include "gainstage/preamp.h"

/// The kind of colouring stage a model runs at the oversampled rate.
typedef enum {
  GS_CORE_CLEAN,        ///< linear up to the rail, then a hard clip
  GS_CORE_CONSOLE,      ///< gentle cubic compression, then a hard knee at the rail
  GS_CORE_TRANSFORMER,  ///< output transformer core saturation, then the class-A rail
  GS_CORE_TUBE,         ///< asymmetric biased triode curve
  GS_CORE_INSTRUMENT,   ///< driven triode stage, tone stack, then the rail
} GsCoreKind;

typedef struct {
  GsPreampInfo info;
  GsCoreKind core;
  double tube_bias;       ///< tube curves: operating point shift
  double tube_asymmetry;  ///< tube curves: negative half knee = positive / this
  double rail_cubic;      ///< console, transformer: a in the rail curve x - a x^3
  double xfmr_sat_dbu;    ///< transformer: level that saturates the core at xfmr_sat_hz
  double xfmr_sat_hz;
  double xfmr_loss;       ///< transformer: voltage drop per unit saturation current
  double hf_shelf_db;     ///< output high shelf at 20 kHz (transformer roll-off), 0 for none
} GsModelDef;

/// The definition behind a model description (info must come from the table).
const GsModelDef *gs_model_def(const GsPreampInfo *info);

#endif  // GS_MODEL_MODELS_H
