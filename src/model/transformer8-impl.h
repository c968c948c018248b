// SPDX-License-Identifier: ISC
// The 8-lane transformer's kernel, included once by each CPU variant.
//
// The including file defines VEC_WIDTH and TRANSFORMER8_FN. The arithmetic
// is that of gs_transformer_process() (transformer.c explains it), operation
// for operation, on VEC_WIDTH channels.

#ifndef GS_MODEL_TRANSFORMER8_IMPL_H
#define GS_MODEL_TRANSFORMER8_IMPL_H

#include "dsp/lanes-vec.h"
#include "model/transformer8.h"

#ifndef TRANSFORMER8_FN
#  error "define VEC_WIDTH and TRANSFORMER8_FN before including transformer8-impl.h"
#endif

void TRANSFORMER8_FN(GsTransformer8 *t, const float *in, float *out, uint32_t n)
{
  const VecF pole = splat_f(t->pole), in_gain = splat_f(t->in_gain), loss = splat_f(t->loss);
  const VecF one = splat_f(1.0);
  for (unsigned g = 0; g < GS_LANES; g += VEC_WIDTH) {
    VecF flux = load_f(t->flux + g);
    for (uint32_t i = 0; i < n; ++i) {
      const VecF x = load_f(in + GS_LANES * i + g);
      flux = pole * flux + in_gain * x;
      const VecF current = flux - flux / roots_f(one + flux * flux);
      store_f(out + GS_LANES * i + g, x - loss * current);
    }
    store_f(t->flux + g, flux);
  }
}

#endif  // GS_MODEL_TRANSFORMER8_IMPL_H
