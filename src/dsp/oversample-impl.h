// SPDX-License-Identifier: ISC
// The oversampler's processing kernels, included once by each CPU variant.
//
// The including file defines MADD2(a, b, c) and NMADD2(a, b, c), a b + c and
// c - a b on a Pair of doubles (fused or not), and either MADD / NMADD, the
// same on a 256-bit vector of four, or VEC_PAIRS, to have such vectors as two
// Pairs; FIR_WIDTH, the floats per vector of the FIR stage; and UP_FN, DOWN_FN,
// DOWN_FIR_FN and DOWN_IIR_FN, the names of the functions this defines. It may give its own
// instructions for some helpers (LO_HALF, BLEND, SPLAT_FLOAT, ...).
//
// The IIR stages (2x, 4x) run groups of base-rate samples through a software
// pipeline of their allpass sections (below); the FIR stage of 8x has no
// recursion and runs across time in vectors. The kernels are forced inline
// and instantiated with constant coefficient counts at the end, so loops
// unroll and the state stays in registers; other counts take the same code
// with run-time loops.

#ifndef GS_DSP_OVERSAMPLE_IMPL_H
#define GS_DSP_OVERSAMPLE_IMPL_H

#include "dsp/oversample-variants.h"

#if !defined(MADD2) || !defined(NMADD2) || !(defined(MADD) || defined(VEC_PAIRS)) || \
  !defined(UP_FN) || !defined(DOWN_FN) || !defined(DOWN_FIR_FN) || !defined(DOWN_IIR_FN) || \
  !defined(FIR_WIDTH)
#  error "define MADD2, NMADD2, MADD and NMADD (or VEC_PAIRS), FIR_WIDTH and the function names"
#endif

#define ALWAYS_INLINE static inline __attribute__((always_inline))

typedef double Pair __attribute__((vector_size(16)));

// ---------------------------------------------------------------------------
// The IIR stages
//
// Each allpass runs at the lower rate of its stage, where z^-2 is one sample:
//   y[n] = a x[n] + x[n-1] - a y[n-1]
// Allpass 2q (branch 0) and 2q + 1 (branch 1) run side by side in the two
// lanes of a Pair: pair-section q. For an odd count the last pair-section's
// branch 1 has no allpass (coefficient 0) and passes its input.
//
// Groups. Each recursion waits on its own previous output every sample, so
// the stages run a group of two base-rate samples at a time, counted from the
// stream's start: two steps of stage 0 and four of stage 1 (at 2x) per group.
// A pair-section computes a group of G steps on inputs x[0..G-1], from its
// previous input x1 and output y1, as a look-ahead of its recursion (K. K.
// Parhi and D. G. Messerschmitt, "Pipeline interleaving and parallelism in
// recursive digital filters", IEEE Trans. ASSP 37(7), 1989):
//   w[k] = a x[k] + x[k-1]            (x[-1] = x1)
//   v[0] = w[0],  v[k] = w[k] - a v[k-1]
//   y[k] = v[k] + (-a)^(k+1) y1
// so the group waits on y1 alone, one multiply-add, where G steps of the
// recursion wait on G. y[0] is what one step of the recursion computes.
//
// Pipeline. Within a group the pair-sections of a chain would still wait on
// one another, so the chain is skewed in time (software pipelining): in
// iteration t the pair-section at offset g runs group t - g, on what the one
// before it made of that group in an earlier iteration. Two pair-sections
// share a vector of four lanes: with nv = ceil(p / 2) vectors for p
// pair-sections, pair-section q < nv is the high half of vector q and q >= nv
// the low half of vector q - nv. Vector w takes the outputs of vector w - 1
// whole, one iteration later; vector 0 takes the stage's input in its high
// half and, in its low half, the outputs of pair-section nv - 1 through a
// ring, skew iterations later still, so the chain through all vectors and
// back spans enough iterations not to hold up the recursions (skew()). Data
// enter the high half by broadcast loads and blends, and leave from the low
// half, so an iteration moves nothing across the halves of a vector. (Down,
// lane 0 is branch 1 and lane 1 branch 0, so its input pairs load in order.)
//
// The pipeline fills at the start of a run and drains at its end, masking
// the pair-sections that have no group of the run, so between runs the state
// is that of the chains in order, GsHalfband's, and a group has the same
// arithmetic whether it runs in the pipeline or alone in chain order (for a
// group a block boundary splits, and for short runs). So the output does not
// depend on how the stream is split into blocks.

#define GROUP 2         // base-rate samples per group
#define MAX_STEPS 4     // steps per group: 2 at stage 0, 4 at stage 1
#define MAX_PAIRS ((GS_HALFBAND_MAX_COEFS + 1) / 2)
#define MAX_VECS ((MAX_PAIRS + 1) / 2)
#define RING 16         // iterations a ring holds (a power of 2 above any skew)
#define CHAIN_GROUPS 16 // runs of fewer groups go in chain order

// Four doubles, two lane pairs. The AVX variant has them in a 256-bit
// vector; the portable one (VEC_PAIRS) as two Pairs, since without AVX a
// 256-bit vector of the vector extension goes through memory. The variant
// may give its own instructions for the helpers below (LO_HALF, ...).
#ifdef VEC_PAIRS
typedef struct {
  Pair lo, hi;
} Vec;

ALWAYS_INLINE Pair lo_half(Vec v)
{
  return v.lo;
}

ALWAYS_INLINE Pair hi_half(Vec v)
{
  return v.hi;
}

ALWAYS_INLINE Vec join(Pair lo, Pair hi)
{
  const Vec v = {lo, hi};
  return v;
}

// a b + c, c - a b
ALWAYS_INLINE Vec vmadd(Vec a, Vec b, Vec c)
{
  return join(MADD2(a.lo, b.lo, c.lo), MADD2(a.hi, b.hi, c.hi));
}

ALWAYS_INLINE Vec vnmadd(Vec a, Vec b, Vec c)
{
  return join(NMADD2(a.lo, b.lo, c.lo), NMADD2(a.hi, b.hi, c.hi));
}
#else
typedef double Vec __attribute__((vector_size(32)));

ALWAYS_INLINE Pair lo_half(Vec v)
{
#  ifdef LO_HALF
  return LO_HALF(v);
#  else
  return __builtin_shufflevector(v, v, 0, 1);
#  endif
}

