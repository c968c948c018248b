// SPDX-License-Identifier: ISC
// The state-space filter's kernels, included once by each CPU variant.
//
// The including file defines VEC_WIDTH (double lanes per vector), MADD(a, b, c)
// (a b + c, fused or not) and GROUPS_FN / PENDING_FN, the names of the
// functions this defines. A group's outputs run in lanes of k (the output
// sample), its next state in lanes of r (the state variable); each state
// variable and each input is broadcast to all lanes. The sums are split in two
// halves that run side by side, the input's terms first: they do not wait
// for the state, so the recursion from one group to the next is one
// broadcast, two or three multiply-adds and an add.

#ifndef GS_DSP_STATESPACE_IMPL_H
#define GS_DSP_STATESPACE_IMPL_H

#include "dsp/statespace-variants.h"

#include <stdint.h>

#if !defined(VEC_WIDTH) || !defined(MADD) || !defined(GROUPS_FN) || !defined(PENDING_FN)
#  error "define VEC_WIDTH, MADD, GROUPS_FN and PENDING_FN before including statespace-impl.h"
#endif

#define ALWAYS_INLINE static inline __attribute__((always_inline))

#define GROUP GS_STATESPACE_GROUP
#define ORDER GS_STATESPACE_ORDER
#define N_OUT (GROUP / VEC_WIDTH)                     // output vectors per group
#define N_STATE ((ORDER + VEC_WIDTH - 1) / VEC_WIDTH)  // state vectors

// As biquad.c: a section whose state is below 1e-30 (-600 dBFS, |z1| + |z2|)
// is silent and goes to zero, far above the denormals (double below
// 2.2e-308, float below 1.2e-38). The check runs every 16 groups (128
// samples), in which the fastest poles of a tone stack (a 15 dB treble cut
// moves its shelf's to about 6 kHz) decay by e^-23 at 192 kHz and e^-93 at
// 48 kHz, against the e^-640 from 1e-30 to the denormals. A check per group
// would cost a tenth of the time.
#define TINY 1e-30
#define FLUSH_GROUPS 16u

typedef double Vec __attribute__((vector_size(VEC_WIDTH * sizeof(double))));
typedef int64_t Mask __attribute__((vector_size(VEC_WIDTH * sizeof(double))));
typedef float VecF __attribute__((vector_size(VEC_WIDTH * sizeof(float))));

ALWAYS_INLINE Vec load(const double *p)
{
  Vec v;
  __builtin_memcpy(&v, p, sizeof(v));
  return v;
}

ALWAYS_INLINE void store(double *p, Vec v)
{
  __builtin_memcpy(p, &v, sizeof(v));
}

ALWAYS_INLINE Vec splat(double x)
{
  Vec v;
  for (unsigned l = 0; l < VEC_WIDTH; ++l) {
    v[l] = x;
  }
  return v;
}

// The variant may give its own instructions for these; by default the
// vector extension's.
#ifndef BROADCAST
#  define BROADCAST(p) splat(*(p))  // *p in every lane
#endif

// Lane l of v in every lane (l is a constant once the loops are unrolled).
ALWAYS_INLINE Vec lane(Vec v, unsigned l)
{
  switch (l) {
#if VEC_WIDTH == 4
  case 0: return __builtin_shufflevector(v, v, 0, 0, 0, 0);
  case 1: return __builtin_shufflevector(v, v, 1, 1, 1, 1);
  case 2: return __builtin_shufflevector(v, v, 2, 2, 2, 2);
  default: return __builtin_shufflevector(v, v, 3, 3, 3, 3);
#elif VEC_WIDTH == 2
  case 0: return __builtin_shufflevector(v, v, 0, 0);
  default: return __builtin_shufflevector(v, v, 1, 1);
#else
#  error "VEC_WIDTH must be 2 or 4"
#endif
  }
}

// VEC_WIDTH floats, widened exactly.
ALWAYS_INLINE Vec widen(const float *p)
{
#ifdef WIDEN
  return WIDEN(p);
#else
  VecF f;
  __builtin_memcpy(&f, p, sizeof(f));
  return __builtin_convertvector(f, Vec);
#endif
}

// Rounded to float as a (float) cast does, and stored.
ALWAYS_INLINE void narrow(float *p, Vec v)
{
#ifdef NARROW
  NARROW(p, v);
#else
  const VecF f = __builtin_convertvector(v, VecF);
  __builtin_memcpy(p, &f, sizeof(f));
#endif
}

