// SPDX-License-Identifier: ISC
// The 8-channel halfband cascade's kernels, included once by each CPU variant.
//
// The including file defines VEC_WIDTH (4 or 8 lanes of float) and UP8_FN /
// DOWN8_FN, the names of the functions this defines. The structure and the
// recursion are those of oversample-impl.h, with the vector lanes holding
// channels instead of branches: each section
//   y[n] = a x[n] + (x[n-1] - a y[n-1])
// runs on VEC_WIDTH channels at once, both branches one after the other;
// with 4 lanes the 8 channels go through in two groups.

#ifndef GS_DSP_OVERSAMPLE8_IMPL_H
#define GS_DSP_OVERSAMPLE8_IMPL_H

#include "dsp/lanes-variants.h"

#if !defined(VEC_WIDTH) || !defined(UP8_FN) || !defined(DOWN8_FN)
#  error "define VEC_WIDTH, UP8_FN and DOWN8_FN before including oversample8-impl.h"
#endif

#define ALWAYS_INLINE static inline __attribute__((always_inline))

typedef float Vec __attribute__((vector_size(VEC_WIDTH * sizeof(float))));

ALWAYS_INLINE Vec load(const float *p)
{
  Vec v;
  __builtin_memcpy(&v, p, sizeof(v));
  return v;
}

ALWAYS_INLINE void store(float *p, Vec v)
{
  __builtin_memcpy(p, &v, sizeof(v));
}

typedef struct {
  float c[GS_HALFBAND_MAX_COEFS];
  Vec s[GS_HALFBAND_MAX_COEFS + 2];
} Stage;

ALWAYS_INLINE void stage_load(Stage *st, const float *coef, float (*state)[GS_LANES], unsigned nc,
                              unsigned g)
{
  for (unsigned i = 0; i < nc; ++i) {
    st->c[i] = coef[i];
  }
  for (unsigned i = 0; i < nc + 2; ++i) {
    st->s[i] = load(state[i] + g);
  }
}

ALWAYS_INLINE void stage_store(const Stage *st, float (*state)[GS_LANES], unsigned nc, unsigned g)
{
  for (unsigned i = 0; i < nc + 2; ++i) {
    store(state[i] + g, st->s[i]);
  }
}

// Both branches of a stage for one lower-rate step (state layout as in
// GsHalfband: s[0], s[1] the branch inputs, s[i + 2] the output of section i).
ALWAYS_INLINE void branches(Stage *st, unsigned nc, Vec x0, Vec x1, Vec *y0, Vec *y1)
{
  unsigned i = 0;
  for (; i + 1 < nc; i += 2) {
    const Vec t0 = st->c[i] * x0 + (st->s[i] - st->c[i] * st->s[i + 2]);
    const Vec t1 = st->c[i + 1] * x1 + (st->s[i + 1] - st->c[i + 1] * st->s[i + 3]);
    st->s[i] = x0;
    st->s[i + 1] = x1;
    x0 = t0;
    x1 = t1;
  }
  if (nc & 1) {
    const Vec t0 = st->c[i] * x0 + (st->s[i] - st->c[i] * st->s[i + 2]);
    st->s[i] = x0;
    x0 = t0;
    st->s[nc] = x1;
    st->s[nc + 1] = x0;
  } else {
    st->s[nc] = x0;
    st->s[nc + 1] = x1;
  }
  *y0 = x0;
  *y1 = x1;
}

ALWAYS_INLINE void up_step(Stage *st, unsigned nc, Vec x, Vec *even, Vec *odd)
{
  branches(st, nc, x, x, even, odd);
}

ALWAYS_INLINE Vec down_step(Stage *st, unsigned nc, Vec even, Vec odd)
{
  Vec y0, y1;
  branches(st, nc, odd, even, &y0, &y1);
  return 0.5f * (y0 + y1);
}