ALWAYS_INLINE Pair hi_half(Vec v)
{
#  ifdef HI_HALF
  return HI_HALF(v);
#  else
  return __builtin_shufflevector(v, v, 2, 3);
#  endif
}

ALWAYS_INLINE Vec join(Pair lo, Pair hi)
{
#  ifdef JOIN
  return JOIN(lo, hi);
#  else
  return __builtin_shufflevector(lo, hi, 0, 1, 2, 3);
#  endif
}

ALWAYS_INLINE Vec vmadd(Vec a, Vec b, Vec c)
{
  return MADD(a, b, c);
}

ALWAYS_INLINE Vec vnmadd(Vec a, Vec b, Vec c)
{
  return NMADD(a, b, c);
}
#endif

typedef float Float2 __attribute__((vector_size(8)));

ALWAYS_INLINE Vec vzero(void)
{
  return join((Pair){0.0, 0.0}, (Pair){0.0, 0.0});
}

// a's low half, b's high half.
ALWAYS_INLINE Vec blend(Vec a, Vec b)
{
#ifdef BLEND
  return BLEND(a, b);
#else
  return join(lo_half(a), hi_half(b));
#endif
}

// p[0] in every lane.
ALWAYS_INLINE Vec splat_float(const float *p)
{
#ifdef SPLAT_FLOAT
  return SPLAT_FLOAT(p);
#else
  const double x = (double)*p;
  return join((Pair){x, x}, (Pair){x, x});
#endif
}

// p[0], p[1] in both halves.
ALWAYS_INLINE Vec splat_floats(const float *p)
{
#ifdef SPLAT_FLOATS
  return SPLAT_FLOATS(p);
#else
  const Pair x = {(double)p[0], (double)p[1]};
  return join(x, x);
#endif
}

ALWAYS_INLINE Vec splat_double(const double *p)
{
#ifdef SPLAT_DOUBLE
  return SPLAT_DOUBLE(p);
#else
  return join((Pair){*p, *p}, (Pair){*p, *p});
#endif
}

ALWAYS_INLINE Vec splat_pair(const Pair *p)
{
  return join(*p, *p);
}

// a in the low half; the high half is not used.
ALWAYS_INLINE Vec widen(Pair a)
{
#ifdef WIDEN
  return WIDEN(a);
#else
  return join(a, a);
#endif
}

// The high half of *v, from memory.
ALWAYS_INLINE Pair load_high(const Vec *v)
{
  Pair h;
  __builtin_memcpy(&h, (const char *)v + sizeof(Pair), sizeof(h));
  return h;
}

// Two floats from a Pair.
ALWAYS_INLINE void store_floats(float *p, Pair v)
{
#ifdef STORE_FLOATS
  STORE_FLOATS(p, v);
#else
  const Float2 f = __builtin_convertvector(v, Float2);
  __builtin_memcpy(p, &f, sizeof(f));
#endif
}

ALWAYS_INLINE Pair half(Vec v, bool high)
{
  return high ? hi_half(v) : lo_half(v);
}

ALWAYS_INLINE Pair dup_lo(Pair v)
{
  return __builtin_shufflevector(v, v, 0, 0);
}

ALWAYS_INLINE Pair dup_hi(Pair v)
{
  return __builtin_shufflevector(v, v, 1, 1);
}

ALWAYS_INLINE Pair swap(Pair v)
{
  return __builtin_shufflevector(v, v, 1, 0);
}

// (a[0] + a[1], b[0] + b[1]).
ALWAYS_INLINE Pair sums(Pair a, Pair b)
{
#ifdef SUMS
  return SUMS(a, b);
#else
  return __builtin_shufflevector(a, b, 0, 2) + __builtin_shufflevector(a, b, 1, 3);
#endif
}

// y with branch 1's lane (lane 0 when flipped) from x.
ALWAYS_INLINE Pair pass(Pair y, Pair x, bool flip)
{
  return flip ? (Pair){x[0], y[1]} : (Pair){y[0], x[1]};
}

ALWAYS_INLINE unsigned n_pairs(unsigned nc)
{
  return (nc + 1) / 2;
}

ALWAYS_INLINE unsigned n_vecs(unsigned nc)
{
  return (n_pairs(nc) + 1) / 2;
}

// The time an iteration of a stage's loop takes, about, in cycles: its
// multiply-adds (3 G - 1 a vector for a group of G steps) on two units, and
// two for the rest.
ALWAYS_INLINE unsigned period(unsigned nc, unsigned steps)
{
  return (n_vecs(nc) * (3 * steps - 1) + 1) / 2 + 2;
}

// The extra iterations between pair-sections nv - 1 and nv of a stage. The
// chain from vector 0 through all nv vectors and back through the ring takes
// about nv (G + 1) + 2 multiply-adds of 4 cycles (the ring's store and load
// about two); spread over nv + skew iterations it stays within an
// iteration's time, so it does not hold up the recursions. (Measured on Zen 4
// at 48 kHz, 2x: skew 2, 3, 4 took 1.30, 1.09, 1.08 ns a sample.)
ALWAYS_INLINE unsigned skew(unsigned nc, unsigned steps)
{
  if (n_pairs(nc) < 2) {
    return 0;  // no low half
  }
  const unsigned nv = n_vecs(nc), cycles = period(nc, steps);
  const unsigned chain = 4 * (nv * (steps + 1) + 2);
  const unsigned spread = (chain + cycles - 1) / cycles;  // iterations the chain needs
  return spread > nv ? spread - nv : 0;
}

// Iterations from a group's start at pair-section 0 to pair-section q.
ALWAYS_INLINE unsigned offset(unsigned nc, unsigned steps, unsigned q)
{
  return q < n_vecs(nc) ? q : q + skew(nc, steps);
}

// Iterations a group takes through a wide stage: one more than its last
// offset.
ALWAYS_INLINE unsigned span(unsigned nc, unsigned steps)
{
  return nc ? offset(nc, steps, n_pairs(nc) - 1) + 1 : 0;
}

