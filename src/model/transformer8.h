// SPDX-License-Identifier: ISC
// The output transformer of transformer.h on 8 interleaved channels, one float lane each.

#ifndef GS_MODEL_TRANSFORMER8_H
#define GS_MODEL_TRANSFORMER8_H

#include "dsp/lanes-variants.h"
#include "gainstage/realtime.h"
#include "gainstage/status.h"

#include <stdint.h>

/// The same integrator and saturation current as GsTransformer (same float
/// arithmetic in the same order, correctly rounded square roots), so each
/// lane equals GsTransformer bit for bit. Owned by the processing thread.
typedef struct {
  GsLanesVariant variant;  ///< chosen at init: the fastest this CPU runs
  float pole, pole2, pole4, in_gain, loss;
  // State per lane, as GsTransformer's: in_gain x[n-1], v[n-1], v[n-2] and
  // flux[n-1] .. flux[n-4].
  float u1[GS_LANES], v1[GS_LANES], v2[GS_LANES];
  float f1[GS_LANES], f2[GS_LANES], f3[GS_LANES], f4[GS_LANES];
} GsTransformer8;

/// As gs_transformer_init(). Main thread.
void gs_transformer8_init(GsTransformer8 *t, double rate_hz, double corner_hz, double sat_level,
                          double sat_freq_hz, double loss);
/// Picks a variant (tests, benchmarks); GS_ERR_RANGE if this CPU cannot run
/// it. Main thread.
GsStatus gs_transformer8_set_variant(GsTransformer8 *t, GsLanesVariant variant);
/// Clears the state. Real-time safe.
void gs_transformer8_reset(GsTransformer8 *t) GS_REALTIME;
/// Clears one lane's state (lane < GS_LANES). Real-time safe.
void gs_transformer8_reset_lane(GsTransformer8 *t, unsigned lane) GS_REALTIME;
/// n frames of GS_LANES interleaved channels; in and out may alias.
/// Real-time safe.
void gs_transformer8_process(GsTransformer8 *t, const float *in, float *out, uint32_t n)
  GS_REALTIME;

// The variants (transformer8-c.c, transformer8-avx2.c), internal to transformer8.c.
void gs_transformer8_kernel_c(GsTransformer8 *t, const float *in, float *out, uint32_t n)
  GS_REALTIME;
#ifdef GS_LANES_HAVE_AVX2
void gs_transformer8_kernel_avx2(GsTransformer8 *t, const float *in, float *out, uint32_t n)
  GS_REALTIME;
#endif

#endif  // GS_MODEL_TRANSFORMER8_H