// Clears the state of each section with |z1| + |z2| < TINY, both together
// as biquad.c does (flushing one alone could keep a section ringing just
// above the threshold). A NaN is kept.
ALWAYS_INLINE void flush(Vec *s)
{
  Mask sign;
  for (unsigned l = 0; l < VEC_WIDTH; ++l) {
    sign[l] = INT64_MIN;
  }
#pragma GCC unroll 8
  for (unsigned r = 0; r < N_STATE; ++r) {
    const Vec a = (Vec)((Mask)s[r] & ~sign);
    // z1 and z2 of a section are neighbours, from an even lane.
#if VEC_WIDTH == 4
    const Vec pair = a + __builtin_shufflevector(a, a, 1, 0, 3, 2);
#else
    const Vec pair = a + __builtin_shufflevector(a, a, 1, 0);
#endif
    const Mask silent = pair < splat(TINY);
    s[r] = (Vec)((Mask)s[r] & ~silent);
  }
}

// The matrices as vectors, copied from ss on entry: the compiler may keep
// them in registers or on the (aligned) stack, where it cannot keep ss's,
// which the output stores might alias.
typedef struct {
  Vec h[GROUP];               // h[d] in every lane
  Vec out[ORDER][N_OUT];      // out[i][k0 .. k0 + VEC_WIDTH - 1]
  Vec next[ORDER][N_STATE];   // next[i][r0 .. r0 + VEC_WIDTH - 1]
  Vec in[GROUP][N_STATE];     // in[j][r0 .. r0 + VEC_WIDTH - 1]
} Coefs;

ALWAYS_INLINE void coefs_load(const GsStateSpace *ss, Coefs *c)
{
#pragma GCC unroll 8
  for (unsigned d = 0; d < GROUP; ++d) {
    c->h[d] = BROADCAST(ss->h + d);
  }
#pragma GCC unroll 8
  for (unsigned i = 0; i < ORDER; ++i) {
#pragma GCC unroll 8
    for (unsigned m = 0; m < N_OUT; ++m) {
      c->out[i][m] = load(ss->out[i] + m * VEC_WIDTH);
    }
#pragma GCC unroll 8
    for (unsigned r = 0; r < N_STATE; ++r) {
      c->next[i][r] = load(ss->next[i] + r * VEC_WIDTH);
    }
  }
#pragma GCC unroll 8
  for (unsigned j = 0; j < GROUP; ++j) {
#pragma GCC unroll 8
    for (unsigned r = 0; r < N_STATE; ++r) {
      c->in[j][r] = load(ss->in[j] + r * VEC_WIDTH);
    }
  }
}

// x[i .. i + VEC_WIDTH - 1] of the group's inputs, zeros before the group
// (i from -GROUP + 1): a whole vector or one shuffled from two neighbours.
// i is a constant once the loops are unrolled, and so is the shuffle.
ALWAYS_INLINE Vec window(const Vec *x, int i)
{
  const int q = i < 0 ? -((-i + VEC_WIDTH - 1) / VEC_WIDTH) : i / VEC_WIDTH;  // floor
  const int offset = i - q * VEC_WIDTH;
  const Vec a = q < 0 ? splat(0.0) : x[q];
  if (offset == 0) {
    return a;
  }
  const Vec b = q + 1 < 0 ? splat(0.0) : x[q + 1];  // q + 1 < N_OUT: i is below the group's end
  switch (offset) {
#if VEC_WIDTH == 4
  case 1: return __builtin_shufflevector(a, b, 1, 2, 3, 4);
  case 2: return __builtin_shufflevector(a, b, 2, 3, 4, 5);
  default: return __builtin_shufflevector(a, b, 3, 4, 5, 6);
#elif VEC_WIDTH == 2
  default: return __builtin_shufflevector(a, b, 1, 2);
#else
#  error "VEC_WIDTH must be 2 or 4"
#endif
  }
}