// The coefficients of a pair-section: a, and (-a)^(k+1) for each step.
ALWAYS_INLINE void pair_coefs(const GsHalfband *hb, unsigned nc, unsigned q, Pair *c, Pair *p)
{
  *c = (Pair){hb->coef[2 * q], 2 * q + 1 < nc ? hb->coef[2 * q + 1] : 0.0};
  p[0] = -*c;
#pragma GCC unroll 4
  for (unsigned k = 1; k < MAX_STEPS; ++k) {
    p[k] = p[k - 1] * -*c;
  }
}

// A group of a pair-section on x[0..steps-1], in place.
ALWAYS_INLINE void pair_group(Pair c, const Pair *p, Pair *x1, Pair *y1, Pair *x, unsigned steps,
                              bool half_only)
{
  Pair y[MAX_STEPS], v[MAX_STEPS];
  v[0] = MADD2(c, x[0], *x1);
#pragma GCC unroll 4
  for (unsigned k = 1; k < steps; ++k) {
    v[k] = NMADD2(c, v[k - 1], MADD2(c, x[k], x[k - 1]));
  }
#pragma GCC unroll 4
  for (unsigned k = 0; k < steps; ++k) {
    y[k] = MADD2(p[k], *y1, v[k]);
  }
  *x1 = x[steps - 1];
#pragma GCC unroll 4
  for (unsigned k = 0; k < steps; ++k) {
    if (half_only) {
      y[k][1] = x[k][1];
    }
    x[k] = y[k];
  }
  *y1 = x[steps - 1];
}

// A group through one stage in chain order, on GsHalfband's state (s[0], s[1]:
// the branch inputs; s[i + 2]: the output of allpass i, which is also the
// input of allpass i + 2), x in place. Pair-section q's previous output is
// the previous input of q + 1: it is replaced when q + 1 has run.
ALWAYS_INLINE void chain_stage(const GsHalfband *hb, double *state, unsigned nc, Pair *x,
                               unsigned steps)
{
  const unsigned np = n_pairs(nc);
  Pair y1 = {0.0, 0.0};
  for (unsigned q = 0; q < np; ++q) {
    Pair c, p[MAX_STEPS];
    pair_coefs(hb, nc, q, &c, p);
    Pair x1 = {state[2 * q], state[2 * q + 1]};
    y1 = (Pair){state[2 * q + 2], state[2 * q + 3]};
    pair_group(c, p, &x1, &y1, x, steps, (nc & 1) && q == np - 1);
    state[2 * q] = x1[0];
    state[2 * q + 1] = x1[1];
  }
  state[2 * np] = y1[0];
  state[2 * np + 1] = y1[1];
}

// One stage's pair-sections as the pipeline's vectors; unused lanes zero.
// y[w][k] holds the outputs of step k of the last group each ran,
// y[w][steps - 1] its previous output.
typedef struct {
  Vec c[MAX_VECS];
  Vec p[MAX_VECS][MAX_STEPS];
  Vec x1[MAX_VECS];
  Vec y[MAX_VECS][MAX_STEPS];
} Wide;

// Where pair-section q is: vector q % nv (q < 2 nv), the high half for q < nv.
ALWAYS_INLINE bool is_high(unsigned nc, unsigned q)
{
  return q < n_vecs(nc);
}

ALWAYS_INLINE void wide_load(Wide *st, const GsHalfband *hb, const double *state, unsigned nc,
                             bool flip)
{
  const unsigned np = n_pairs(nc), nv = n_vecs(nc);
  // Every vector, the unused ones zero: the compiler need not know nc.
#pragma GCC unroll 4
  for (unsigned w = 0; w < MAX_VECS; ++w) {
    Pair c[2], p[2][MAX_STEPS], x1[2], y1[2];  // [0]: the low half, [1]: the high half
    for (unsigned h = 0; h < 2; ++h) {
      const unsigned q = h ? w : w + nv;
      c[h] = x1[h] = y1[h] = (Pair){0.0, 0.0};
      for (unsigned k = 0; k < MAX_STEPS; ++k) {
        p[h][k] = (Pair){0.0, 0.0};
      }
      if (w < nv && q < np) {
        pair_coefs(hb, nc, q, &c[h], p[h]);
        x1[h] = (Pair){state[2 * q], state[2 * q + 1]};
        y1[h] = (Pair){state[2 * q + 2], state[2 * q + 3]};
        if (flip) {
          c[h] = swap(c[h]);
          x1[h] = swap(x1[h]);
          y1[h] = swap(y1[h]);
          for (unsigned k = 0; k < MAX_STEPS; ++k) {
            p[h][k] = swap(p[h][k]);
          }
        }
      }
    }
    st->c[w] = join(c[0], c[1]);
    st->x1[w] = join(x1[0], x1[1]);
    for (unsigned k = 0; k < MAX_STEPS; ++k) {
      st->p[w][k] = join(p[0][k], p[1][k]);
      st->y[w][k] = join(y1[0], y1[1]);
    }
  }
}

ALWAYS_INLINE void wide_store(const Wide *st, double *state, unsigned nc, unsigned steps,
                              bool flip)
{
  const unsigned np = n_pairs(nc), nv = n_vecs(nc);
#pragma GCC unroll 8
  for (unsigned q = 0; q < np; ++q) {
    Pair x1 = half(st->x1[q % nv], is_high(nc, q));
    Pair y1 = half(st->y[q % nv][steps - 1], is_high(nc, q));
    if (flip) {
      x1 = swap(x1);
      y1 = swap(y1);
    }
    state[2 * q] = x1[0];
    state[2 * q + 1] = x1[1];
    state[2 * q + 2] = y1[0];
    state[2 * q + 3] = y1[1];
  }
}

// Step k's output of the stage's last pair-section, in its last group.
ALWAYS_INLINE Pair wide_output(const Wide *st, unsigned nc, unsigned k)
{
  const unsigned q = n_pairs(nc) - 1;
  return half(st->y[q % n_vecs(nc)][k], is_high(nc, q));
}

// The pair-sections at offsets lo..hi-1 run in an iteration: all of them
// (0..depth-1) but while the pipeline fills and drains.
typedef struct {
  unsigned lo, hi;
} Live;

ALWAYS_INLINE bool live(Live on, unsigned g)
{
  return g >= on.lo && g < on.hi;
}

