// SPDX-License-Identifier: ISC
// The halfband cascade on 8 interleaved channels, one float lane per channel.
//
// Setup and the choice of variant; the kernels are in oversample8-impl.h.

#include "dsp/oversample8.h"

#include "dsp/lanes-variants.h"

#include <string.h>

GsStatus gs_oversampler8_init(GsOversampler8 *os, unsigned factor, double rate_hz)
{
  GsOversampler mono;
  GsStatus st = gs_oversampler_init(&mono, factor, rate_hz);
  if (st) {
    return st;
  }
  memset(os, 0, sizeof(*os));
  os->variant = gs_lanes_variant_supported(GS_LANES_AVX2) ? GS_LANES_AVX2 : GS_LANES_C;
  os->factor = factor;
  os->n_stages = mono.n_stages;
  os->latency = gs_oversampler_latency(&mono);
  for (unsigned s = 0; s < mono.n_stages && s < 2; ++s) {
    os->n_coefs[s] = mono.stage[s].n_coefs;
    for (unsigned i = 0; i < mono.stage[s].n_coefs; ++i) {
      os->coef[s][i] = (float)mono.stage[s].coef[i];
    }
  }
  if (mono.n_stages == 3) {
    os->fir_pairs = mono.fir.n_pairs;
    for (unsigned k = 0; k < mono.fir.n_pairs; ++k) {
      os->fir_coef[k] = (float)mono.fir.coef[k];
    }
  }
  return GS_OK;
}

void gs_oversampler8_reset_lane(GsOversampler8 *os, unsigned lane)
{
  for (unsigned s = 0; s < 2; ++s) {
    for (unsigned i = 0; i < GS_HALFBAND_MAX_COEFS + 2; ++i) {
      os->state_up[s][i][lane] = 0.0f;
      os->state_down[s][i][lane] = 0.0f;
    }
  }
  for (unsigned i = 0; i < 2 * GS_FIR_HALFBAND_MAX_PAIRS; ++i) {
    os->fir_up[i][lane] = 0.0f;
    os->fir_odd[i][lane] = 0.0f;
  }
  for (unsigned i = 0; i < GS_FIR_HALFBAND_MAX_PAIRS; ++i) {
    os->fir_even[i][lane] = 0.0f;
  }
}

void gs_oversampler8_reset(GsOversampler8 *os)
{
  for (unsigned l = 0; l < GS_LANES; ++l) {
    gs_oversampler8_reset_lane(os, l);
  }
}

double gs_oversampler8_latency(const GsOversampler8 *os)
{
  return os->latency;
}

bool gs_lanes_variant_supported(GsLanesVariant variant)
{
  switch (variant) {
  case GS_LANES_AVX2:
#ifdef GS_LANES_HAVE_AVX2
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
#else
    return false;
#endif
  case GS_LANES_C: return true;
  case GS_LANES_N_VARIANTS: break;
  }
  return false;
}

const char *gs_lanes_variant_name(GsLanesVariant variant)
{
  switch (variant) {
  case GS_LANES_AVX2: return "avx2";
  case GS_LANES_C: return "c";
  case GS_LANES_N_VARIANTS: break;
  }
  return "unknown";
}

GsStatus gs_oversampler8_set_variant(GsOversampler8 *os, GsLanesVariant variant)
{
  if (!gs_lanes_variant_supported(variant)) {
    return GS_ERR_RANGE;
  }
  os->variant = variant;
  return GS_OK;
}

void gs_oversampler8_up(GsOversampler8 *os, const float *in, float *out, uint32_t n)
{
#ifdef GS_LANES_HAVE_AVX2
  if (os->variant == GS_LANES_AVX2) {
    gs_oversample8_up_avx2(os, in, out, n);
    return;
  }
#endif
  gs_oversample8_up_c(os, in, out, n);
}

void gs_oversampler8_down(GsOversampler8 *os, const float *in, float *out, uint32_t n)
{
#ifdef GS_LANES_HAVE_AVX2
  if (os->variant == GS_LANES_AVX2) {
    gs_oversample8_down_avx2(os, in, out, n);
    return;
  }
#endif
  gs_oversample8_down_c(os, in, out, n);
}

void gs_oversampler8_down_to_half(GsOversampler8 *os, const float *in, float *out, uint32_t n)
{
#ifdef GS_LANES_HAVE_AVX2
  if (os->variant == GS_LANES_AVX2) {
    gs_oversample8_down_fir_avx2(os, in, out, n);
    return;
  }
#endif
  gs_oversample8_down_fir_c(os, in, out, n);
}

void gs_oversampler8_down_from_half(GsOversampler8 *os, const float *in, float *out, uint32_t n)
{
#ifdef GS_LANES_HAVE_AVX2
  if (os->variant == GS_LANES_AVX2) {
    gs_oversample8_down_iir_avx2(os, in, out, n);
    return;
  }
#endif
  gs_oversample8_down_iir_c(os, in, out, n);
}
