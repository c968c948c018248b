// SPDX-License-Identifier: ISC
// The 8-lane biquad cascade's kernel, included once by each CPU variant.
//
// The including file defines VEC_WIDTH and BIQUAD8_FN. Each double vector
// holds VEC_WIDTH / 2 channels (2 with SSE2, 4 with AVX2), so the 8 channels
// go through in 4 or 2 groups; every section runs the arithmetic of
// gs_biquad_process(), operation for operation.

#ifndef GS_DSP_BIQUAD8_IMPL_H
#define GS_DSP_BIQUAD8_IMPL_H

#include "dsp/biquad8.h"
#include "dsp/lanes-vec.h"

#ifndef BIQUAD8_FN
#  error "define VEC_WIDTH and BIQUAD8_FN before including biquad8-impl.h"
#endif

// As biquad.c: state below 1e-30 (-600 dBFS) goes to zero, both variables
// together, so a decaying filter never reaches denormals.
#define TINY 1e-30

ALWAYS_INLINE void cascade(GsBiquad8 *bq, const float *in, float *out, uint32_t n, unsigned g,
                           unsigned n_sections)
{
  VecD b0[GS_BIQUAD8_MAX_SECTIONS], b1[GS_BIQUAD8_MAX_SECTIONS], b2[GS_BIQUAD8_MAX_SECTIONS];
  VecD a1[GS_BIQUAD8_MAX_SECTIONS], a2[GS_BIQUAD8_MAX_SECTIONS];
  VecD z1[GS_BIQUAD8_MAX_SECTIONS], z2[GS_BIQUAD8_MAX_SECTIONS];
  for (unsigned s = 0; s < n_sections; ++s) {
    b0[s] = splat_d(bq->coef[s][0]);
    b1[s] = splat_d(bq->coef[s][1]);
    b2[s] = splat_d(bq->coef[s][2]);
    a1[s] = splat_d(bq->coef[s][3]);
    a2[s] = splat_d(bq->coef[s][4]);
    z1[s] = load_d(bq->z1[s] + g);
    z2[s] = load_d(bq->z2[s] + g);
  }
  const VecD zero = splat_d(0.0), tiny = splat_d(TINY);
  for (uint32_t t = 0; t < n; ++t) {
    VecD x = load_half(in + GS_LANES * t + g);
    for (unsigned s = 0; s < n_sections; ++s) {
      const VecD y = b0[s] * x + z1[s];
      VecD u1 = (b1[s] * x + z2[s]) - a1[s] * y;  // as gs_biquad_process()
      VecD u2 = b2[s] * x - a2[s] * y;
      const MaskD flush = (abs_d(u1) + abs_d(u2)) < tiny;
      z1[s] = select_d(flush, zero, u1);
      z2[s] = select_d(flush, zero, u2);
      // gs_biquad_process() writes float samples between sections.
      x = round_to_float(y);
    }
    store_half(out + GS_LANES * t + g, x);
  }
  for (unsigned s = 0; s < n_sections; ++s) {
    store_d(bq->z1[s] + g, z1[s]);
    store_d(bq->z2[s] + g, z2[s]);
  }
}

void BIQUAD8_FN(GsBiquad8 *bq, const float *in, float *out, uint32_t n)
{
  for (unsigned g = 0; g < GS_LANES; g += DOUBLE_LANES) {
    // The tone stack's three sections get a loop the compiler unrolls.
    if (bq->n_sections == 3) {
      cascade(bq, in, out, n, g, 3);
    } else {
      cascade(bq, in, out, n, g, bq->n_sections);
    }
  }
}

#endif  // GS_DSP_BIQUAD8_IMPL_H