// One group: x holds its inputs (N_OUT vectors), s the state at its start.
// Writes the GROUP outputs to y (as floats) and, if advance, steps s past
// the group.
ALWAYS_INLINE void group(const Coefs *c, const Vec *x, Vec *s, float *y, bool advance)
{
  Vec b[ORDER];
#pragma GCC unroll 8
  for (unsigned i = 0; i < ORDER; ++i) {
    b[i] = lane(s[i / VEC_WIDTH], i % VEC_WIDTH);
  }
#pragma GCC unroll 8
  for (unsigned m = 0; m < N_OUT; ++m) {
    const int k0 = (int)(m * VEC_WIDTH);
    // y[k] = sum_(d<=k) h[d] x[k-d] + sum_i out[i][k] s[i]
    Vec u = c->h[0] * window(x, k0);
    Vec v = c->h[1] * window(x, k0 - 1);
#pragma GCC unroll 8
    for (int d = 2; d < k0 + VEC_WIDTH; ++d) {
      if (d & 1) {
        v = MADD(c->h[d], window(x, k0 - d), v);
      } else {
        u = MADD(c->h[d], window(x, k0 - d), u);
      }
    }
#pragma GCC unroll 8
    for (unsigned i = 0; i < ORDER; i += 2) {
      u = MADD(b[i], c->out[i][m], u);
      v = MADD(b[i + 1], c->out[i + 1][m], v);
    }
    narrow(y + k0, u + v);
  }
  if (!advance) {
    return;
  }
  Vec xj[GROUP];
#pragma GCC unroll 8
  for (unsigned j = 0; j < GROUP; ++j) {
    xj[j] = lane(x[j / VEC_WIDTH], j % VEC_WIDTH);
  }
#pragma GCC unroll 8
  for (unsigned r = 0; r < N_STATE; ++r) {
    const unsigned r0 = r * VEC_WIDTH;
    // s'[r] = sum_j in[j][r] x[j] + sum_i next[i][r] s[i]
    Vec u = xj[0] * c->in[0][r];
    Vec v = xj[1] * c->in[1][r];
#pragma GCC unroll 8
    for (unsigned j = 2; j < GROUP; j += 2) {
      u = MADD(xj[j], c->in[j][r], u);
      v = MADD(xj[j + 1], c->in[j + 1][r], v);
    }
    // A section's state reaches only its own and later sections: the
    // variables of sections after the last one in these lanes are left out.
    const unsigned last_section = (r0 + VEC_WIDTH - 1) / 2;
#pragma GCC unroll 8
    for (unsigned i = 0; i < ORDER; i += 2) {
      if (i / 2 <= last_section) {
        u = MADD(b[i], c->next[i][r], u);
        v = MADD(b[i + 1], c->next[i + 1][r], v);
      }
    }
    s[r] = u + v;
  }
}

// Counts a group stepped past and, every FLUSH_GROUPS groups, clears the
// sections that have decayed to silence (counted from the stream's start, so
// at the same samples however the stream is split into blocks).
ALWAYS_INLINE void count_group(unsigned *n_groups, Vec *s)
{
  if (++*n_groups % FLUSH_GROUPS == 0) {
    flush(s);
  }
}

ALWAYS_INLINE void state_load(const GsStateSpace *ss, Vec *s)
{
  for (unsigned r = 0; r < N_STATE; ++r) {
    s[r] = load(ss->state + r * VEC_WIDTH);
  }
}

ALWAYS_INLINE void state_store(GsStateSpace *ss, const Vec *s)
{
  for (unsigned r = 0; r < N_STATE; ++r) {
    store(ss->state + r * VEC_WIDTH, s[r]);
  }
}

void GROUPS_FN(GsStateSpace *ss, const float *in, float *out, uint32_t n_groups)
{
  Coefs c;
  coefs_load(ss, &c);
  Vec s[N_STATE];
  state_load(ss, s);
  unsigned count = ss->n_groups;
  for (uint32_t g = 0; g < n_groups; ++g) {
    // All inputs are read before any output is written: in may be out.
    Vec x[N_OUT];
#pragma GCC unroll 8
    for (unsigned m = 0; m < N_OUT; ++m) {
      x[m] = widen(in + GROUP * g + m * VEC_WIDTH);
    }
    group(&c, x, s, out + GROUP * g, true);
    count_group(&count, s);
  }
  ss->n_groups = count;
  state_store(ss, s);
}

void PENDING_FN(GsStateSpace *ss, float *y, bool advance)
{
  Coefs c;
  coefs_load(ss, &c);
  Vec s[N_STATE], x[N_OUT];
  state_load(ss, s);
  for (unsigned m = 0; m < N_OUT; ++m) {
    x[m] = load(ss->pend + m * VEC_WIDTH);
  }
  group(&c, x, s, y, advance);
  if (advance) {
    count_group(&ss->n_groups, s);
    state_store(ss, s);
  }
}

#endif  // GS_DSP_STATESPACE_IMPL_H
