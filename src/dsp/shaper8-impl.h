// SPDX-License-Identifier: ISC
// The 8-channel shaper's vector kernels, included once by each CPU variant.
//
// The including file defines VEC_WIDTH (4 or 8 lanes of float) and
// SHAPER8_FN, the name of the function this defines. The formulas, their
// sources and why they need no epsilon are in shaper.c; here each line works
// on one frame of VEC_WIDTH channels, and 4 lanes go through the 8 channels
// in two groups.

#ifndef GS_DSP_SHAPER8_IMPL_H
#define GS_DSP_SHAPER8_IMPL_H

#include "dsp/lanes-variants.h"

#include <math.h>

#if defined(__SSE__) || defined(GS_LANES_HAVE_AVX2)
#  include <immintrin.h>
#endif

#if !defined(VEC_WIDTH) || !defined(SHAPER8_FN)
#  error "define VEC_WIDTH and SHAPER8_FN before including shaper8-impl.h"
#endif

#define ALWAYS_INLINE static inline __attribute__((always_inline))

typedef float Lanes __attribute__((vector_size(VEC_WIDTH * sizeof(float))));
typedef int32_t Mask __attribute__((vector_size(VEC_WIDTH * sizeof(int32_t))));

ALWAYS_INLINE Lanes load(const float *p)
{
  Lanes v;
  __builtin_memcpy(&v, p, sizeof(v));
  return v;
}

ALWAYS_INLINE void store(float *p, Lanes v)
{
  __builtin_memcpy(p, &v, sizeof(v));
}

ALWAYS_INLINE Lanes splat(double x)
{
  return (Lanes){0} + (float)x;
}

// m ? a : b, lane by lane (m from a comparison: all ones or all zeros)
ALWAYS_INLINE Lanes select(Mask m, Lanes a, Lanes b)
{
  return (Lanes)(((Mask)a & m) | ((Mask)b & ~m));
}

// Square roots of all lanes: the SSE/AVX instruction where there is one
// (sqrtf() may set errno, so compilers will not vectorise it).
ALWAYS_INLINE Lanes roots(Lanes a)
{
#if VEC_WIDTH == 8 && defined(GS_LANES_HAVE_AVX2)
  return (Lanes)_mm256_sqrt_ps((__m256)a);
#elif VEC_WIDTH == 4 && defined(__SSE__)
  return (Lanes)_mm_sqrt_ps((__m128)a);
#else
  for (unsigned l = 0; l < VEC_WIDTH; ++l) {
    a[l] = sqrtf(a[l]);
  }
  return a;
#endif
}

// SOFT: (x + x1) / (r + r1), r = sqrt(1 + x^2).
ALWAYS_INLINE void soft(GsShaper8 *s, const float *in, float *out, uint32_t n, unsigned g)
{
  Lanes x1 = load(s->x1 + g), r1 = load(s->r1 + g);
  const Lanes one = splat(1.0);
  for (uint32_t t = 0; t < n; ++t) {
    const Lanes x = load(in + GS_LANES * t + g);
    const Lanes r = roots(one + x * x);
    store(out + GS_LANES * t + g, s->curve.adaa ? (x + x1) / (r + r1) : x / r);
    x1 = x;
    r1 = r;
  }
  store(s->x1 + g, x1);
  store(s->r1 + g, r1);
}