// One iteration of a stage whose first pair-section is at offset base: the
// pair-sections with a group of the run take it. in[k]: step k's input of
// pair-section 0 in the high half. The ring's slot t % RING takes the
// vector of pair-section nv - 1 as it was, and pair-section nv takes its high
// half from skew iterations before.
ALWAYS_INLINE void wide_iter(Wide *st, unsigned nc, unsigned steps, const Vec *in,
                             Vec (*ring)[MAX_STEPS], uint32_t t, Live on, bool flip)
{
  const unsigned np = n_pairs(nc), nv = n_vecs(nc), s = skew(nc, steps);
  Vec back[MAX_STEPS];
#pragma GCC unroll 4
  for (unsigned k = 0; k < steps; ++k) {
    if (np < 2) {
      back[k] = vzero();
    } else if (s) {
      ring[t % RING][k] = st->y[nv - 1][k];
      back[k] = widen(load_high(&ring[(t - s) % RING][k]));
    } else {
      back[k] = widen(hi_half(st->y[nv - 1][k]));
    }
  }
#pragma GCC unroll 4
  for (unsigned w = nv; w-- > 0;) {  // last first: each takes the one before as it was
    Vec x[MAX_STEPS];
#pragma GCC unroll 4
    for (unsigned k = 0; k < steps; ++k) {
      x[k] = w ? st->y[w - 1][k] : blend(back[k], in[k]);
    }
    const Vec c = st->c[w], x1 = st->x1[w], y1 = st->y[w][steps - 1];
    Vec y[MAX_STEPS];
    // v first, then y, each v used last by its y (no copies for the
    // multiply-adds that overwrite an operand)
    Vec v[MAX_STEPS];
    v[0] = vmadd(c, x[0], x1);
#pragma GCC unroll 4
    for (unsigned k = 1; k < steps; ++k) {
      v[k] = vnmadd(c, v[k - 1], vmadd(c, x[k], x[k - 1]));
    }
#pragma GCC unroll 4
    for (unsigned k = 0; k < steps; ++k) {
      y[k] = vmadd(st->p[w][k], y1, v[k]);
    }
    const unsigned last = np - 1;
    if ((nc & 1) && w == last % nv) {
      // branch 1 of the last pair-section passes its input (lane 0 when flipped)
#pragma GCC unroll 4
      for (unsigned k = 0; k < steps; ++k) {
        if (is_high(nc, last)) {
          y[k] = join(lo_half(y[k]), pass(hi_half(y[k]), hi_half(x[k]), flip));
        } else {
          y[k] = join(pass(lo_half(y[k]), lo_half(x[k]), flip), hi_half(y[k]));
        }
      }
    }
    // the pair-sections without a group keep their state (when the
    // iteration is known, this folds to whole vectors or fixed blends)
    const bool lo = live(on, offset(nc, steps, w + nv)), hi = live(on, offset(nc, steps, w));
    if (lo && hi) {
      st->x1[w] = x[steps - 1];
#pragma GCC unroll 4
      for (unsigned k = 0; k < steps; ++k) {
        st->y[w][k] = y[k];
      }
    } else if (lo || hi) {
      st->x1[w] = lo ? blend(x[steps - 1], x1) : blend(x1, x[steps - 1]);
#pragma GCC unroll 4
      for (unsigned k = 0; k < steps; ++k) {
        st->y[w][k] = lo ? blend(y[k], st->y[w][k]) : blend(st->y[w][k], y[k]);
      }
    }
  }
}

// Stage 1's pair-sections one to a Pair, at consecutive offsets: it has few
// (2 at 44.1 to 96 kHz), and a vector of two would need the ring. out[q]
// holds the outputs of pair-section q's last group, the next one's inputs.
typedef struct {
  Pair c[MAX_PAIRS];
  Pair p[MAX_PAIRS][MAX_STEPS];
  Pair x1[MAX_PAIRS];
  Pair y1[MAX_PAIRS];
  Pair out[MAX_PAIRS][MAX_STEPS];
} Narrow;

ALWAYS_INLINE void narrow_load(Narrow *st, const GsHalfband *hb, const double *state, unsigned nc,
                               bool flip)
{
  const unsigned np = n_pairs(nc);
#pragma GCC unroll 8
  for (unsigned q = 0; q < MAX_PAIRS; ++q) {
    st->c[q] = st->x1[q] = st->y1[q] = (Pair){0.0, 0.0};
    for (unsigned k = 0; k < MAX_STEPS; ++k) {
      st->p[q][k] = st->out[q][k] = (Pair){0.0, 0.0};
    }
    if (q < np) {
      pair_coefs(hb, nc, q, &st->c[q], st->p[q]);
      st->x1[q] = (Pair){state[2 * q], state[2 * q + 1]};
      st->y1[q] = (Pair){state[2 * q + 2], state[2 * q + 3]};
      if (flip) {
        st->c[q] = swap(st->c[q]);
        st->x1[q] = swap(st->x1[q]);
        st->y1[q] = swap(st->y1[q]);
        for (unsigned k = 0; k < MAX_STEPS; ++k) {
          st->p[q][k] = swap(st->p[q][k]);
        }
      }
    }
  }
}

ALWAYS_INLINE void narrow_store(const Narrow *st, double *state, unsigned nc, bool flip)
{
  const unsigned np = n_pairs(nc);
#pragma GCC unroll 8
  for (unsigned q = 0; q < np; ++q) {
    const Pair x1 = flip ? swap(st->x1[q]) : st->x1[q];
    const Pair y1 = flip ? swap(st->y1[q]) : st->y1[q];
    state[2 * q] = x1[0];
    state[2 * q + 1] = x1[1];
    state[2 * q + 2] = y1[0];
    state[2 * q + 3] = y1[1];
  }
}

