// SPDX-License-Identifier: ISC
// The 8-channel halfband cascade's kernels, included once by each CPU variant.
//
// The including file defines VEC_WIDTH (4 or 8 lanes of float) and UP8_FN,
// DOWN8_FN, DOWN8_FIR_FN and DOWN8_IIR_FN, the names of the functions this
// defines. The structure and the
// recursion are those of oversample-impl.h, with the vector lanes holding
// channels instead of branches: each section
//   y[n] = a x[n] + (x[n-1] - a y[n-1])
// runs on VEC_WIDTH channels at once, both branches one after the other;
// with 4 lanes the 8 channels go through in two groups.

#ifndef GS_DSP_OVERSAMPLE8_IMPL_H
#define GS_DSP_OVERSAMPLE8_IMPL_H

#include "dsp/lanes-variants.h"

#if !defined(VEC_WIDTH) || !defined(UP8_FN) || !defined(DOWN8_FN) || !defined(DOWN8_FIR_FN) ||  \
  !defined(DOWN8_IIR_FN)
#  error "define VEC_WIDTH, UP8_FN, DOWN8_FN, DOWN8_FIR_FN and DOWN8_IIR_FN first"
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

// The FIR stage of 8x (oversample-impl.h has its equations) on chunks of
// FIR_CHUNK base-rate frames, staged on the stack behind the history. Each
// lane is a channel here, so the filter runs one frame at a time.
#define FIR_CHUNK 32
#define FIR_LOW (4 * FIR_CHUNK)
#define FIR_HIST (2 * GS_FIR_HALFBAND_MAX_PAIRS)

// One output of the FIR from the window around c (c[0] is x[n-K+1]): the
// sum over the coefficient pairs, in the mono stage's order.
ALWAYS_INLINE Vec fir_sum(const float *coef, const Vec *c, unsigned np)
{
  Vec acc = coef[0] * (c[1] + c[0]);
  for (unsigned k = 2; k <= np; ++k) {
    acc += coef[k - 1] * (c[k] + c[1 - (int)k]);
  }
  return acc;
}

ALWAYS_INLINE void up_cascade(GsOversampler8 *os, const float *restrict in, float *restrict out,
                              uint32_t n, unsigned g, unsigned n1, unsigned n2, unsigned nf)
{
  Stage s1, s2;
  stage_load(&s1, os->coef[0], os->state_up[0], n1, g);
  stage_load(&s2, os->coef[1], os->state_up[1], n2, g);
  if (!nf) {
    const unsigned factor = n2 ? 4 : 2;
    for (uint32_t t = 0; t < n; ++t) {
      Vec a[2], b[4];
      up_step(&s1, n1, load(in + GS_LANES * t + g), &a[0], &a[1]);
      Vec *last = a;
      if (n2) {
        up_step(&s2, n2, a[0], &b[0], &b[1]);
        up_step(&s2, n2, a[1], &b[2], &b[3]);
        last = b;
      }
      for (unsigned j = 0; j < factor; ++j) {
        store(out + GS_LANES * (factor * t + j) + g, last[j]);
      }
    }
  } else {
    const unsigned h = 2 * nf - 1;
    float coef[GS_FIR_HALFBAND_MAX_PAIRS];
    for (unsigned k = 0; k < nf; ++k) {
      coef[k] = 2.0f * os->fir_coef[k];  // zero-stuffing's gain of 2, exact
    }
    for (uint32_t t0 = 0; t0 < n; t0 += FIR_CHUNK) {
      const uint32_t m = n - t0 < FIR_CHUNK ? n - t0 : FIR_CHUNK;
      Vec buf[FIR_HIST + FIR_LOW];
      for (unsigned j = 0; j < h; ++j) {
        buf[j] = load(os->fir_up[j] + g);
      }
      for (uint32_t t = 0; t < m; ++t) {
        Vec a[2];
        up_step(&s1, n1, load(in + GS_LANES * (t0 + t) + g), &a[0], &a[1]);
        up_step(&s2, n2, a[0], &buf[h + 4 * t], &buf[h + 4 * t + 1]);
        up_step(&s2, n2, a[1], &buf[h + 4 * t + 2], &buf[h + 4 * t + 3]);
      }
      float *o = out + GS_LANES * 8 * t0 + g;
      for (uint32_t i = 0; i < 4 * m; ++i) {
        const Vec *c = buf + i + nf - 1;
        store(o + GS_LANES * 2 * i, fir_sum(coef, c, nf));
        store(o + GS_LANES * (2 * i + 1), c[1]);
      }
      for (unsigned j = 0; j < h; ++j) {
        store(os->fir_up[j] + g, buf[4 * m + j]);
      }
    }
  }
  stage_store(&s1, os->state_up[0], n1, g);
  stage_store(&s2, os->state_up[1], n2, g);
}

