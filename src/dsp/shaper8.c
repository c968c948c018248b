// SPDX-License-Identifier: ISC
// Waveshaping with first-order ADAA on 8 interleaved channels.
//
// Setup, TANH (lane by lane in double) and the choice of variant for the
// vector kernels in shaper8-impl.h.

#include "dsp/shaper8.h"

#include "dsp/lanes-variants.h"
#include "dsp/tube_adaa2.h"

#include <math.h>

#ifndef M_LN2  // XSI, not ISO C
#  define M_LN2 0.69314718055994530942
#endif

void gs_shaper8_reset_lane(GsShaper8 *s, unsigned lane)
{
  GsShaper one = s->curve;
  gs_shaper_reset(&one);
  s->x1[lane] = (float)one.x1;
  s->r1[lane] = (float)one.r1;
  s->F1[lane] = one.F1;
  for (unsigned p = 0; p < 4; ++p) {
    s->hist[p][lane] = one.hist[p];
  }
}

void gs_shaper8_reset(GsShaper8 *s)
{
  for (unsigned l = 0; l < GS_LANES; ++l) {
    gs_shaper8_reset_lane(s, l);
  }
}

void gs_shaper8_init(GsShaper8 *s, GsShape shape, bool adaa)
{
  s->variant = gs_lanes_variant_supported(GS_LANES_AVX2) ? GS_LANES_AVX2 : GS_LANES_C;
  gs_shaper_init(&s->curve, shape, adaa);
  gs_shaper8_reset(s);
}

void gs_shaper8_set_order(GsShaper8 *s, unsigned order)
{
  gs_shaper_set_order(&s->curve, order);
  gs_shaper8_reset(s);
}

void gs_shaper8_set_rail(GsShaper8 *s, double cubic)
{
  gs_shaper_set_rail(&s->curve, cubic);
}

void gs_shaper8_set_tube(GsShaper8 *s, double bias, double asymmetry)
{
  const double old_bias = s->curve.bias;
  gs_shaper_set_tube(&s->curve, bias, asymmetry);
  if (s->curve.shape != GS_SHAPE_TUBE) {
    return;
  }
  // Carry the per-lane state to the new operating point, as shaper.c does.
  for (unsigned l = 0; l < GS_LANES; ++l) {
    const double u = (double)s->x1[l] - old_bias + s->curve.bias;
    const double k = u >= 0.0 ? s->curve.knee_pos : s->curve.knee_neg;
    s->x1[l] = (float)u;
    s->r1[l] = (float)sqrt(k * k + u * u);
  }
}

// TANH: lane by lane in double, as in shaper.c.
static void tanh_lanes(GsShaper8 *s, const float *in, float *out, uint32_t n) GS_REALTIME
{
  for (unsigned l = 0; l < GS_LANES; ++l) {
    double x1 = (double)s->x1[l], F1 = s->F1[l];
    for (uint32_t t = 0; t < n; ++t) {
      const double x = (double)in[GS_LANES * t + l];
      if (!s->curve.adaa) {
        out[GS_LANES * t + l] = (float)tanh(x);
        continue;
      }
      const double a = fabs(x);
      const double F = a + log1p(exp(-2.0 * a)) - M_LN2;
      const double dx = x - x1;
      const bool close = fabs(dx) < GS_SHAPER_TANH_EPSILON * (1.0 + a);
      const double y = close ? tanh(0.5 * (x + x1)) : (F - F1) / dx;
      out[GS_LANES * t + l] = (float)y;
      x1 = x;
      F1 = F;
    }
    s->x1[l] = (float)x1;
    s->F1[l] = F1;
  }
}

GsStatus gs_shaper8_set_variant(GsShaper8 *s, GsLanesVariant variant)
{
  if (!gs_lanes_variant_supported(variant)) {
    return GS_ERR_RANGE;
  }
  s->variant = variant;
  return GS_OK;
}

// The tube's second order: the mono shaper's kernel, lanes holding channels.
static void tube_adaa2(GsShaper8 *s, const float *in, float *out, uint32_t n) GS_REALTIME
{
#ifdef GS_LANES_HAVE_AVX2
  if (s->variant == GS_LANES_AVX2) {
    gs_tube_adaa2_lanes_avx2(s, in, out, n);
  } else {
    gs_tube_adaa2_lanes_c(s, in, out, n);
  }
#else
  gs_tube_adaa2_lanes_c(s, in, out, n);
#endif
  for (unsigned l = 0; l < GS_LANES; ++l) {
    for (unsigned p = 0; p < 4; ++p) {
      if (!isfinite(s->hist[p][l])) {
        gs_shaper8_reset_lane(s, l);  // the other channels go on
        break;
      }
    }
  }
}

void gs_shaper8_process(GsShaper8 *s, const float *in, float *out, uint32_t n)
{
  if (s->curve.adaa && s->curve.order == 2) {
    tube_adaa2(s, in, out, n);
    return;
  }
  if (s->curve.shape == GS_SHAPE_TANH) {
    tanh_lanes(s, in, out, n);
#ifdef GS_LANES_HAVE_AVX2
  } else if (s->variant == GS_LANES_AVX2) {
    gs_shaper8_kernel_avx2(s, in, out, n);
#endif
  } else {
    gs_shaper8_kernel_c(s, in, out, n);
  }
  for (unsigned l = 0; l < GS_LANES; ++l) {
    if (!(isfinite(s->x1[l]) && isfinite(s->r1[l]) && isfinite(s->F1[l]))) {
      gs_shaper8_reset_lane(s, l);  // the other channels go on
    }
  }
}