// One iteration of a narrow stage whose first pair-section is at offset
// base; in: pair-section 0's inputs. (Flipped lanes: the allpass-free lane of
// an odd count is lane 0; pair_group() passes lane 1, so the lanes swap
// around it.)
ALWAYS_INLINE void narrow_iter(Narrow *st, unsigned nc, unsigned steps, const Pair *in, Live on,
                               bool flip)
{
  const unsigned np = n_pairs(nc);
#pragma GCC unroll 8
  for (unsigned q = np; q-- > 0;) {  // last first: each takes the one before as it was
    if (!live(on, q)) {
      continue;
    }
    Pair x[MAX_STEPS];
#pragma GCC unroll 4
    for (unsigned k = 0; k < steps; ++k) {
      x[k] = q ? st->out[q - 1][k] : in[k];
    }
    const bool half_only = (nc & 1) && q == np - 1;
    if (half_only && flip) {
      Pair c = swap(st->c[q]), p[MAX_STEPS], x1 = swap(st->x1[q]), y1 = swap(st->y1[q]);
      for (unsigned k = 0; k < steps; ++k) {
        p[k] = swap(st->p[q][k]);
        x[k] = swap(x[k]);
      }
      pair_group(c, p, &x1, &y1, x, steps, true);
      st->x1[q] = swap(x1);
      st->y1[q] = swap(y1);
      for (unsigned k = 0; k < steps; ++k) {
        x[k] = swap(x[k]);
      }
    } else {
      pair_group(st->c[q], st->p[q], &st->x1[q], &st->y1[q], x, steps, half_only);
    }
#pragma GCC unroll 4
    for (unsigned k = 0; k < steps; ++k) {
      st->out[q][k] = x[k];
    }
  }
}

// Zeroes the ring slots read before they are written (only by pair-sections
// masked off then, but read).
ALWAYS_INLINE void ring_clear(Vec (*ring)[MAX_STEPS], unsigned s)
{
  for (unsigned i = RING - s; i < RING; ++i) {
    for (unsigned k = 0; k < MAX_STEPS; ++k) {
      ring[i][k] = vzero();
    }
  }
}

// Up. Interpolation by 2: 2 H(z) on x with zeros stuffed between its samples
// is A0 on x at the even outputs and A1 on x at the odd ones. Stage 0 takes
// a group's two base-rate samples, both branches on each; stage 1 the four
// outputs of stage 0, both branches on each.

// A group in chain order: x, its two base-rate inputs; out, 2 (1 + (n2 > 0))
// floats per base-rate sample. The state advances if commit.
ALWAYS_INLINE void up_chain(GsOversampler *os, unsigned n1, unsigned n2, const float *x,
                            float *out, bool commit)
{
  double s0[GS_HALFBAND_MAX_COEFS + 2], s1[GS_HALFBAND_MAX_COEFS + 2];
  double *a = os->stage[0].state_up, *b = os->stage[1].state_up;
  if (!commit) {
    __builtin_memcpy(s0, a, sizeof(s0));
    __builtin_memcpy(s1, b, sizeof(s1));
    a = s0;
    b = s1;
  }
  Pair y[MAX_STEPS] = {{x[0], x[0]}, {x[1], x[1]}};
  unsigned steps = GROUP;
  chain_stage(&os->stage[0], a, n1, y, GROUP);
  if (n2) {
    for (unsigned k = GROUP; k-- > 0;) {
      y[2 * k + 1] = (Pair){y[k][1], y[k][1]};
      y[2 * k] = (Pair){y[k][0], y[k][0]};
    }
    steps = 2 * GROUP;
    chain_stage(&os->stage[1], b, n2, y, steps);
  }
  for (unsigned k = 0; k < steps; ++k) {
    store_floats(out + 2 * k, y[k]);
  }
}

// Down. Decimation by 2 keeping the output of H at odd instants 2n + 1:
//   y = 1/2 [A0(u[2n+1]) + A1(u[2n])]
// (A1's z^-1 turns u[2n+1] into u[2n]), so both branches run on the same
// step, on the pair (u[2n+1], u[2n]) (in the pipeline, lanes flipped:
// (u[2n], u[2n+1])), without a separate delay. Stage 1 takes a group's
// eight inputs at 4x, stage 0 the four sums of stage 1 (or a group's four
// inputs at 2x).

// A group in chain order: in, its 2 (1 + (n2 > 0)) inputs per base-rate
// sample; out, its two outputs. The state advances if commit.
ALWAYS_INLINE void down_chain(GsOversampler *os, unsigned n1, unsigned n2, const float *in,
                              float *out, bool commit)
{
  double s0[GS_HALFBAND_MAX_COEFS + 2], s1[GS_HALFBAND_MAX_COEFS + 2];
  double *a = os->stage[0].state_down, *b = os->stage[1].state_down;
  if (!commit) {
    __builtin_memcpy(s0, a, sizeof(s0));
    __builtin_memcpy(s1, b, sizeof(s1));
    a = s0;
    b = s1;
  }
  Pair x[MAX_STEPS];
  const unsigned steps = n2 ? 2 * GROUP : GROUP;
  for (unsigned k = 0; k < steps; ++k) {
    x[k] = (Pair){(double)in[2 * k + 1], (double)in[2 * k]};
  }
  if (n2) {
    chain_stage(&os->stage[1], b, n2, x, steps);
    for (unsigned k = 0; k < GROUP; ++k) {
      x[k] = 0.5 * swap(sums(x[2 * k], x[2 * k + 1]));
    }
  }
  chain_stage(&os->stage[0], a, n1, x, GROUP);
  store_floats(out, 0.5 * sums(x[0], x[1]));
}

// The stages run one loop each, over a run of whole groups, a chunk at a
// time: stage 0 of up (or stage 1 of down) runs CHUNK iterations, leaving
// the groups it finished in a buffer, and the other stage takes them. Each
// keeps its pipeline going from chunk to chunk and drains it at the run's
// end. (In one loop, the two stages' state does not fit the registers.)
#define CHUNK 64  // groups
// The buffer between the stages holds MID groups: a power of 2 above what
// one run of the first stage gives (its last gives up to CHUNK + depth - 1).
#define MID (2 * CHUNK)

// Where a stage's first pair-section takes its inputs from.
typedef enum {
  FROM_BASE,   // up, stage 0: a group's base-rate samples, both branches on each
  FROM_PAIRS,  // up, stage 1: stage 0's outputs (Pairs), both branches on each lane
  FROM_HIGH,   // down, the first stage: floats at its higher rate, two a step
  FROM_SUMS,   // down, stage 0 after stage 1: stage 1's sums (Pairs)
} Source;

// Where a stage's last pair-section leaves its outputs.
typedef enum {
  TO_HIGH,   // up, the last stage: both branches, as floats
  TO_PAIRS,  // up, stage 0 before stage 1: Pairs
  TO_BASE,   // down, stage 0: half the branches' sum, as floats
  TO_SUMS,   // down, stage 1: half the branches' sums, as stage 0's input Pairs
} Sink;

