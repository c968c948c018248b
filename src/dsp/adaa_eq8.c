// SPDX-License-Identifier: ISC
// The 8-lane ADAA droop equaliser: setup and the choice of variant (kernels in adaa_eq8-impl.h).

#include "dsp/adaa_eq8.h"

#include "dsp/adaa_eq.h"
#include "dsp/lanes-variants.h"

void gs_adaa_eq8_init(GsAdaaEq8 *eq, unsigned factor, double rate_hz, unsigned n_first,
                      unsigned n_second)
{
  gs_adaa_eq8_init_rates(eq, factor, factor, rate_hz, n_first, n_second);
}

void gs_adaa_eq8_init_rates(GsAdaaEq8 *eq, unsigned factor, unsigned second_factor,
                            double rate_hz, unsigned n_first, unsigned n_second)
{
  GsAdaaEq mono;
  gs_adaa_eq_init_rates(&mono, factor, second_factor, rate_hz, n_first, n_second);
  eq->variant = gs_lanes_variant_supported(GS_LANES_AVX2) ? GS_LANES_AVX2 : GS_LANES_C;
  eq->a = mono.a;
  gs_adaa_eq8_reset(eq);
}

GsStatus gs_adaa_eq8_set_variant(GsAdaaEq8 *eq, GsLanesVariant variant)
{
  if (!gs_lanes_variant_supported(variant)) {
    return GS_ERR_RANGE;
  }
  eq->variant = variant;
  return GS_OK;
}

void gs_adaa_eq8_reset_lane(GsAdaaEq8 *eq, unsigned lane)
{
  eq->x1[lane] = 0.0f;
  eq->x2[lane] = 0.0f;
}

void gs_adaa_eq8_reset(GsAdaaEq8 *eq)
{
  for (unsigned l = 0; l < GS_LANES; ++l) {
    gs_adaa_eq8_reset_lane(eq, l);
  }
}

void gs_adaa_eq8_process(GsAdaaEq8 *eq, const float *in, float *out, uint32_t n)
{
#ifdef GS_LANES_HAVE_AVX2
  if (eq->variant == GS_LANES_AVX2) {
    gs_adaa_eq8_kernel_avx2(eq, in, out, n);
    return;
  }
#endif
  gs_adaa_eq8_kernel_c(eq, in, out, n);
}
