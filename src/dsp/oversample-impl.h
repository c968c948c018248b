// SPDX-License-Identifier: ISC
// The oversampler's processing kernels, included once by each CPU variant.
//
// The including file defines SECTION(c, x, s0, s1), one allpass section on a
// lane pair (c x[n] + x[n-1] - c y[n-1] with s0 = x[n-1], s1 = y[n-1]),
// FIR_WIDTH, the floats per vector of the FIR stage, and UP_FN, DOWN_FN,
// DOWN_FIR_FN and DOWN_IIR_FN, the names of the functions this defines.
//
// Each allpass runs at the lower rate of its stage, where z^-2 is one sample:
//   y[n] = a x[n] + x[n-1] - a y[n-1]
// The two branches run side by side in the two lanes of a vector (GCC/clang
// vector extension, SSE2 on x86-64): lane 0 is branch 0, lane 1 branch 1.
// The steps are forced inline and called with constant coefficient counts
// from the instantiations at the end, so loops unroll and the state stays in
// registers; other counts take the same code with run-time loops. All stages
// of a cascade run per base-rate sample in one loop, so the recursions of
// different stages overlap in the pipeline. The FIR stage of 8x has no
// recursion and runs across time in vectors.

#ifndef GS_DSP_OVERSAMPLE_IMPL_H
#define GS_DSP_OVERSAMPLE_IMPL_H

#include "dsp/oversample-variants.h"

#if !defined(SECTION) || !defined(UP_FN) || !defined(DOWN_FN) || !defined(DOWN_FIR_FN) ||       \
  !defined(DOWN_IIR_FN) || !defined(FIR_WIDTH)
#  error "define SECTION, FIR_WIDTH, UP_FN, DOWN_FN, DOWN_FIR_FN and DOWN_IIR_FN first"
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

// The IIR stages, one base-rate sample at a time. n1 and n2 are the
// coefficient counts of stages 0 and 1, n2 = 0 when stage 1 is absent.
ALWAYS_INLINE void iir_up(GsOversampler *os, const float *restrict in, float *restrict out,
                          uint32_t n, unsigned n1, unsigned n2)
{
  Stage s1, s2;
  stage_load(&s1, &os->stage[0], os->stage[0].state_up, n1);
  stage_load(&s2, &os->stage[1], os->stage[1].state_up, n2);
  for (uint32_t t = 0; t < n; ++t) {
    const Pair a = up_step(&s1, n1, (double)in[t]);
    if (!n2) {
      out[2 * t] = (float)a[0];
      out[2 * t + 1] = (float)a[1];
      continue;
    }
    const Pair b0 = up_step(&s2, n2, a[0]);
    const Pair b1 = up_step(&s2, n2, a[1]);
    out[4 * t] = (float)b0[0];
    out[4 * t + 1] = (float)b0[1];
    out[4 * t + 2] = (float)b1[0];
    out[4 * t + 3] = (float)b1[1];
  }
  stage_store(&s1, os->stage[0].state_up, n1);
  stage_store(&s2, os->stage[1].state_up, n2);
}

ALWAYS_INLINE void iir_down(GsOversampler *os, const float *restrict in, float *restrict out,
                            uint32_t n, unsigned n1, unsigned n2)
{
  Stage s1, s2;
  stage_load(&s1, &os->stage[0], os->stage[0].state_down, n1);
  stage_load(&s2, &os->stage[1], os->stage[1].state_down, n2);
  for (uint32_t t = 0; t < n; ++t) {
    double y;
    if (!n2) {
      y = down_step(&s1, n1, (double)in[2 * t], (double)in[2 * t + 1]);
    } else {
      const double b0 = down_step(&s2, n2, (double)in[4 * t], (double)in[4 * t + 1]);
      const double b1 = down_step(&s2, n2, (double)in[4 * t + 2], (double)in[4 * t + 3]);
      y = down_step(&s1, n1, b0, b1);
    }
    out[t] = (float)y;
  }
  stage_store(&s1, os->stage[0].state_down, n1);
  stage_store(&s2, os->stage[1].state_down, n2);
}