// Two floats as a Pair.
ALWAYS_INLINE Pair load_floats(const float *p)
{
  return (Pair){(double)p[0], (double)p[1]};
}

// The stage's inputs of group t, step by step: for a wide stage in the high
// half of a vector, for a narrow one as Pairs.
ALWAYS_INLINE void take_wide(Source src, const void *restrict in, uint32_t t, unsigned steps,
                             Vec *x)
{
  const float *f = (const float *)in;
  const Pair *p = (const Pair *)in;
#pragma GCC unroll 4
  for (unsigned k = 0; k < steps; ++k) {
    switch (src) {
    case FROM_BASE: x[k] = splat_float(f + steps * t + k); break;
    case FROM_PAIRS: x[k] = splat_double(&p[steps / 2 * (t % MID) + k / 2][k % 2]); break;
    case FROM_HIGH: x[k] = splat_floats(f + 2 * steps * t + 2 * k); break;
    case FROM_SUMS: x[k] = splat_pair(&p[steps * (t % MID) + k]); break;
    }
  }
}

ALWAYS_INLINE void take_narrow(Source src, const void *restrict in, uint32_t t, unsigned steps,
                               Pair *x)
{
  const float *f = (const float *)in;
  const Pair *p = (const Pair *)in;
#pragma GCC unroll 4
  for (unsigned k = 0; k < steps; ++k) {
    switch (src) {
    case FROM_BASE: x[k] = (Pair){(double)f[steps * t + k], (double)f[steps * t + k]}; break;
    case FROM_PAIRS: {
      const Pair v = p[steps / 2 * (t % MID) + k / 2];
      x[k] = k % 2 ? dup_hi(v) : dup_lo(v);
      break;
    }
    case FROM_HIGH: x[k] = load_floats(f + 2 * steps * t + 2 * k); break;
    case FROM_SUMS: x[k] = p[steps * (t % MID) + k]; break;
    }
  }
}

// The outputs y[0..steps-1] of group u.
ALWAYS_INLINE void give(Sink dst, void *restrict out, uint32_t u, unsigned steps, const Pair *y)
{
  float *f = (float *)out;
  Pair *p = (Pair *)out;
  switch (dst) {
  case TO_HIGH:
#pragma GCC unroll 4
    for (unsigned k = 0; k < steps; ++k) {
      store_floats(f + 2 * steps * u + 2 * k, y[k]);
    }
    break;
  case TO_PAIRS:
#pragma GCC unroll 4
    for (unsigned k = 0; k < steps; ++k) {
      p[steps * (u % MID) + k] = y[k];
    }
    break;
  case TO_BASE:
#pragma GCC unroll 2
    for (unsigned k = 0; k < steps; k += 2) {
      store_floats(f + steps * u + k, 0.5 * sums(y[k], y[k + 1]));
    }
    break;
  case TO_SUMS:
#pragma GCC unroll 2
    for (unsigned k = 0; k < steps; k += 2) {
      p[steps / 2 * (u % MID) + k / 2] = 0.5 * sums(y[k], y[k + 1]);
    }
    break;
  }
}

// A stage's pipeline over a run of n groups: in iteration t its first
// pair-section takes group t (t < n) and its last gives group t - (depth - 1)
// (if that is 0 or more); iterations 0..n+depth-2.
typedef struct {
  uint32_t t, n;
  unsigned depth;
} Run;

ALWAYS_INLINE void wide_step(Wide *st, Vec (*ring)[MAX_STEPS], unsigned nc, unsigned steps,
                             bool flip, Source src, const void *restrict in, Sink dst,
                             void *restrict out, const Run *run, uint32_t t, Live on)
{
  Vec x[MAX_STEPS];
  if (live(on, 0)) {
    take_wide(src, in, t, steps, x);
  } else {
    for (unsigned k = 0; k < steps; ++k) {
      x[k] = vzero();
    }
  }
  wide_iter(st, nc, steps, x, ring, t, on, flip);
  const unsigned g = run->depth - 1;
  if (live(on, g)) {
    Pair y[MAX_STEPS];
    for (unsigned k = 0; k < steps; ++k) {
      y[k] = wide_output(st, nc, k);
    }
    give(dst, out, t - g, steps, y);
  }
}

ALWAYS_INLINE void narrow_step(Narrow *st, unsigned nc, unsigned steps, bool flip, Source src,
                               const void *restrict in, Sink dst, void *restrict out,
                               const Run *run, uint32_t t, Live on)
{
  Pair x[MAX_STEPS];
  if (live(on, 0)) {
    take_narrow(src, in, t, steps, x);
  } else {
    for (unsigned k = 0; k < steps; ++k) {
      x[k] = (Pair){0.0, 0.0};
    }
  }
  narrow_iter(st, nc, steps, x, on, flip);
  const unsigned g = run->depth - 1;
  if (live(on, g)) {
    give(dst, out, t - g, steps, st->out[n_pairs(nc) - 1]);
  }
}

// Iterations run->t up to end. In iteration t < depth - 1 the pipeline fills
// (the pair-section at offset g runs from iteration g), and in n - 1 + d it
// drains (the pair-sections at offsets above d run): loops of a constant
// count, unrolled, so each iteration knows which run. A run begins at 0 and
// ends past the filling, before the draining or at its end.
#define RUN_TO(step, run, end, ...)                                                               \
  do {                                                                                            \
    uint32_t t_ = (run)->t;                                                                       \
    const unsigned depth_ = (run)->depth;                                                         \
    if (t_ == 0) {                                                                                \
      _Pragma("GCC unroll 16") for (unsigned f_ = 0; f_ + 1 < depth_; ++f_)                       \
      {                                                                                           \
        step(__VA_ARGS__, run, f_, (Live){0, f_ + 1});                                            \
      }                                                                                           \
      t_ = depth_ - 1;                                                                            \
    }                                                                                             \
    const uint32_t stop_ = (end) < (run)->n ? (end) : (run)->n;                                   \
    for (; t_ < stop_; ++t_) {                                                                    \
      step(__VA_ARGS__, run, t_, (Live){0, depth_});                                              \
    }                                                                                             \
    if ((end) == (run)->n + depth_ - 1) {                                                         \
      _Pragma("GCC unroll 16") for (unsigned d_ = 0; d_ + 1 < depth_; ++d_)                       \
      {                                                                                           \
        step(__VA_ARGS__, run, (run)->n + d_, (Live){d_ + 1, depth_});                            \
      }                                                                                           \
      t_ = (end);                                                                                 \
    }                                                                                             \
    (run)->t = t_;                                                                                \
  } while (0)

