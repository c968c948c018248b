// SPDX-License-Identifier: ISC
// The oversampler's processing kernels, included once by each CPU variant.
//
// The including file defines SECTION(c, x, s0, s1), one allpass section on a
// lane pair (c x[n] + x[n-1] - c y[n-1] with s0 = x[n-1], s1 = y[n-1]), and
// UP_FN / DOWN_FN, the names of the functions this defines.
//
// Each allpass runs at the lower rate of its stage, where z^-2 is one sample:
//   y[n] = a x[n] + x[n-1] - a y[n-1]
// The two branches run side by side in the two lanes of a vector (GCC/clang
// vector extension, SSE2 on x86-64): lane 0 is branch 0, lane 1 branch 1.
// The steps are forced inline and called with constant coefficient counts
// from the instantiations at the end, so loops unroll and the state stays in
// registers; other counts take the same code with run-time loops. All stages
// of a cascade run per base-rate sample in one loop, so the recursions of
// different stages overlap in the pipeline.

#ifndef GS_DSP_OVERSAMPLE_IMPL_H
#define GS_DSP_OVERSAMPLE_IMPL_H

#include "dsp/oversample-variants.h"

#if !defined(SECTION) || !defined(UP_FN) || !defined(DOWN_FN)
#  error "define SECTION, UP_FN and DOWN_FN before including oversample-impl.h"
#endif

#define ALWAYS_INLINE static inline __attribute__((always_inline))

typedef double Pair __attribute__((vector_size(16)));

// One stage's coefficients and state as lane pairs: c[j] = (a_2j, a_2j+1),
// s[j] = (s_2j, s_2j+1) in GsHalfband's layout; for an odd count the last
// pair's lane 1 is unused (coefficient 0) and branch 1 passes it unchanged.
typedef struct {
  Pair c[GS_HALFBAND_MAX_COEFS / 2];
  Pair s[GS_HALFBAND_MAX_COEFS / 2 + 1];
} Stage;

ALWAYS_INLINE void stage_load(Stage *st, const GsHalfband *hb, const double *state, unsigned nc)
{
  const unsigned n_pairs = (nc + 1) / 2;
  for (unsigned j = 0; j < n_pairs; ++j) {
    st->c[j] = (Pair){hb->coef[2 * j], 2 * j + 1 < nc ? hb->coef[2 * j + 1] : 0.0};
  }
  for (unsigned j = 0; j <= n_pairs; ++j) {
    st->s[j] = (Pair){state[2 * j], state[2 * j + 1]};
  }
}

ALWAYS_INLINE void stage_store(const Stage *st, double *state, unsigned nc)
{
  const unsigned n_pairs = (nc + 1) / 2;
  for (unsigned j = 0; j <= n_pairs; ++j) {
    state[2 * j] = st->s[j][0];
    state[2 * j + 1] = st->s[j][1];
  }
}

// Runs both branches of a stage for one lower-rate step: x holds the branch
// inputs, the result the branch outputs.
ALWAYS_INLINE Pair branches(Stage *st, unsigned nc, Pair x)
{
  const unsigned n_full = nc / 2;
  unsigned j = 0;
  for (; j < n_full; ++j) {
    const Pair y = SECTION(st->c[j], x, st->s[j], st->s[j + 1]);
    st->s[j] = x;
    x = y;
  }
  if (nc & 1) {
    Pair y = SECTION(st->c[j], x, st->s[j], st->s[j + 1]);
    y[1] = x[1];  // branch 1 has one allpass fewer
    st->s[j] = x;
    x = y;
    ++j;
  }
  st->s[j] = x;
  return x;
}

// Interpolation by 2: 2 H(z) applied to x with zeros stuffed between its
// samples is A0 on x at the even outputs and A1 on x at the odd ones.
ALWAYS_INLINE Pair up_step(Stage *st, unsigned nc, double x)
{
  return branches(st, nc, (Pair){x, x});
}

// Decimation by 2 keeping the output of H at odd instants 2n + 1:
//   y = 1/2 [A0(u[2n+1]) + A1(u[2n])]
// (A1's z^-1 turns u[2n+1] into u[2n]), so both branches run on the same
// step without a separate delay.
ALWAYS_INLINE double down_step(Stage *st, unsigned nc, double even, double odd)
{
  const Pair y = branches(st, nc, (Pair){odd, even});
  return 0.5 * (y[0] + y[1]);
}