// The FIR stage works on FIR_WIDTH consecutive samples per vector: each
// output is a sum over its own window of the input, so the lanes are
// independent and every output takes the same operations in the same
// order, whatever the block lengths. Blocks go through in chunks of
// FIR_CHUNK base-rate samples, staged on the stack with the history in
// front and zeros behind up to a whole vector.
#define FIR_CHUNK 64
#define FIR_LOW (4 * FIR_CHUNK)  // samples of the stage's lower rate per chunk
#define FIR_HIST (2 * GS_FIR_HALFBAND_MAX_PAIRS)

typedef float FVec __attribute__((vector_size(FIR_WIDTH * sizeof(float))));

ALWAYS_INLINE FVec fload(const float *p)
{
  FVec v;
  __builtin_memcpy(&v, p, sizeof(v));
  return v;
}

// Interpolation by 2 of m samples (m <= FIR_LOW) into 2 m. With the taps
// doubled (the gain of 2 zero-stuffing takes), the centre tap passes the
// input: y[2n] = sum_k 2 h_k (x[n-K+k] + x[n-K-k+1]), y[2n+1] = x[n-K+1].
ALWAYS_INLINE void fir_up(GsFirHalfband *fb, const float *restrict x, float *restrict y,
                          uint32_t m, unsigned np)
{
  const unsigned h = 2 * np - 1;
  float buf[FIR_HIST + FIR_LOW + FIR_WIDTH];
  float even[FIR_LOW + FIR_WIDTH];
  FVec g[GS_FIR_HALFBAND_MAX_PAIRS];
  for (unsigned k = 0; k < np; ++k) {
    g[k] = (FVec){0} + (float)(2.0 * fb->coef[k]);
  }
  const uint32_t m_round = (m + FIR_WIDTH - 1) / FIR_WIDTH * FIR_WIDTH;
  for (unsigned j = 0; j < h; ++j) {
    buf[j] = fb->hist_up[j];
  }
  for (uint32_t i = 0; i < m; ++i) {
    buf[h + i] = x[i];
  }
  for (uint32_t i = m; i < m_round; ++i) {
    buf[h + i] = 0.0f;
  }
  for (uint32_t i = 0; i < m_round; i += FIR_WIDTH) {
    const float *c = buf + i + np - 1;  // x[n-K+1] of lane 0, whose window is c - (np - 1)..c + np
    FVec acc = g[0] * (fload(c + 1) + fload(c));
    for (unsigned k = 2; k <= np; ++k) {
      acc += g[k - 1] * (fload(c + k) + fload(c + 1 - k));
    }
    __builtin_memcpy(even + i, &acc, sizeof(acc));
  }
  for (uint32_t i = 0; i < m; ++i) {
    y[2 * i] = even[i];
    y[2 * i + 1] = buf[i + np];
  }
  for (unsigned j = 0; j < h; ++j) {
    fb->hist_up[j] = buf[m + j];
  }
}

// Decimation by 2 of 2 m samples into m (m <= FIR_LOW), keeping the filter's
// output at the odd instants: y[n] = x[2(n-K+1)] / 2 + sum_k h_k
// (o[n-K+k] + o[n-K-k+1]), o[i] = x[2i + 1].
ALWAYS_INLINE void fir_down(GsFirHalfband *fb, const float *restrict x, float *restrict y,
                            uint32_t m, unsigned np)
{
  const unsigned h = 2 * np - 1, e = np - 1;
  float odd[FIR_HIST + FIR_LOW + FIR_WIDTH];
  float even[FIR_HIST + FIR_LOW + FIR_WIDTH];
  float out[FIR_LOW + FIR_WIDTH];
  FVec g[GS_FIR_HALFBAND_MAX_PAIRS];
  for (unsigned k = 0; k < np; ++k) {
    g[k] = (FVec){0} + (float)fb->coef[k];
  }
  const uint32_t m_round = (m + FIR_WIDTH - 1) / FIR_WIDTH * FIR_WIDTH;
  for (unsigned j = 0; j < h; ++j) {
    odd[j] = fb->hist_odd[j];
  }
  for (unsigned j = 0; j < e; ++j) {
    even[j] = fb->hist_even[j];
  }
  for (uint32_t i = 0; i < m; ++i) {
    even[e + i] = x[2 * i];
    odd[h + i] = x[2 * i + 1];
  }
  for (uint32_t i = m; i < m_round; ++i) {
    even[e + i] = 0.0f;
    odd[h + i] = 0.0f;
  }
  for (uint32_t i = 0; i < m_round; i += FIR_WIDTH) {
    const float *c = odd + i + np - 1;
    FVec acc = 0.5f * fload(even + i);
    for (unsigned k = 1; k <= np; ++k) {
      acc += g[k - 1] * (fload(c + k) + fload(c + 1 - k));
    }
    __builtin_memcpy(out + i, &acc, sizeof(acc));
  }
  for (uint32_t i = 0; i < m; ++i) {
    y[i] = out[i];
  }
  for (unsigned j = 0; j < h; ++j) {
    fb->hist_odd[j] = odd[m + j];
  }
  for (unsigned j = 0; j < e; ++j) {
    fb->hist_even[j] = even[m + j];
  }
}