// n whole groups from in (2 n base-rate samples).
ALWAYS_INLINE void up_groups(GsOversampler *os, const float *restrict in, float *restrict out,
                             uint32_t n, unsigned n1, unsigned n2)
{
  const unsigned f = n2 ? 4 : 2;  // outputs per base-rate sample
  if (n < CHAIN_GROUPS || n < span(n1, GROUP) + span(n2, 2 * GROUP)) {
    for (uint32_t g = 0; g < n; ++g) {
      up_chain(os, n1, n2, in + GROUP * g, out + GROUP * f * g, true);
    }
    return;
  }
  Wide a;
  Vec ring[RING][MAX_STEPS];
  ring_clear(ring, skew(n1, GROUP));
  wide_load(&a, &os->stage[0], os->stage[0].state_up, n1, false);
  Run ra = {0, n, span(n1, GROUP)};
  if (!n2) {
    RUN_TO(wide_step, &ra, n + ra.depth - 1, &a, ring, n1, GROUP, false, FROM_BASE, in, TO_HIGH,
           out);
  } else {
    Wide b;
    Vec ring_b[RING][MAX_STEPS];
    Pair mid[MID * GROUP];
    ring_clear(ring_b, skew(n2, 2 * GROUP));
    wide_load(&b, &os->stage[1], os->stage[1].state_up, n2, false);
    Run rb = {0, n, span(n2, 2 * GROUP)};
    while (rb.t + 1 < n + rb.depth) {
      const uint32_t end = ra.t + CHUNK < n ? ra.t + CHUNK : n + ra.depth - 1;
      RUN_TO(wide_step, &ra, end, &a, ring, n1, GROUP, false, FROM_BASE, in, TO_PAIRS, mid);
      // stage 0 has given the groups before ra.t - (depth - 1); after its
      // last, stage 1 drains
      const uint32_t done = ra.t + 1 > ra.depth ? ra.t + 1 - ra.depth : 0;
      const uint32_t until = done >= n ? n + rb.depth - 1 : done;
      RUN_TO(wide_step, &rb, until, &b, ring_b, n2, 2 * GROUP, false, FROM_PAIRS, mid, TO_HIGH,
             out);
    }
    wide_store(&b, os->stage[1].state_up, n2, 2 * GROUP, false);
  }
  wide_store(&a, os->stage[0].state_up, n1, GROUP, false);
}

// n whole groups from in (2 n base-rate samples' inputs).
ALWAYS_INLINE void down_groups(GsOversampler *os, const float *restrict in, float *restrict out,
                               uint32_t n, unsigned n1, unsigned n2)
{
  const unsigned f = n2 ? 4 : 2;  // inputs per base-rate sample
  if (n < CHAIN_GROUPS || n < span(n1, GROUP) + span(n2, 2 * GROUP)) {
    for (uint32_t g = 0; g < n; ++g) {
      down_chain(os, n1, n2, in + GROUP * f * g, out + GROUP * g, true);
    }
    return;
  }
  Wide a;
  Vec ring[RING][MAX_STEPS];
  ring_clear(ring, skew(n1, GROUP));
  wide_load(&a, &os->stage[0], os->stage[0].state_down, n1, true);
  Run ra = {0, n, span(n1, GROUP)};
  if (!n2) {
    RUN_TO(wide_step, &ra, n + ra.depth - 1, &a, ring, n1, GROUP, true, FROM_HIGH, in, TO_BASE,
           out);
  } else {
    Wide b;
    Vec ring_b[RING][MAX_STEPS];
    Pair mid[MID * GROUP];
    ring_clear(ring_b, skew(n2, 2 * GROUP));
    wide_load(&b, &os->stage[1], os->stage[1].state_down, n2, true);
    Run rb = {0, n, span(n2, 2 * GROUP)};
    while (ra.t + 1 < n + ra.depth) {
      const uint32_t end = rb.t + CHUNK < n ? rb.t + CHUNK : n + rb.depth - 1;
      RUN_TO(wide_step, &rb, end, &b, ring_b, n2, 2 * GROUP, true, FROM_HIGH, in, TO_SUMS, mid);
      const uint32_t done = rb.t + 1 > rb.depth ? rb.t + 1 - rb.depth : 0;
      const uint32_t until = done >= n ? n + ra.depth - 1 : done;
      RUN_TO(wide_step, &ra, until, &a, ring, n1, GROUP, true, FROM_SUMS, mid, TO_BASE, out);
    }
    wide_store(&b, os->stage[1].state_down, n2, 2 * GROUP, true);
  }
  wide_store(&a, os->stage[0].state_down, n1, GROUP, true);
}

// The IIR stages for n base-rate samples (any n, 0 included). n1 and n2 are
// the coefficient counts of stages 0 and 1, n2 = 0 when stage 1 is absent.
// Whole groups go through the pipeline; a group split by the block's start
// or end runs alone in chain order, the first sample of one that begins at
// its end kept for the next block (GsOversampleGroup).
ALWAYS_INLINE void iir_up(GsOversampler *os, const float *restrict in, float *restrict out,
                          uint32_t n, unsigned n1, unsigned n2)
{
  const unsigned f = n2 ? 4 : 2;  // outputs per base-rate sample
  GsOversampleGroup *group = &os->group_up;
  uint32_t i = 0;
  float y[GROUP * 4];
  if (group->n && n) {  // finish the group under way: its second sample
    const float x[GROUP] = {group->in[0], in[0]};
    up_chain(os, n1, n2, x, y, true);
    for (unsigned j = 0; j < f; ++j) {
      out[j] = y[f + j];
    }
    group->n = 0;
    i = 1;
  }
  const uint32_t n_groups = (n - i) / GROUP;
  up_groups(os, in + i, out + f * i, n_groups, n1, n2);
  i += GROUP * n_groups;
  if (i < n) {  // a group begins: its first sample, the state left at its start
    const float x[GROUP] = {in[i], 0.0f};
    up_chain(os, n1, n2, x, y, false);
    for (unsigned j = 0; j < f; ++j) {
      out[f * i + j] = y[j];
    }
    group->in[0] = in[i];
    group->n = 1;
  }
}

