// SPDX-License-Identifier: ISC
// Microphones: from sound pressure to volts, and self-noise.

#ifndef GS_MODEL_MIC_H
#define GS_MODEL_MIC_H

#include "gainstage/source.h"

/// RMS pascal of a level in dB SPL, taking 94 dB SPL as exactly 1 Pa, the
/// convention microphone datasheets specify sensitivity by (and
/// shared/DESIGN.md states). The 20 uPa reference of 0 dB SPL would make
/// 94 dB SPL 1.0024 Pa: 0.02 dB, far inside any microphone's tolerance.
double gs_spl_to_pa(double level_db_spl);

/// The RMS of white noise at rate_hz (flat to Nyquist) whose A-weighted level
/// between 20 Hz and 20 kHz (or Nyquist, if lower) is self_noise_db_a of
/// sound pressure, referred to volts through sens_mv_per_pa. Main thread.
double gs_mic_noise_rms_volts(double sens_mv_per_pa, double self_noise_db_a, double rate_hz);

#endif  // GS_MODEL_MIC_H