// The whole cascade, one base-rate sample at a time. n1, n2, n3 are the
// coefficient counts of stages 0, 1 and 2, 0 for a stage that is absent.
ALWAYS_INLINE void up_cascade(GsOversampler *os, const float *restrict in, float *restrict out,
                              uint32_t n, unsigned n1, unsigned n2, unsigned n3)
{
  Stage s1, s2, s3;
  stage_load(&s1, &os->stage[0], os->stage[0].state_up, n1);
  stage_load(&s2, &os->stage[1], os->stage[1].state_up, n2);
  stage_load(&s3, &os->stage[2], os->stage[2].state_up, n3);
  for (uint32_t t = 0; t < n; ++t) {
    const Pair a = up_step(&s1, n1, (double)in[t]);
    if (!n2) {
      out[2 * t] = (float)a[0];
      out[2 * t + 1] = (float)a[1];
      continue;
    }
    const Pair b0 = up_step(&s2, n2, a[0]);
    const Pair b1 = up_step(&s2, n2, a[1]);
    if (!n3) {
      out[4 * t] = (float)b0[0];
      out[4 * t + 1] = (float)b0[1];
      out[4 * t + 2] = (float)b1[0];
      out[4 * t + 3] = (float)b1[1];
      continue;
    }
    const double b[4] = {b0[0], b0[1], b1[0], b1[1]};
    for (unsigned j = 0; j < 4; ++j) {
      const Pair c = up_step(&s3, n3, b[j]);
      out[8 * t + 2 * j] = (float)c[0];
      out[8 * t + 2 * j + 1] = (float)c[1];
    }
  }
  stage_store(&s1, os->stage[0].state_up, n1);
  stage_store(&s2, os->stage[1].state_up, n2);
  stage_store(&s3, os->stage[2].state_up, n3);
}

ALWAYS_INLINE void down_cascade(GsOversampler *os, const float *restrict in, float *restrict out,
                                uint32_t n, unsigned n1, unsigned n2, unsigned n3)
{
  Stage s1, s2, s3;
  stage_load(&s1, &os->stage[0], os->stage[0].state_down, n1);
  stage_load(&s2, &os->stage[1], os->stage[1].state_down, n2);
  stage_load(&s3, &os->stage[2], os->stage[2].state_down, n3);
  for (uint32_t t = 0; t < n; ++t) {
    double y;
    if (!n2) {
      y = down_step(&s1, n1, (double)in[2 * t], (double)in[2 * t + 1]);
    } else if (!n3) {
      const double b0 = down_step(&s2, n2, (double)in[4 * t], (double)in[4 * t + 1]);
      const double b1 = down_step(&s2, n2, (double)in[4 * t + 2], (double)in[4 * t + 3]);
      y = down_step(&s1, n1, b0, b1);
    } else {
      double b[4];
      for (unsigned j = 0; j < 4; ++j) {
        b[j] = down_step(&s3, n3, (double)in[8 * t + 2 * j], (double)in[8 * t + 2 * j + 1]);
      }
      const double a0 = down_step(&s2, n2, b[0], b[1]);
      const double a1 = down_step(&s2, n2, b[2], b[3]);
      y = down_step(&s1, n1, a0, a1);
    }
    out[t] = (float)y;
  }
  stage_store(&s1, os->stage[0].state_down, n1);
  stage_store(&s2, os->stage[1].state_down, n2);
  stage_store(&s3, os->stage[2].state_down, n3);
}

// Instantiations for the designs of the common rates (up to 48 kHz: 8, 4
// and 3 coefficients; 88.2 and 96 kHz: 4, 3 and 2); anything else runs the
// same code with run-time coefficient counts.
#define DISPATCH(fn, os, in, out, n)                                                              \
  do {                                                                                            \
    const unsigned n1_ = (os)->stage[0].n_coefs, n2_ = (os)->stage[1].n_coefs;                   \
    const unsigned n3_ = (os)->stage[2].n_coefs;                                                  \
    switch ((os)->n_stages) {                                                                     \
    case 1:                                                                                       \
      if (n1_ == 8) fn(os, in, out, n, 8, 0, 0);                                                  \
      else if (n1_ == 4) fn(os, in, out, n, 4, 0, 0);                                             \
      else fn(os, in, out, n, n1_, 0, 0);                                                         \
      break;                                                                                      \
    case 2:                                                                                       \
      if (n1_ == 8 && n2_ == 4) fn(os, in, out, n, 8, 4, 0);                                      \
      else if (n1_ == 4 && n2_ == 3) fn(os, in, out, n, 4, 3, 0);                                 \
      else fn(os, in, out, n, n1_, n2_, 0);                                                       \
      break;                                                                                      \
    case 3:                                                                                       \
      if (n1_ == 8 && n2_ == 4 && n3_ == 3) fn(os, in, out, n, 8, 4, 3);                          \
      else if (n1_ == 4 && n2_ == 3 && n3_ == 2) fn(os, in, out, n, 4, 3, 2);                     \
      else fn(os, in, out, n, n1_, n2_, n3_);                                                     \
      break;                                                                                      \
    default:                                                                                      \
      for (uint32_t t_ = 0; t_ < (n); ++t_) {                                                     \
        (out)[t_] = (in)[t_];                                                                     \
      }                                                                                           \
      break;                                                                                      \
    }                                                                                             \
  } while (0)

void UP_FN(GsOversampler *os, const float *restrict in, float *restrict out, uint32_t n)
{
  DISPATCH(up_cascade, os, in, out, n);
}

void DOWN_FN(GsOversampler *os, const float *restrict in, float *restrict out, uint32_t n)
{
  DISPATCH(down_cascade, os, in, out, n);
}

#endif  // GS_DSP_OVERSAMPLE_IMPL_H