ALWAYS_INLINE void iir_down(GsOversampler *os, const float *restrict in, float *restrict out,
                            uint32_t n, unsigned n1, unsigned n2)
{
  const unsigned f = n2 ? 4 : 2;  // inputs per base-rate sample
  GsOversampleGroup *group = &os->group_down;
  uint32_t i = 0;
  float x[GROUP * 4], y[GROUP];
  if (group->n && n) {
    for (unsigned j = 0; j < f; ++j) {
      x[j] = group->in[j];
      x[f + j] = in[j];
    }
    down_chain(os, n1, n2, x, y, true);
    out[0] = y[1];
    group->n = 0;
    i = 1;
  }
  const uint32_t n_groups = (n - i) / GROUP;
  down_groups(os, in + f * i, out + i, n_groups, n1, n2);
  i += GROUP * n_groups;
  if (i < n) {
    for (unsigned j = 0; j < f; ++j) {
      x[j] = group->in[j] = in[f * i + j];
      x[f + j] = 0.0f;
    }
    down_chain(os, n1, n2, x, y, false);
    out[i] = y[0];
    group->n = 1;
  }
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

// The whole cascade: the IIR stages, then for 8x the FIR stage. The IIR
// stages take IIR_BLOCK base-rate samples at a time (their pipelines fill
// and drain once per call), the FIR stage FIR_CHUNK of them.
#define IIR_BLOCK (4 * FIR_CHUNK)

ALWAYS_INLINE void up_cascade(GsOversampler *os, const float *restrict in, float *restrict out,
                              uint32_t n, unsigned n1, unsigned n2, unsigned nf)
{
  if (!nf) {
    iir_up(os, in, out, n, n1, n2);
    return;
  }
  float mid[4 * IIR_BLOCK];
  for (uint32_t t = 0; t < n; t += IIR_BLOCK) {
    const uint32_t m = n - t < IIR_BLOCK ? n - t : IIR_BLOCK;
    iir_up(os, in + t, mid, m, n1, n2);
    for (uint32_t i = 0; i < m; i += FIR_CHUNK) {
      const uint32_t k = m - i < FIR_CHUNK ? m - i : FIR_CHUNK;
      fir_up(&os->fir, mid + 4 * i, out + 8 * (t + i), 4 * k, nf);
    }
  }
}

ALWAYS_INLINE void down_cascade(GsOversampler *os, const float *restrict in, float *restrict out,
                                uint32_t n, unsigned n1, unsigned n2, unsigned nf)
{
  if (!nf) {
    iir_down(os, in, out, n, n1, n2);
    return;
  }
  float mid[4 * IIR_BLOCK];
  for (uint32_t t = 0; t < n; t += IIR_BLOCK) {
    const uint32_t m = n - t < IIR_BLOCK ? n - t : IIR_BLOCK;
    for (uint32_t i = 0; i < m; i += FIR_CHUNK) {
      const uint32_t k = m - i < FIR_CHUNK ? m - i : FIR_CHUNK;
      fir_down(&os->fir, in + 8 * (t + i), mid + 4 * i, 4 * k, nf);
    }
    iir_down(os, mid, out + t, m, n1, n2);
  }
}

// Instantiations for the designs of the common rates (up to 48 kHz: 8 and 4
// coefficients and 6 FIR pairs; 88.2 and 96 kHz: 4, 3 and 5), each a
// function of its own so its registers are allocated for it alone; anything
// else runs the same code with run-time counts.
#define INSTANCE(name, n1, n2, nf)                                                                \
  __attribute__((noinline)) static void up_##name(GsOversampler *os, const float *restrict in,    \
                                                  float *restrict out, uint32_t n) GS_REALTIME    \
  {                                                                                               \
    up_cascade(os, in, out, n, n1, n2, nf);                                                       \
  }                                                                                               \
  __attribute__((noinline)) static void down_##name(GsOversampler *os, const float *restrict in,  \
                                                    float *restrict out, uint32_t n) GS_REALTIME  \
  {                                                                                               \
    down_cascade(os, in, out, n, n1, n2, nf);                                                     \
  }

INSTANCE(8, 8, 0, 0)
INSTANCE(4, 4, 0, 0)
INSTANCE(8_4, 8, 4, 0)
INSTANCE(4_3, 4, 3, 0)
INSTANCE(8_4_6, 8, 4, 6)
INSTANCE(4_3_5, 4, 3, 5)
INSTANCE(any, os->stage[0].n_coefs, os->n_stages > 1 ? os->stage[1].n_coefs : 0,
         os->n_stages > 2 ? os->fir.n_pairs : 0)

#define DISPATCH(dir, os, in, out, n)                                                             \
  do {                                                                                            \
    const unsigned n1_ = (os)->stage[0].n_coefs, n2_ = (os)->stage[1].n_coefs;                   \
    const unsigned nf_ = (os)->fir.n_pairs;                                                       \
    switch ((os)->n_stages) {                                                                     \
    case 1:                                                                                       \
      if (n1_ == 8) dir##_8(os, in, out, n);                                                      \
      else if (n1_ == 4) dir##_4(os, in, out, n);                                                 \
      else dir##_any(os, in, out, n);                                                             \
      break;                                                                                      \
    case 2:                                                                                       \
      if (n1_ == 8 && n2_ == 4) dir##_8_4(os, in, out, n);                                        \
      else if (n1_ == 4 && n2_ == 3) dir##_4_3(os, in, out, n);                                   \
      else dir##_any(os, in, out, n);                                                             \
      break;                                                                                      \
    case 3:                                                                                       \
      if (n1_ == 8 && n2_ == 4 && nf_ == 6) dir##_8_4_6(os, in, out, n);                          \
      else if (n1_ == 4 && n2_ == 3 && nf_ == 5) dir##_4_3_5(os, in, out, n);                     \
      else dir##_any(os, in, out, n);                                                             \
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
  DISPATCH(up, os, in, out, n);
}

void DOWN_FN(GsOversampler *os, const float *restrict in, float *restrict out, uint32_t n)
{
  DISPATCH(down, os, in, out, n);
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
