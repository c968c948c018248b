// SPDX-License-Identifier: ISC
// The 8-lane ADAA equaliser's kernel, included once by each CPU variant.
//
// The including file defines VEC_WIDTH and EQ8_FN. The arithmetic is that of
// gs_adaa_eq_process(), operation for operation, on VEC_WIDTH channels.

#ifndef GS_DSP_ADAA_EQ8_IMPL_H
#define GS_DSP_ADAA_EQ8_IMPL_H

#include "dsp/adaa_eq8.h"
#include "dsp/lanes-vec.h"

#ifndef EQ8_FN
#  error "define VEC_WIDTH and EQ8_FN before including adaa_eq8-impl.h"
#endif

void EQ8_FN(GsAdaaEq8 *eq, const float *in, float *out, uint32_t n)
{
  const VecF a = splat_f(eq->a), centre = splat_f(1.0f + 2.0f * eq->a);
  for (unsigned g = 0; g < GS_LANES; g += VEC_WIDTH) {
    VecF x1 = load_f(eq->x1 + g), x2 = load_f(eq->x2 + g);
    for (uint32_t t = 0; t < n; ++t) {
      const VecF x = load_f(in + GS_LANES * t + g);
      store_f(out + GS_LANES * t + g, centre * x1 - a * (x + x2));
      x2 = x1;
      x1 = x;
    }
    store_f(eq->x1 + g, x1);
    store_f(eq->x2 + g, x2);
  }
}

#endif  // GS_DSP_ADAA_EQ8_IMPL_H