// The whole cascade: the IIR stages, then for 8x the FIR stage, chunk by
// chunk. nf is the FIR's pair count, 0 below 8x.
ALWAYS_INLINE void up_cascade(GsOversampler *os, const float *restrict in, float *restrict out,
                              uint32_t n, unsigned n1, unsigned n2, unsigned nf)
{
  if (!nf) {
    iir_up(os, in, out, n, n1, n2);
    return;
  }
  float mid[FIR_LOW];
  for (uint32_t t = 0; t < n; t += FIR_CHUNK) {
    const uint32_t m = n - t < FIR_CHUNK ? n - t : FIR_CHUNK;
    iir_up(os, in + t, mid, m, n1, n2);
    fir_up(&os->fir, mid, out + 8 * t, 4 * m, nf);
  }
}

ALWAYS_INLINE void down_cascade(GsOversampler *os, const float *restrict in, float *restrict out,
                                uint32_t n, unsigned n1, unsigned n2, unsigned nf)
{
  if (!nf) {
    iir_down(os, in, out, n, n1, n2);
    return;
  }
  float mid[FIR_LOW];
  for (uint32_t t = 0; t < n; t += FIR_CHUNK) {
    const uint32_t m = n - t < FIR_CHUNK ? n - t : FIR_CHUNK;
    fir_down(&os->fir, in + 8 * t, mid, 4 * m, nf);
    iir_down(os, mid, out + t, m, n1, n2);
  }
}

// Instantiations for the designs of the common rates (up to 48 kHz: 8 and 4
// coefficients and 6 FIR pairs; 88.2 and 96 kHz: 4, 3 and 5); anything else
// runs the same code with run-time counts.
#define DISPATCH(fn, os, in, out, n)                                                              \
  do {                                                                                            \
    const unsigned n1_ = (os)->stage[0].n_coefs, n2_ = (os)->stage[1].n_coefs;                   \
    const unsigned nf_ = (os)->fir.n_pairs;                                                       \
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
      if (n1_ == 8 && n2_ == 4 && nf_ == 6) fn(os, in, out, n, 8, 4, 6);                          \
      else if (n1_ == 4 && n2_ == 3 && nf_ == 5) fn(os, in, out, n, 4, 3, 5);                     \
      else fn(os, in, out, n, n1_, n2_, nf_);                                                     \
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

// The two parts of down_cascade at 8x, on their own (n base-rate samples).
void DOWN_FIR_FN(GsOversampler *os, const float *restrict in, float *restrict out, uint32_t n)
{
  const unsigned nf = os->fir.n_pairs;
  for (uint32_t t = 0; t < n; t += FIR_CHUNK) {
    const uint32_t m = n - t < FIR_CHUNK ? n - t : FIR_CHUNK;
    if (nf == 6) {
      fir_down(&os->fir, in + 8 * t, out + 4 * t, 4 * m, 6);
    } else {
      fir_down(&os->fir, in + 8 * t, out + 4 * t, 4 * m, nf);
    }
  }
}

void DOWN_IIR_FN(GsOversampler *os, const float *restrict in, float *restrict out, uint32_t n)
{
  const unsigned n1 = os->stage[0].n_coefs, n2 = os->stage[1].n_coefs;
  if (n1 == 8 && n2 == 4) {
    iir_down(os, in, out, n, 8, 4);
  } else {
    iir_down(os, in, out, n, n1, n2);
  }
}

#endif  // GS_DSP_OVERSAMPLE_IMPL_H
