// SPDX-License-Identifier: ISC
// The numbers a channel strip derives from its settings: scales, noise level, oversampling.

#ifndef GS_MODEL_STRIP_PARAMS_H
#define GS_MODEL_STRIP_PARAMS_H

#include "gainstage/preamp.h"
#include "model/models.h"

#include <stdbool.h>

/// What a strip derives from a validated GsPreampConfig: the one place both
/// the single strip (preamp.c) and the preamp bank (bank.c) take it from, so
/// they run the same strip (tests/unit/model/test_bank.c compares them).
typedef struct {
  unsigned factor;    ///< oversampling in use
  bool adaa;          ///< ADAA on (oversampled only: at 1x its droop dulls the top octave)
  unsigned n_adaa;    ///< ADAA shapers in series (0 without oversampling)
  unsigned n_adaa2;   ///< of which second order (the instrument models' tube curve)
  /// The rate (times the base rate) of what follows the model's first curve:
  /// the instrument models' tone stack, rail and the droop equaliser. The
  /// factor, but 4 when an instrument model runs at 8x: its tube curve needs
  /// 8x, the rest does not.
  unsigned tail_factor;
  float in_scale;     ///< volts to the colouring stage's normalised units (with the pad)
  float out_scale;    ///< back to volts, with the polarity
  float rail_scale;   ///< instrument: stage units to rail units (1 otherwise)
  bool use_noise;     ///< add the equivalent input noise
  float noise_rms;    ///< its RMS in normalised units
  double v_drive;     ///< the colouring stage's unit, in volts
  bool use_hpf;       ///< high-pass on: 12 dB/octave at hpf_hz, Q hpf_q
  double hpf_hz, hpf_q;
  bool use_dcblock;   ///< output DC blocker on (the coloured models are AC-coupled)
  double dcblock_hz;  ///< its -3 dB corner
  bool use_shelf;     ///< output high shelf on (transformer roll-off)
  double shelf_hz, shelf_db, shelf_slope;
  double gain_glide_s;  ///< gain smoothing time constant
  double xfmr_corner_hz;  ///< transformer: integrator corner
  double xfmr_sat_level;  ///< transformer: saturation level in stage units
} GsStripParams;

/// config must have passed gs_preamp_new()'s validation. Main thread.
GsStripParams gs_strip_params(const GsPreampConfig *config, const GsModelDef *def);

#endif  // GS_MODEL_STRIP_PARAMS_H