// The FIR's decimation of m base-rate frames of one chunk (8 m frames in at
// x) into 4 m outputs at mid, its history carried in os.
ALWAYS_INLINE void fir_down_chunk(GsOversampler8 *os, const float *restrict x, Vec *mid,
                                  uint32_t m, unsigned g, unsigned nf)
{
  const unsigned h = 2 * nf - 1, e = nf - 1;
  Vec odd[FIR_HIST + FIR_LOW], even[FIR_HIST + FIR_LOW];
  for (unsigned j = 0; j < h; ++j) {
    odd[j] = load(os->fir_odd[j] + g);
  }
  for (unsigned j = 0; j < e; ++j) {
    even[j] = load(os->fir_even[j] + g);
  }
  for (uint32_t i = 0; i < 4 * m; ++i) {
    even[e + i] = load(x + GS_LANES * 2 * i);
    odd[h + i] = load(x + GS_LANES * (2 * i + 1));
  }
  for (uint32_t i = 0; i < 4 * m; ++i) {
    mid[i] = 0.5f * even[i] + fir_sum(os->fir_coef, odd + i + nf - 1, nf);
  }
  for (unsigned j = 0; j < h; ++j) {
    store(os->fir_odd[j] + g, odd[4 * m + j]);
  }
  for (unsigned j = 0; j < e; ++j) {
    store(os->fir_even[j] + g, even[4 * m + j]);
  }
}

ALWAYS_INLINE void down_cascade(GsOversampler8 *os, const float *restrict in, float *restrict out,
                                uint32_t n, unsigned g, unsigned n1, unsigned n2, unsigned nf)
{
  Stage s1, s2;
  stage_load(&s1, os->coef[0], os->state_down[0], n1, g);
  stage_load(&s2, os->coef[1], os->state_down[1], n2, g);
  if (!nf) {
    const unsigned factor = n2 ? 4 : 2;
    for (uint32_t t = 0; t < n; ++t) {
      Vec x[4];
      for (unsigned j = 0; j < factor; ++j) {
        x[j] = load(in + GS_LANES * (factor * t + j) + g);
      }
      if (n2) {
        for (unsigned j = 0; j < 2; ++j) {
          x[j] = down_step(&s2, n2, x[2 * j], x[2 * j + 1]);
        }
      }
      store(out + GS_LANES * t + g, down_step(&s1, n1, x[0], x[1]));
    }
  } else {
    for (uint32_t t0 = 0; t0 < n; t0 += FIR_CHUNK) {
      const uint32_t m = n - t0 < FIR_CHUNK ? n - t0 : FIR_CHUNK;
      Vec b[FIR_LOW];
      fir_down_chunk(os, in + GS_LANES * 8 * t0 + g, b, m, g, nf);
      for (uint32_t t = 0; t < m; ++t) {
        const Vec a0 = down_step(&s2, n2, b[4 * t], b[4 * t + 1]);
        const Vec a1 = down_step(&s2, n2, b[4 * t + 2], b[4 * t + 3]);
        store(out + GS_LANES * (t0 + t) + g, down_step(&s1, n1, a0, a1));
      }
    }
  }
  stage_store(&s1, os->state_down[0], n1, g);
  stage_store(&s2, os->state_down[1], n2, g);
}

// Instantiations, per group of lanes, for the designs up to 48 kHz (8 and 4 coefficients, 6 FIR
// pairs) and at 88.2/96 kHz (4, 3, 5); other rates run with run-time counts.
#define DISPATCH8(fn, os, in, out, n)                                                              \
  do {                                                                                             \
    const unsigned n1_ = (os)->n_coefs[0], n2_ = (os)->n_coefs[1], nf_ = (os)->fir_pairs;          \
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
      if (n1_ == 8 && n2_ == 4 && nf_ == 6) fn(os, in, out, n, g_, 8, 4, 6);                       \
      else if (n1_ == 4 && n2_ == 3 && nf_ == 5) fn(os, in, out, n, g_, 4, 3, 5);                  \
      else fn(os, in, out, n, g_, n1_, n2_, nf_);                                                  \
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

// The two parts of down_cascade at 8x, on their own (n base-rate frames).
void DOWN8_FIR_FN(GsOversampler8 *os, const float *restrict in, float *restrict out, uint32_t n)
{
  const unsigned nf = os->fir_pairs;
  for (unsigned g = 0; g < GS_LANES; g += VEC_WIDTH) {
    for (uint32_t t0 = 0; t0 < n; t0 += FIR_CHUNK) {
      const uint32_t m = n - t0 < FIR_CHUNK ? n - t0 : FIR_CHUNK;
      Vec b[FIR_LOW];
      if (nf == 6) {
        fir_down_chunk(os, in + GS_LANES * 8 * t0 + g, b, m, g, 6);
      } else {
        fir_down_chunk(os, in + GS_LANES * 8 * t0 + g, b, m, g, nf);
      }
      for (uint32_t i = 0; i < 4 * m; ++i) {
        store(out + GS_LANES * (4 * t0 + i) + g, b[i]);
      }
    }
  }
}

void DOWN8_IIR_FN(GsOversampler8 *os, const float *restrict in, float *restrict out, uint32_t n)
{
  const unsigned n1 = os->n_coefs[0], n2 = os->n_coefs[1];
  for (unsigned g = 0; g < GS_LANES; g += VEC_WIDTH) {
    if (n1 == 8 && n2 == 4) {
      down_cascade(os, in, out, n, g, 8, 4, 0);
    } else {
      down_cascade(os, in, out, n, g, n1, n2, 0);
    }
  }
}

#endif  // GS_DSP_OVERSAMPLE8_IMPL_H
