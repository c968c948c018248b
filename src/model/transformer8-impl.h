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
  const VecF pole = splat_f(t->pole), pole2 = splat_f(t->pole2), pole4 = splat_f(t->pole4);
  const VecF in_gain = splat_f(t->in_gain), loss = splat_f(t->loss);
  const VecF one = splat_f(1.0);
  for (unsigned g = 0; g < GS_LANES; g += VEC_WIDTH) {
    VecF u1 = load_f(t->u1 + g), v1 = load_f(t->v1 + g), v2 = load_f(t->v2 + g);
    VecF f1 = load_f(t->f1 + g), f2 = load_f(t->f2 + g), f3 = load_f(t->f3 + g);
    VecF f4 = load_f(t->f4 + g);
    for (uint32_t i = 0; i < n; ++i) {
      const VecF x = load_f(in + GS_LANES * i + g);
      // The look-ahead recursion of gs_transformer_process().
      const VecF u = in_gain * x;
      const VecF v = pole * u1 + u;
      const VecF flux = pole4 * f4 + (pole2 * v2 + v);
      u1 = u;
      v2 = v1;
      v1 = v;
      f4 = f3;
      f3 = f2;
      f2 = f1;
      f1 = flux;
      const VecF current = flux - flux / roots_f(one + flux * flux);
      store_f(out + GS_LANES * i + g, x - loss * current);
    }
    store_f(t->u1 + g, u1);
    store_f(t->v1 + g, v1);
    store_f(t->v2 + g, v2);
    store_f(t->f1 + g, f1);
    store_f(t->f2 + g, f2);
    store_f(t->f3 + g, f3);
    store_f(t->f4 + g, f4);
  }
}

#endif  // GS_MODEL_TRANSFORMER8_IMPL_H
