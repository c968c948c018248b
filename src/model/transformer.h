// SPDX-License-Identifier: ISC
// Output transformer core saturation: distortion that grows with level and
// towards low frequencies, as the core flux does.

#ifndef GS_MODEL_TRANSFORMER_H
#define GS_MODEL_TRANSFORMER_H

#include "gainstage/realtime.h"

#include <stdint.h>

/// The core flux is the integral of the voltage across the winding, so at a
/// given level it is inversely proportional to frequency. A lossy integrator
/// (one pole at corner_hz) tracks it. As the flux nears saturation the
/// magnetising inductance collapses and its current, flowing through the
/// source resistance, subtracts a voltage that grows as flux^3 for small flux:
/// odd harmonics, rising by 18 dB per halving of frequency and by 2 dB per dB
/// of level (3rd harmonic relative to the fundamental).
///
/// The integrator runs in look-ahead form (transformer.c): the state is the
/// last input term, the last two partial sums and the last four fluxes.
typedef struct {
  float pole;      ///< integrator pole
  float pole2;     ///< pole^2 and pole^4, for the look-ahead
  float pole4;
  float in_gain;   ///< integrator input gain: flux 1.0 is saturation
  float loss;      ///< scales the magnetising current into a voltage drop
  float u1;        ///< state: in_gain x[n-1]
  float v[2];      ///< state: v[n-2], v[n-1]
  float flux[4];   ///< state: flux[n-4] .. flux[n-1]
} GsTransformer;

/// rate_hz is the rate it runs at. sat_level is the signal amplitude (in the
/// units of the samples) whose flux at sat_freq_hz reaches saturation; loss is
/// the fraction of the saturation current that appears as a voltage drop.
void gs_transformer_init(GsTransformer *t, double rate_hz, double corner_hz, double sat_level,
                         double sat_freq_hz, double loss);
void gs_transformer_reset(GsTransformer *t) GS_REALTIME;
/// in and out may alias. Real-time safe.
void gs_transformer_process(GsTransformer *t, const float *in, float *out, uint32_t n)
  GS_REALTIME;

#endif  // GS_MODEL_TRANSFORMER_H