// TUBE: on one side of u = 0, k (u + u1) / (r + r1); across it,
// (G(u) - G(u1)) / (u - u1) with G = k u^2 / (r + k).
ALWAYS_INLINE void tube(GsShaper8 *s, const float *in, float *out, uint32_t n, unsigned g)
{
  Lanes u1 = load(s->x1 + g), r1 = load(s->r1 + g);
  const Lanes zero = splat(0.0), one = splat(1.0);
  const Lanes bias = splat(s->curve.bias), kp = splat(s->curve.knee_pos);
  const Lanes kn = splat(s->curve.knee_neg);
  const Lanes offset = splat(s->curve.offset), scale = splat(s->curve.scale);
  Lanes k1 = select(u1 >= zero, kp, kn);
  for (uint32_t t = 0; t < n; ++t) {
    const Lanes u = load(in + GS_LANES * t + g) + bias;
    const Mask pos = u >= zero;
    const Lanes k = select(pos, kp, kn);
    const Lanes r = roots(k * k + u * u);
    Lanes mean;
    if (s->curve.adaa) {
      const Mask same = pos == (u1 >= zero);
      const Lanes along = k * (u + u1) / (r + r1);
      const Lanes across =
        (k * u * u / (r + k) - k1 * u1 * u1 / (r1 + k1)) / select(same, one, u - u1);
      mean = select(same, along, across);
    } else {
      mean = k * u / r;
    }
    store(out + GS_LANES * t + g, (mean - offset) * scale);
    u1 = u;
    r1 = r;
    k1 = k;
  }
  store(s->x1 + g, u1);
  store(s->r1 + g, r1);
}

// HARD and RAIL: the mean of f over [lo, hi], split at the knees -c and c,
// the middle integrated as (m1 - m0) (m0 + m1) (1/2 - a (m0^2 + m1^2) / 4)
// (see shaper.c; a = 0 and c = 1 for HARD).
ALWAYS_INLINE void hard(GsShaper8 *s, const float *in, float *out, uint32_t n, unsigned g)
{
  Lanes x1 = load(s->x1 + g);
  const Lanes zero = splat(0.0), one = splat(1.0), minus = splat(-1.0), half = splat(0.5);
  const Lanes c = splat(s->curve.clip), mc = splat(-s->curve.clip);
  const Lanes a = splat(s->curve.cubic), quarter_a = splat(0.25 * s->curve.cubic);
  for (uint32_t t = 0; t < n; ++t) {
    const Lanes x = load(in + GS_LANES * t + g);
    const Lanes xc = select(x > c, c, select(x < mc, mc, x));
    const Lanes fx = select(x >= c, one, select(x <= mc, minus, xc - a * xc * xc * xc));
    if (!s->curve.adaa) {
      store(out + GS_LANES * t + g, fx);
      continue;
    }
    const Mask lt = x < x1;
    const Lanes lo = select(lt, x, x1), hi = select(lt, x1, x);
    const Lanes d = hi - lo;
    const Lanes below = select(lo < mc, select(hi < mc, hi, mc) - lo, zero);
    const Lanes above = select(hi > c, hi - select(lo > c, lo, c), zero);
    const Lanes m0 = select(lo > c, c, select(lo < mc, mc, lo));
    const Lanes m1 = select(hi > c, c, select(hi < mc, mc, hi));
    const Lanes middle = (m1 - m0) * (m0 + m1) * (half - quarter_a * (m0 * m0 + m1 * m1));
    const Lanes sum = above - below + middle;
    const Mask flat = d > zero;
    // Between the knees, exactly and without division, as shaper.c has it.
    const Lanes inner = (lo + hi) * (half - quarter_a * (lo * lo + hi * hi));
    const Lanes mean = select(flat, sum / select(flat, d, one), fx);
    store(out + GS_LANES * t + g, select((lo > mc) & (hi < c), inner, mean));
    x1 = x;
  }
  store(s->x1 + g, x1);
}

// HARD, SOFT and TUBE (TANH runs lane by lane in shaper8.c).
void SHAPER8_FN(GsShaper8 *s, const float *in, float *out, uint32_t n)
{
  for (unsigned g = 0; g < GS_LANES; g += VEC_WIDTH) {
    switch (s->curve.shape) {
    case GS_SHAPE_HARD:
    case GS_SHAPE_RAIL: hard(s, in, out, n, g); break;
    case GS_SHAPE_SOFT: soft(s, in, out, n, g); break;
    case GS_SHAPE_TUBE: tube(s, in, out, n, g); break;
    case GS_SHAPE_TANH: break;
    }
  }
}

#endif  // GS_DSP_SHAPER8_IMPL_H
