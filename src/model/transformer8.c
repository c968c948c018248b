// SPDX-License-Identifier: ISC
// The 8-lane transformer: setup and the choice of variant (kernels in transformer8-impl.h).

#include "model/transformer8.h"

#include "dsp/lanes-variants.h"
#include "model/transformer.h"

void gs_transformer8_init(GsTransformer8 *t, double rate_hz, double corner_hz, double sat_level,
                          double sat_freq_hz, double loss)
{
  GsTransformer mono;
  gs_transformer_init(&mono, rate_hz, corner_hz, sat_level, sat_freq_hz, loss);
  t->variant = gs_lanes_variant_supported(GS_LANES_AVX2) ? GS_LANES_AVX2 : GS_LANES_C;
  t->pole = mono.pole;
  t->pole2 = mono.pole2;
  t->pole4 = mono.pole4;
  t->in_gain = mono.in_gain;
  t->loss = mono.loss;
  gs_transformer8_reset(t);
}

GsStatus gs_transformer8_set_variant(GsTransformer8 *t, GsLanesVariant variant)
{
  if (!gs_lanes_variant_supported(variant)) {
    return GS_ERR_RANGE;
  }
  t->variant = variant;
  return GS_OK;
}

void gs_transformer8_reset_lane(GsTransformer8 *t, unsigned lane)
{
  t->u1[lane] = t->v1[lane] = t->v2[lane] = 0.0f;
  t->f1[lane] = t->f2[lane] = t->f3[lane] = t->f4[lane] = 0.0f;
}

void gs_transformer8_reset(GsTransformer8 *t)
{
  for (unsigned l = 0; l < GS_LANES; ++l) {
    gs_transformer8_reset_lane(t, l);
  }
}

void gs_transformer8_process(GsTransformer8 *t, const float *in, float *out, uint32_t n)
{
#ifdef GS_LANES_HAVE_AVX2
  if (t->variant == GS_LANES_AVX2) {
    gs_transformer8_kernel_avx2(t, in, out, n);
    return;
  }
#endif
  gs_transformer8_kernel_c(t, in, out, n);
}
