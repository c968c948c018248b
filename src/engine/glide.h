// SPDX-License-Identifier: ISC
// A linear gain that glides to its target one sample at a time: sends, mix
// volumes and mutes change without zipper noise.

#ifndef GS_ENGINE_GLIDE_H
#define GS_ENGINE_GLIDE_H

#include "gainstage/realtime.h"

#include <stdint.h>

/// Owned by the audio thread.
typedef struct {
  float current;
  float target;
} GsGlide;

/// The one-pole coefficient for a glide time constant. Main thread.
float gs_glide_coef(double rate_hz, double time_s);

/// out[i] += gain * in[i], the gain gliding with coefficient coef and
/// snapping to its target once within 1e-6 of it. Real-time safe.
void gs_glide_mix(GsGlide *g, float coef, const float *in, float *out, uint32_t n) GS_REALTIME;

#endif  // GS_ENGINE_GLIDE_H
