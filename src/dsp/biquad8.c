// SPDX-License-Identifier: ISC
// The 8-lane biquad cascade: setup and the choice of variant (kernels in biquad8-impl.h).

#include "dsp/biquad8.h"

#include "dsp/lanes-variants.h"

GsStatus gs_biquad8_init(GsBiquad8 *bq, const GsBiquad *sections, unsigned n_sections)
{
  if (n_sections < 1 || n_sections > GS_BIQUAD8_MAX_SECTIONS) {
    return GS_ERR_RANGE;
  }
  *bq = (GsBiquad8){0};
  bq->variant = gs_lanes_variant_supported(GS_LANES_AVX2) ? GS_LANES_AVX2 : GS_LANES_C;
  bq->n_sections = n_sections;
  gs_biquad8_set_coefficients(bq, sections, n_sections);
  return GS_OK;
}

void gs_biquad8_set_coefficients(GsBiquad8 *bq, const GsBiquad *sections, unsigned n_sections)
{
  if (n_sections != bq->n_sections) {
    return;
  }
  for (unsigned s = 0; s < n_sections; ++s) {
    const GsBiquad *b = &sections[s];
    bq->coef[s][0] = b->b0;
    bq->coef[s][1] = b->b1;
    bq->coef[s][2] = b->b2;
    bq->coef[s][3] = b->a1;
    bq->coef[s][4] = b->a2;
  }
}

GsStatus gs_biquad8_set_variant(GsBiquad8 *bq, GsLanesVariant variant)
{
  if (!gs_lanes_variant_supported(variant)) {
    return GS_ERR_RANGE;
  }
  bq->variant = variant;
  return GS_OK;
}

void gs_biquad8_reset_lane(GsBiquad8 *bq, unsigned lane)
{
  for (unsigned s = 0; s < GS_BIQUAD8_MAX_SECTIONS; ++s) {
    bq->z1[s][lane] = 0.0;
    bq->z2[s][lane] = 0.0;
  }
}

void gs_biquad8_reset(GsBiquad8 *bq)
{
  for (unsigned l = 0; l < GS_LANES; ++l) {
    gs_biquad8_reset_lane(bq, l);
  }
}

void gs_biquad8_process(GsBiquad8 *bq, const float *in, float *out, uint32_t n)
{
#ifdef GS_LANES_HAVE_AVX2
  if (bq->variant == GS_LANES_AVX2) {
    gs_biquad8_kernel_avx2(bq, in, out, n);
    return;
  }
#endif
  gs_biquad8_kernel_c(bq, in, out, n);
}