ALWAYS_INLINE void up_cascade(GsOversampler8 *os, const float *restrict in, float *restrict out,
                              uint32_t n, unsigned g, unsigned n1, unsigned n2, unsigned n3)
{
  Stage s1, s2, s3;
  stage_load(&s1, os->coef[0], os->state_up[0], n1, g);
  stage_load(&s2, os->coef[1], os->state_up[1], n2, g);
  stage_load(&s3, os->coef[2], os->state_up[2], n3, g);
  const unsigned factor = n3 ? 8 : (n2 ? 4 : 2);
  for (uint32_t t = 0; t < n; ++t) {
    Vec a[2], b[4], c[8];
    up_step(&s1, n1, load(in + GS_LANES * t + g), &a[0], &a[1]);
    Vec *last = a;
    if (n2) {
      up_step(&s2, n2, a[0], &b[0], &b[1]);
      up_step(&s2, n2, a[1], &b[2], &b[3]);
      last = b;
    }
    if (n3) {
      for (unsigned j = 0; j < 4; ++j) {
        up_step(&s3, n3, b[j], &c[2 * j], &c[2 * j + 1]);
      }
      last = c;
    }
    for (unsigned j = 0; j < factor; ++j) {
      store(out + GS_LANES * (factor * t + j) + g, last[j]);
    }
  }
  stage_store(&s1, os->state_up[0], n1, g);
  stage_store(&s2, os->state_up[1], n2, g);
  stage_store(&s3, os->state_up[2], n3, g);
}

ALWAYS_INLINE void down_cascade(GsOversampler8 *os, const float *restrict in, float *restrict out,
                                uint32_t n, unsigned g, unsigned n1, unsigned n2, unsigned n3)
{
  Stage s1, s2, s3;
  stage_load(&s1, os->coef[0], os->state_down[0], n1, g);
  stage_load(&s2, os->coef[1], os->state_down[1], n2, g);
  stage_load(&s3, os->coef[2], os->state_down[2], n3, g);
  const unsigned factor = n3 ? 8 : (n2 ? 4 : 2);
  for (uint32_t t = 0; t < n; ++t) {
    Vec x[8];
    for (unsigned j = 0; j < factor; ++j) {
      x[j] = load(in + GS_LANES * (factor * t + j) + g);
    }
    if (n3) {
      for (unsigned j = 0; j < 4; ++j) {
        x[j] = down_step(&s3, n3, x[2 * j], x[2 * j + 1]);
      }
    }
    if (n2) {
      for (unsigned j = 0; j < 2; ++j) {
        x[j] = down_step(&s2, n2, x[2 * j], x[2 * j + 1]);
      }
    }
    store(out + GS_LANES * t + g, down_step(&s1, n1, x[0], x[1]));
  }
  stage_store(&s1, os->state_down[0], n1, g);
  stage_store(&s2, os->state_down[1], n2, g);
  stage_store(&s3, os->state_down[2], n3, g);
}

// Instantiations, per group of lanes, for the designs up to 48 kHz (8, 4, 3 coefficients) and at
// 88.2/96 kHz (4, 3, 2); other rates run with run-time counts.
#define DISPATCH8(fn, os, in, out, n)                                                              \
  do {                                                                                             \
    const unsigned n1_ = (os)->n_coefs[0], n2_ = (os)->n_coefs[1], n3_ = (os)->n_coefs[2];         \
    for (unsigned g_ = 0; g_ < GS_LANES; g_ += VEC_WIDTH) {                                        \
    switch ((os)->n_stages) {                                                                      \
    case 1:                                                                                        \
      if (n1_ == 8) fn(os, in, out, n, g_, 8, 0, 0);                                               \
      else fn(os, in, out, n, g_, n1_, 0, 0);                                                      \
      break;                                                                                       \
    case 2:                                                                                        \
      if (n1_ == 8 && n2_ == 4) fn(os, in, out, n, g_, 8, 4, 0);                                   \
      else if (n1_ == 4 && n2_ == 3) fn(os, in, out, n, g_, 4, 3, 0);                              \
      else fn(os, in, out, n, g_, n1_, n2_, 0);                                                    \
      break;                                                                                       \
    case 3:                                                                                        \
      if (n1_ == 8 && n2_ == 4 && n3_ == 3) fn(os, in, out, n, g_, 8, 4, 3);                       \
      else fn(os, in, out, n, g_, n1_, n2_, n3_);                                                  \
      break;                                                                                       \
    default:                                                                                       \
      for (uint32_t i_ = 0; i_ < (n); ++i_) {                                                      \
        store((out) + GS_LANES * i_ + g_, load((in) + GS_LANES * i_ + g_));                        \
      }                                                                                            \
      break;                                                                                       \
    }                                                                                              \
    }                                                                                              \
  } while (0)

void UP8_FN(GsOversampler8 *os, const float *restrict in, float *restrict out, uint32_t n)
{
  DISPATCH8(up_cascade, os, in, out, n);
}

void DOWN8_FN(GsOversampler8 *os, const float *restrict in, float *restrict out, uint32_t n)
{
  DISPATCH8(down_cascade, os, in, out, n);
}

#endif  // GS_DSP_OVERSAMPLE8_IMPL_H
