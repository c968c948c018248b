// SPDX-License-Identifier: ISC
// Second-order ADAA of the tube curve: the vector kernels, included once by each CPU variant.
//
// The including file defines VEC_WIDTH (4 or 8 float lanes), TUBE_MONO_FN
// and TUBE_LANES_FN, the names of the two kernels this defines.
//
// The curve (shaper.h) is g(u) = k u / r, r = sqrt(k^2 + u^2), u = x + bias,
// k the knee of u's side of 0, then f = (g - offset) scale. Its
// antiderivatives, each zero at u = 0, are
//   G1(u) = k (r - k),   G2(u) = (k/2) (u r + k^2 asinh(u/k)) - k^2 u.
//
// Second-order ADAA convolves the curve's output, in continuous time, with
// a triangular kernel two samples wide and samples the result (J. Parker,
// V. Zavalishin, E. Le Bivic, "Reducing the aliasing of nonlinear waveshaping
// using continuous-time convolution", DAFx-16: the linear kernel; S. Bilbao,
// F. Esqueda, J. Parker, V. Valimaki, IEEE SPL 24(7), 2017, reach the same
// order through a divided difference). Aliases then fall about as the
// square of the first-order box's. On one straight piece of input from c to
// e (h = e - c) write
//   D = int_0^1 g(c + s h) ds              (the mean: first-order ADAA)
//   T = int_0^1 (1/2 - s) g(c + s h) ds    (the tilt)
// so the kernel's rising half, weight s, gives D/2 - T and its falling half,
// weight 1 - s, D/2 + T; the output centred on input j is
// (D_j/2 + T_j) + (D_(j-1)/2 - T_(j-1)), piece j running from input j to j + 1.
//
// The refined path. ADAA takes the input to be straight between samples,
// and a sine of frequency f sampled at fs bends away from its chords by up
// to (pi f / fs)^2 / 2 of its amplitude. Driven 24 dB into the curve (guitar
// at 0 dBFS), that bend alone leaves aliases at -80 dBc for 15 kHz at 8x,
// whatever the kernel. So each mean D is taken along a path through the
// interval's midpoint, interpolated from four samples by the cubic halfband
// w = (9 (u_j + u_(j+1)) - (u_(j-1) + u_(j+2))) / 16 (its images lie 87 dB
// under a 15 kHz signal at 8x), as two straight halves; the tilt, a small
// correction, stays on the chord. In double, for that guitar case at 15 kHz:
// straight path -80 dBc, this -97.5, the tilt refined too -96.5, the exact
// (unsampled) input -98. The midpoint needs the next sample, so the output
// is centred on input n - 2: a delay of two samples.
//
// Closed forms without cancellation. On one side of 0, with r0, r1 the
// roots at c, e:
//   D = k (c + e) / (r0 + r1)                (as for first order, shaper.c)
//   T = (k^3 / 2) m^2 chi(z),   m = (c + e) / (e r0 + c r1),   z = h m,
//   chi(z) = (asinh z - z) / z^2,
// m taken as (r0 + r1) / (k^2 + c e + r0 r1) (multiply through by r0 + r1
// and use r^2 = k^2 + u^2): at least k^2 where c and e share a side, so
// no quotient 0 / 0 where both are 0,
// from T = P - D/2, P = (G2(e) - G2(c) - h G1(c)) / h^2 the falling half,
// G2(e) - G2(c) - h G1(c) = (k/2) (h (r1 - r0) + k^2 (asinh z - z)),
// asinh(e/k) - asinh(c/k) = asinh((e r0 - c r1) / k^2) = asinh(z) and
// e r0 - c r1 = k^2 h (c + e) / (e r0 + c r1). Every factor is a sum of
// like-signed terms; only chi needs care. Below |z| = 1/2 it is z p(z^2),
// p by Chebyshev interpolation of (asinh sqrt(t) - sqrt(t)) / t^(3/2) at 5
// points of [0, 1/4] (relative error 1.2e-7; scripts/adaa2-coefs prints
// them); above, (asinh z - z) / z^2 with asinh z = log(|z| + sqrt(z^2 + 1))
// and a float log good to 2e-8: T good to 3e-6 of itself at |z| = 1/2,
// better beyond, and |T| <= 0.07 k.
// A piece that crosses 0 (a knee each side) splits there, at s0 = c / (c - e):
//   D = s0 M(c) + (1 - s0) M(e),  M(u) = k u / (r + k) the mean over [0, u],
//   T = (1/2 - s0) D + s0^2 Q(c) - (1 - s0)^2 Q(e),
//   Q(u) = int_0^1 s g(s u) ds = (k/2) (u / (r + k) - chi(u / k)),
// with asinh(|u| / k) = log((|u| + r) / k) where |u| >= k / 2.
// No branch trades accuracy for conditioning (the literature's fallbacks
// take the curve at a midpoint below some epsilon): both sides of the switch
// at |z| = 1/2 give chi to float rounding.
//
// The mono kernel's cost. Per sample it takes two square roots (at the
// input, at the midpoint) and three divisions, yet (measured on Zen 4) the
// divider is not what limits it but the number of vector operations: an
// estimate of 1/x or 1/sqrt(x) refined by a Newton step costs more than the
// division or root it replaces. So the common stages are written in as few
// operations as the closed forms allow, the knee's constants are
// picked by the sign bit alone (-0 counts as below 0, where g is 0 anyway),
// the output's scale is folded into them, and the stages run as passes over
// a chunk whose chains of dependent operations are short enough to overlap
// from one vector to the next. The rare branches (the path crosses 0, about
// twice a period; |z| >= 1/2, near a crossing of a loud high sine) take
// lanes gathered onto lists, a vector of them at a time: a vector that
// needs one lane of them costs as much as one that needs all eight.

#ifndef GS_DSP_TUBE_ADAA2_IMPL_H
#define GS_DSP_TUBE_ADAA2_IMPL_H

#include "dsp/lanes-vec.h"
#include "dsp/tube_adaa2.h"

#include <stdbool.h>
#include <string.h>

#if !defined(TUBE_MONO_FN) || !defined(TUBE_LANES_FN)
#  error "define VEC_WIDTH, TUBE_MONO_FN and TUBE_LANES_FN before including tube_adaa2-impl.h"
#endif

// m ? a : b, lane by lane (m from a comparison: all ones or all zeros)
ALWAYS_INLINE VecF pick(MaskF m, VecF a, VecF b)
{
  return (VecF)((m & (MaskF)a) | (~m & (MaskF)b));
}

// All ones where the sign bit of m is set, else zeros.
ALWAYS_INLINE MaskF widen(MaskF m)
{
  return m >> 31;
}

// neg where the sign bit of u is set, else pos: the constants of u's side
// of 0 (-0 counts as below, where g is 0 all the same). One blend in AVX2.
ALWAYS_INLINE VecF by_sign(VecF u, VecF pos, VecF neg)
{
#if VEC_WIDTH == 8 && defined(GS_LANES_HAVE_AVX2)
  return (VecF)_mm256_blendv_ps((__m256)pos, (__m256)neg, (__m256)u);
#else
  return pick(widen((MaskF)u), neg, pos);
#endif
}

// The sign bit set where a and b lie on different sides of 0 (other bits: noise).
ALWAYS_INLINE MaskF sides_differ(VecF a, VecF b)
{
  return (MaskF)a ^ (MaskF)b;
}

ALWAYS_INLINE VecF magnitude(VecF v)
{
  return (VecF)((MaskF)v & ~((MaskF){0} + INT32_MIN));
}

// |a| with the sign of b
ALWAYS_INLINE VecF with_sign(VecF a, VecF b)
{
  const MaskF sign = (MaskF){0} + INT32_MIN;
  return (VecF)(((MaskF)a & ~sign) | ((MaskF)b & sign));
}

// The sign bits of m, lane l in bit l.
ALWAYS_INLINE unsigned sign_bits(MaskF m)
{
#if VEC_WIDTH == 8 && defined(GS_LANES_HAVE_AVX2)
  return (unsigned)_mm256_movemask_ps((__m256)m);
#elif VEC_WIDTH == 4 && defined(__SSE__)
  return (unsigned)_mm_movemask_ps((__m128)m);
#else
  unsigned bits = 0;
  for (unsigned l = 0; l < VEC_WIDTH; ++l) {
    bits |= (m[l] < 0 ? 1u : 0u) << l;
  }
  return bits;
#endif
}

// Whether any bit of m is set.
ALWAYS_INLINE bool any_bit(MaskF m)
{
#if VEC_WIDTH == 8 && defined(GS_LANES_HAVE_AVX2)
  return !_mm256_testz_si256((__m256i)m, (__m256i)m);
#else
  int32_t acc = 0;
  for (unsigned l = 0; l < VEC_WIDTH; ++l) {
    acc |= m[l];
  }
  return acc != 0;
#endif
}

// Whether any lane of m has its sign bit set.
ALWAYS_INLINE bool any(MaskF m)
{
  return sign_bits(m) != 0;
}

// log x for finite x >= 1: x = 2^e (1 + f) with 1 + f in [sqrt(1/2), sqrt(2)),
// log(1 + f) = f - f^2/2 + f^3 q(f) with q by Chebyshev interpolation at 8
// points (relative error 2e-8; scripts/adaa2-coefs), and e log 2 in two
// parts (355/512, exact for any e here, and the rest).
ALWAYS_INLINE VecF log_ge1(VecF x)
{
  const MaskF bits = (MaskF)x;
  MaskF e = (bits >> 23) - 127;
  VecF m = (VecF)((bits & 0x7fffff) | 0x3f800000);
  const MaskF big = m > splat_f(1.41421356237309505);
  m = pick(big, m * splat_f(0.5), m);
  e = e - big;  // big is -1 where set
  const VecF f = m - splat_f(1.0);
  const VecF f2 = f * f, f4 = f2 * f2, ef = __builtin_convertvector(e, VecF);
  // q in Estrin's scheme (a short chain: the tilt waits on it)
  const VecF q01 = splat_f(-0.25000306422569795) * f + splat_f(0.33333330728190677);
  const VecF q23 = splat_f(-0.16641281463106393) * f + splat_f(0.2000104509416068);
  const VecF q45 = splat_f(-0.12998183763651529) * f + splat_f(0.14214495923947963);
  const VecF q67 = splat_f(-0.07902743772393441) * f + splat_f(0.12622319849228376);
  const VecF q = (q67 * f2 + q45) * f4 + (q23 * f2 + q01);
  return ((f2 * f * q + ef * splat_f(-2.12194440e-4)) - splat_f(0.5) * f2 + f) +
         ef * splat_f(0.693359375);
}

// The sign bit set where t = z^2 >= 1/4 (or is NaN): where |z| >= 1/2 and
// the series gives way to asinh. One integer subtraction: for t >= 0 the
// bit patterns order as the values.
ALWAYS_INLINE MaskF far(VecF t)
{
  return ((MaskF){0} + 0x3e7fffff) - (MaskF)t;
}

// The curve's constants, each side's in a pair that by_sign() picks from.
// The output's scale is folded into the ones that make output: the mean's
// k / 4 and the tilt's k^3 / 2.
typedef struct {
  VecF bias, offset;              // offset scale
  VecF scale;
  VecF squares_pos, squares_neg;  // k^2
  VecF quarter_pos, quarter_neg;  // scale k / 4
  VecF cubes_pos, cubes_neg;      // scale k^3 / 2
  VecF knee_pos, knee_neg;        // k
  VecF half_pos, half_neg;        // k / 2
  VecF inverse_pos, inverse_neg;  // 1 / k
} Curve;

ALWAYS_INLINE Curve curve_of(const GsShaper *s)
{
  const double kp = s->knee_pos, kn = s->knee_neg, scale = s->scale;
  Curve c;
  c.bias = splat_f(s->bias);
  c.offset = splat_f(s->offset * scale);
  c.scale = splat_f(scale);
  c.squares_pos = splat_f(kp * kp);
  c.squares_neg = splat_f(kn * kn);
  c.quarter_pos = splat_f(0.25 * kp * scale);
  c.quarter_neg = splat_f(0.25 * kn * scale);
  c.cubes_pos = splat_f(0.5 * kp * kp * kp * scale);
  c.cubes_neg = splat_f(0.5 * kn * kn * kn * scale);
  c.knee_pos = splat_f(kp);
  c.knee_neg = splat_f(kn);
  c.half_pos = splat_f(0.5 * kp);
  c.half_neg = splat_f(0.5 * kn);
  c.inverse_pos = splat_f(1.0 / kp);
  c.inverse_neg = splat_f(1.0 / kn);
  return c;
}

#define KNEE(u, c, name) by_sign((u), (c)->name##_pos, (c)->name##_neg)

// min(max(x, lo), hi), lane by lane, a NaN passed on.
ALWAYS_INLINE VecF clamp(VecF x, VecF lo, VecF hi)
{
#if VEC_WIDTH == 8 && defined(GS_LANES_HAVE_AVX2)
  // MINPS and MAXPS return their second operand where either is NaN.
  return (VecF)_mm256_max_ps((__m256)lo, _mm256_min_ps((__m256)hi, (__m256)x));
#elif VEC_WIDTH == 4 && defined(__SSE__)
  return (VecF)_mm_max_ps((__m128)lo, _mm_min_ps((__m128)hi, (__m128)x));
#else
  return pick(x > hi, hi, pick(x < lo, lo, x));
#endif
}

// Input to u: held within +-GS_TUBE_ADAA2_MAX (so the products divided by
// below stay finite; a NaN passes) and moved to the operating point.
ALWAYS_INLINE VecF to_u(VecF x, const Curve *c)
{
  const VecF hi = splat_f(GS_TUBE_ADAA2_MAX);
  return clamp(x, -hi, hi) + c->bias;
}

ALWAYS_INLINE VecF root(VecF u, const Curve *c)
{
  return roots_f(KNEE(u, c, squares) + u * u);
}

// The cubic halfband midpoint of u0 and u1 (before and after: their
// neighbours), 9/16 and 1/16 exact.
ALWAYS_INLINE VecF midpoint(VecF before, VecF u0, VecF u1, VecF after)
{
  return splat_f(0.5625) * (u0 + u1) - splat_f(0.0625) * (before + after);
}

// The root at the midpoint w with the knee of u1's side: the right one
// unless the path crosses 0, where crossed() takes its own.
ALWAYS_INLINE VecF mid_root(VecF w, VecF u1, const Curve *c)
{
  return roots_f(KNEE(u1, c, squares) + w * w);
}

// m = (u0 + u1) / (u1 r0 + u0 r1) as (r0 + r1) / (k^2 + u0 u1 + r0 r1): the
// same quotient (multiply through by r0 + r1 and use r^2 = k^2 + u^2), but
// a sum of positive terms that is at least k^2 on one side of 0 (and
// k0 k1 across it): no division by 0, no special case at u = 0.
ALWAYS_INLINE VecF slope(VecF u0, VecF u1, VecF r0, VecF r1, const Curve *c)
{
  return (r0 + r1) / ((KNEE(u1, c, squares) + u0 * u1) + r0 * r1);
}

// S / 2, scaled: S = (k / 2) ((w + u0) / (rw + r0) + (u1 + w) / (r1 + rw)),
// the means of the two halves of the refined path (each as for first
// order, shaper.c), over one denominator.
ALWAYS_INLINE VecF half_mean(VecF u0, VecF w, VecF u1, VecF r0, VecF rw, VecF r1, const Curve *c)
{
  const VecF p1 = rw + r0, p2 = r1 + rw;
  return KNEE(u1, c, quarter) * ((w + u0) / p1 + (u1 + w) / p2);
}

// chi(z) / z = p(t), t = z^2 < 1/4 (see the top of this file), in
// Estrin's scheme: a shorter chain of dependent operations than Horner's.
ALWAYS_INLINE VecF chi_poly(VecF t)
{
  const VecF t2 = t * t;
  const VecF lo = splat_f(0.074995826302391264) * t + splat_f(-0.16666664588074718);
  const VecF hi = splat_f(-0.014288508088872718) * t2 +
                  (splat_f(0.028783606219822369) * t + splat_f(-0.044506510993737655));
  return hi * t2 + lo;
}

// The tilt's factor (k^3 / 2) m^2, scaled.
ALWAYS_INLINE VecF tilt_weight(VecF u1, VecF m, const Curve *c)
{
  return KNEE(u1, c, cubes) * (m * m);
}

// T (scaled) = (k^3 / 2) m^2 chi(z) where |z| < 1/2 (elsewhere a value
// that far_tilt() replaces); weight from tilt_weight().
ALWAYS_INLINE VecF near_tilt(VecF weight, VecF z, VecF t)
{
  return weight * (z * chi_poly(t));
}

// asinh(z) - z for |z| >= 1/2 (below, lanes get a value nobody uses).
ALWAYS_INLINE VecF asinh_minus(VecF z, VecF t)
{
  const VecF a = log_ge1(magnitude(z) + roots_f(t + splat_f(1.0)));
  return with_sign(a, z) - z;
}

// T (scaled) where |z| >= 1/2, chi(z) from asinh.
ALWAYS_INLINE VecF far_tilt(VecF weight, VecF z, VecF t)
{
  return weight * (asinh_minus(z, t) / t);
}

// The mean of g over the piece [a, b] (roots ra, rb): k (a + b) / (ra + rb)
// where a and b lie on one side of 0 (as half_mean() has it); where they lie on
// different sides, (G1(b) - G1(a)) / (b - a) with G1(u) = k u^2 / (r + k),
// which cancels nothing since then |b - a| >= |a|, |b| (shaper.c, first
// order), over one common denominator.
ALWAYS_INLINE VecF piece_mean(VecF a, VecF ra, VecF b, VecF rb, const Curve *c)
{
  const VecF zero = splat_f(0.0), one = splat_f(1.0);
  const VecF ka = KNEE(a, c, knee), kb = KNEE(b, c, knee), ea = ra + ka, eb = rb + kb;
  const MaskF split = widen(sides_differ(a, b));
  const VecF num = pick(split, ka * a * a * eb - kb * b * b * ea, kb * (a + b));
  VecF den = pick(split, (a - b) * ea * eb, ra + rb);
  den = pick(den == zero, one, den);  // a - b flushed to 0: num is 0 too
  return num / den;
}

// chi(y) = (asinh y - y) / y^2 at both ends of a chord, y = u / k: the
// series below |y| = 1/2, else asinh |y| = log((|u| + r) / k), one division
// for both.
ALWAYS_INLINE void chi_ends(VecF c0, VecF r0, VecF e, VecF r1, const Curve *c, VecF *chi_c,
                            VecF *chi_e)
{
  const VecF one = splat_f(1.0);
  const VecF ic = KNEE(c0, c, inverse), ie = KNEE(e, c, inverse);
  const VecF yc = c0 * ic, ye = e * ie, tc = yc * yc, te = ye * ye;
  *chi_c = yc * chi_poly(tc);
  *chi_e = ye * chi_poly(te);
  const MaskF fc = widen(far(tc)), fe = widen(far(te));
  if (!any(fc | fe)) {
    return;
  }
  const VecF sc = pick(fc, tc, one), se = pick(fe, te, one);
  const VecF inv = one / (sc * se);
  const VecF ac = with_sign(log_ge1((magnitude(c0) + r0) * ic), c0) - yc;
  const VecF ae = with_sign(log_ge1((magnitude(e) + r1) * ie), e) - ye;
  *chi_c = pick(fc, ac * (se * inv), *chi_c);
  *chi_e = pick(fe, ae * (sc * inv), *chi_e);
}

// The tilt over [c0, e] where c0 and e lie on different sides of 0 (the top
// of this file), with s0 = c0 / (c0 - e) and v = u / (r + k) at each end,
// all over one denominator; scaled.
ALWAYS_INLINE VecF tilt_split(VecF c0, VecF r0, VecF e, VecF r1, const Curve *c)
{
  const VecF one = splat_f(1.0), half = splat_f(0.5);
  const VecF kc = KNEE(c0, c, knee), ke = KNEE(e, c, knee), ec = r0 + kc, ee = r1 + ke;
  VecF d = c0 - e;
  d = pick(magnitude(d) < splat_f(0x1p-60), one, d);  // both about 0: then T is too
  const VecF inv = one / (d * ec * ee);
  const VecF s0 = c0 * (ec * ee * inv), s1 = one - s0;
  const VecF vc = c0 * (d * ee * inv), ve = e * (d * ec * inv);
  const VecF mean = s0 * kc * vc + s1 * ke * ve;
  VecF chi_c, chi_e;
  chi_ends(c0, r0, e, r1, c, &chi_c, &chi_e);
  const VecF qc = KNEE(c0, c, half) * (vc - chi_c);
  const VecF qe = KNEE(e, c, half) * (ve - chi_e);
  return ((half - s0) * mean + s0 * s0 * qc - s1 * s1 * qe) * c->scale;
}

// The sign bit set where the refined path crosses 0.
ALWAYS_INLINE MaskF crossing(VecF u0, VecF w, VecF u1)
{
  return sides_differ(u0, w) | sides_differ(w, u1);
}

// An interval whose path crosses 0 (about twice a period): the mean in
// pieces split there, and where the chord crosses, the tilt split there
// (elsewhere tilt is kept: the chord stays on one side).
ALWAYS_INLINE void crossed(VecF u0, VecF w, VecF u1, VecF r0, VecF r1, const Curve *c,
                           VecF *half, VecF *tilt)
{
  const VecF rw = root(w, c);
  const VecF halves = piece_mean(u0, r0, w, rw, c) + piece_mean(w, rw, u1, r1, c);
  *half = (splat_f(0.25) * c->scale) * halves;
  const MaskF chord = widen(sides_differ(u0, u1));
  if (any(chord)) {
    *tilt = pick(chord, tilt_split(u0, r0, u1, r1, c), *tilt);
  }
}

// One interval, all stages (the 8-channel kernel). The mono kernel runs the
// same functions on the same values, lane by lane: half_mean() and
// near_tilt() everywhere, far_tilt() where |z| >= 1/2 and the chord stays on
// one side of 0, crossed() where the path crosses it.
ALWAYS_INLINE void interval(VecF before, VecF u0, VecF u1, VecF after, VecF r0, VecF r1,
                            const Curve *c, VecF *half, VecF *tilt)
{
  const VecF w = midpoint(before, u0, u1, after), m = slope(u0, u1, r0, r1, c);
  const VecF z = (u1 - u0) * m, t = z * z, weight = tilt_weight(u1, m, c);
  *half = half_mean(u0, w, u1, r0, mid_root(w, u1, c), r1, c);
  *tilt = near_tilt(weight, z, t);
  const MaskF cross = crossing(u0, w, u1), far_only = far(t) & ~sides_differ(u0, u1);
  if (any(far_only)) {
    *tilt = pick(widen(far_only), far_tilt(weight, z, t), *tilt);
  }
  if (any(cross)) {
    VecF h = *half, tc = *tilt;
    crossed(u0, w, u1, r0, r1, c, &h, &tc);
    const MaskF wide = widen(cross);
    *half = pick(wide, h, *half);
    *tilt = pick(wide, tc, *tilt);
  }
}

// The output from the falling half (S / 2 + T) of one interval and the
// rising half (S / 2 - T) of the one before, in the curve's units.
ALWAYS_INLINE VecF output(VecF half1, VecF tilt1, VecF half0, VecF tilt0, const Curve *c)
{
  return ((half1 + tilt1) + (half0 - tilt0)) - c->offset;
}

// VEC_WIDTH values from base[index[l]].
ALWAYS_INLINE VecF gather(const float *base, const int32_t *index)
{
  float v[VEC_WIDTH];
  for (unsigned l = 0; l < VEC_WIDTH; ++l) {
    v[l] = base[index[l]];
  }
  return load_f(v);
}

ALWAYS_INLINE void scatter(float *base, const int32_t *index, VecF v)
{
  for (unsigned l = 0; l < VEC_WIDTH; ++l) {
    base[index[l]] = v[l];
  }
}

// The positions of the set bits of a 4-bit mask, lowest first, one a byte.
static const uint32_t nibble_bits[16] = {
  0,      0x00,     0x01,     0x0100,   0x02,     0x0200,   0x0201,   0x020100,
  0x03,   0x0300,   0x0301,   0x030100, 0x0302,   0x030200, 0x030201, 0x03020100,
};

// Appends j + l for each bit l of bits, without a branch (it writes
// VEC_WIDTH entries, the ones past the new length to be overwritten or
// ignored); the new length.
ALWAYS_INLINE uint32_t append(int32_t *list, uint32_t n, uint32_t j, unsigned bits)
{
  uint64_t at = nibble_bits[bits & 15u];
#if VEC_WIDTH == 8
  const uint64_t high = nibble_bits[bits >> 4] + 0x04040404u;
  at |= high << (8 * __builtin_popcount(bits & 15u));
#endif
#if VEC_WIDTH == 8 && defined(GS_LANES_HAVE_AVX2)
  const __m256i lanes = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128((long long)at));
  _mm256_storeu_si256((__m256i *)(list + n), _mm256_add_epi32(lanes, _mm256_set1_epi32((int)j)));
#elif VEC_WIDTH == 4 && defined(__SSE2__)
  const __m128i zero = _mm_setzero_si128();
  const __m128i bytes = _mm_cvtsi32_si128((int)at);
  const __m128i lanes = _mm_unpacklo_epi16(_mm_unpacklo_epi8(bytes, zero), zero);
  _mm_storeu_si128((__m128i *)(list + n), _mm_add_epi32(lanes, _mm_set1_epi32((int)j)));
#else
  for (unsigned l = 0; l < VEC_WIDTH; ++l) {
    list[n + l] = (int32_t)(j + ((at >> (8 * l)) & 0xffu));
  }
#endif
  return n + (uint32_t)__builtin_popcount(bits);
}

// Pads a list to whole vectors with repeats of its last entry (the same
// values written twice).
ALWAYS_INLINE void pad(int32_t *list, uint32_t n)
{
  for (uint32_t k = n; k % VEC_WIDTH; ++k) {
    list[k] = list[n - 1];
  }
}

#define TUBE_CHUNK 512

#define TUBE_N (TUBE_CHUNK + 4 + 2 * VEC_WIDTH)

// The mono kernel's arrays for one chunk (on the stack of TUBE_MONO_FN).
// Lanes hold consecutive intervals. u[p] is input p - 4 (the first four from
// the history); interval j runs from u[j + 1] to u[j + 2] with its midpoint
// from u[j .. j + 3], and output i, centred on u[i + 2], takes the falling
// half of interval i + 1 and the rising half of interval i. Interval 0 lies
// wholly in the history: recomputing it each call keeps the state to the
// last four inputs. The stages run as passes over the chunk, each a short
// chain of dependent operations that the CPU overlaps from one vector to the
// next (one pass for all would wait on its divisions and roots).
typedef struct {
  _Alignas(64) float u[TUBE_N];
  _Alignas(64) float r[TUBE_N];
  _Alignas(64) float w[TUBE_N];
  _Alignas(64) float rw[TUBE_N];
  _Alignas(64) float weight[TUBE_N];
  _Alignas(64) float z[TUBE_N];
  _Alignas(64) float half[TUBE_N];
  _Alignas(64) float tilt[TUBE_N];
  int32_t far_list[TUBE_N + VEC_WIDTH], cross_list[TUBE_N + VEC_WIDTH];
} Work;

// Outputs i .. i + VEC_WIDTH - 1 from a chunk's arrays.
ALWAYS_INLINE VecF outputs_at(const Work *k, size_t i, const Curve *c)
{
  return output(load_f(k->half + i + 1), load_f(k->tilt + i + 1), load_f(k->half + i),
                load_f(k->tilt + i), c);
}

// The last m % VEC_WIDTH outputs of a chunk of m.
ALWAYS_INLINE void outputs_tail(const Work *k, const Curve *c, float *out, uint32_t m)
{
  const uint32_t i = m / VEC_WIDTH * VEC_WIDTH;
  if (i < m) {
    float part[VEC_WIDTH];
    store_f(part, outputs_at(k, i, c));
    memcpy(out + i, part, (m - i) * sizeof(float));
  }
}

// u and r of a chunk of m inputs; past the input a constant tail (finite,
// and no rare branch). In the same loop, the outputs of the chunk before
// (m_before of them into out_before; none if 0) from the arrays it left:
// the roots here wait on the square-root unit, those outputs on nothing of
// it. Returns whether the history and the input all hold one value (digital
// silence, DC).
static bool points_of(GsShaper *s, const Curve *c, Work *k, const float *in, uint32_t m,
                      float *out_before, uint32_t m_before) GS_REALTIME
{
  const uint32_t padded = (m + 1 + VEC_WIDTH - 1) / VEC_WIDTH * VEC_WIDTH;
  const uint32_t points = (padded + 3 + VEC_WIDTH - 1) / VEC_WIDTH * VEC_WIDTH;
  const uint32_t outputs = m_before / VEC_WIDTH * VEC_WIDTH;
  const float last = m ? in[m - 1] : s->hist[3];
  const MaskF first = (MaskF)splat_f(s->hist[0]);
  MaskF varies = {0};
  for (size_t p = 0; p < points || p < outputs; p += VEC_WIDTH) {
    if (p < outputs) {
      store_f(out_before + p, outputs_at(k, p, c));
    }
    if (p < points) {
      VecF x;
      if (p >= 4 && p + VEC_WIDTH <= m + 4) {
        x = load_f(in + p - 4);
      } else {
        for (unsigned l = 0; l < VEC_WIDTH; ++l) {
          const size_t q = p + l;
          x[l] = q < 4 ? s->hist[q] : q < m + 4 ? in[q - 4] : last;
        }
      }
      varies |= (MaskF)x ^ first;
      const VecF ux = to_u(x, c);
      store_f(k->u + p, ux);
      store_f(k->r + p, root(ux, c));
    }
  }
  if (m_before) {
    outputs_tail(k, c, out_before, m_before);
  }
  // The history, the last four raw inputs, before out (which may be in) is written.
  float hist[4];
  for (uint32_t p = 0; p < 4; ++p) {
    hist[p] = m + p < 4 ? s->hist[m + p] : in[m + p - 4];
  }
  memcpy(s->hist, hist, sizeof(hist));
  return !any_bit(varies);
}

// A chunk of m constant inputs (points_of() says so): every interval the
// same, one gives every output.
static void constant_outputs(const Work *k, const Curve *c, float *out, uint32_t m) GS_REALTIME
{
  const VecF u0 = load_f(k->u), r0 = load_f(k->r);  // every lane the same
  VecF h, t;
  interval(u0, u0, u0, u0, r0, r0, c, &h, &t);
  const VecF y = output(h, t, h, t, c);
  uint32_t i = 0;
  for (; i + VEC_WIDTH <= m; i += VEC_WIDTH) {
    store_f(out + i, y);
  }
  float part[VEC_WIDTH];
  store_f(part, y);
  memcpy(out + i, part, (m - i) * sizeof(float));
}

// The means and tilts of a chunk of m inputs from its u and r, all branches.
static void intervals_of(Work *work, const Curve *c, uint32_t m) GS_REALTIME
{
  float *const u = work->u, *const r = work->r, *const w = work->w, *const rw = work->rw;
  float *const weight = work->weight, *const z = work->z, *const half = work->half;
  float *const tilt = work->tilt;
  int32_t *const far_list = work->far_list, *const cross_list = work->cross_list;
  uint32_t n_far = 0, n_cross = 0;
  const uint32_t padded = (m + 1 + VEC_WIDTH - 1) / VEC_WIDTH * VEC_WIDTH;
  // The midpoints and their roots, the chords' slopes as z and the tilt's weight.
  for (uint32_t j = 0; j < padded; j += VEC_WIDTH) {
    const VecF u0 = load_f(u + j + 1), u1 = load_f(u + j + 2);
    const VecF wj = midpoint(load_f(u + j), u0, u1, load_f(u + j + 3));
    const VecF mj = slope(u0, u1, load_f(r + j + 1), load_f(r + j + 2), c);
    store_f(w + j, wj);
    store_f(rw + j, mid_root(wj, u1, c));
    store_f(weight + j, tilt_weight(u1, mj, c));
    store_f(z + j, (u1 - u0) * mj);
  }
  // The means and tilts by the common stages, and the vectors where some
  // lane needs more.
  uint16_t flagged[TUBE_N / VEC_WIDTH];
  uint32_t n_flagged = 0;
  for (uint32_t j = 0; j < padded; j += VEC_WIDTH) {
    const VecF u0 = load_f(u + j + 1), u1 = load_f(u + j + 2), wj = load_f(w + j);
    const VecF zj = load_f(z + j), tj = zj * zj;
    store_f(half + j,
            half_mean(u0, wj, u1, load_f(r + j + 1), load_f(rw + j), load_f(r + j + 2), c));
    store_f(tilt + j, near_tilt(load_f(weight + j), zj, tj));
    flagged[n_flagged] = (uint16_t)j;
    n_flagged += any(far(tj) | crossing(u0, wj, u1));
  }
  // Their lanes onto lists: where |z| >= 1/2 and the chord stays on one side
  // of 0, and where the path crosses 0.
  for (uint32_t f = 0; f < n_flagged; ++f) {
    const uint32_t j = flagged[f];
    const VecF u0 = load_f(u + j + 1), u1 = load_f(u + j + 2), zj = load_f(z + j);
    n_far = append(far_list, n_far, j, sign_bits(far(zj * zj) & ~sides_differ(u0, u1)));
    n_cross = append(cross_list, n_cross, j, sign_bits(crossing(u0, load_f(w + j), u1)));
  }
  // Each list VEC_WIDTH at a time.
  if (n_far) {
    pad(far_list, n_far);
  }
  for (uint32_t k = 0; k < n_far; k += VEC_WIDTH) {
    const int32_t *idx = far_list + k;
    const VecF zk = gather(z, idx);
    scatter(tilt, idx, far_tilt(gather(weight, idx), zk, zk * zk));
  }
  if (n_cross) {
    pad(cross_list, n_cross);
  }
  for (uint32_t k = 0; k < n_cross; k += VEC_WIDTH) {
    const int32_t *idx = cross_list + k;
    VecF hk, tk = gather(tilt, idx);
    crossed(gather(u + 1, idx), gather(w, idx), gather(u + 2, idx), gather(r + 1, idx),
            gather(r + 2, idx), c, &hk, &tk);
    scatter(half, idx, hk);
    scatter(tilt, idx, tk);
  }
}

// Chunk by chunk; each chunk's outputs are written while the next takes its
// points (the last one's after the loop).
void TUBE_MONO_FN(GsShaper *s, const float *in, float *out, uint32_t n)
{
  const Curve c = curve_of(s);
  Work k;
  float *pending = NULL;  // a chunk's outputs, written with the next one's points
  uint32_t m_pending = 0;
  for (uint32_t done = 0; done < n;) {
    const uint32_t m = n - done < TUBE_CHUNK ? n - done : TUBE_CHUNK;
    if (points_of(s, &c, &k, in + done, m, pending, m_pending)) {
      constant_outputs(&k, &c, out + done, m);
      m_pending = 0;
    } else {
      intervals_of(&k, &c, m);
      pending = out + done;
      m_pending = m;
    }
    done += m;
  }
  for (size_t i = 0; i + VEC_WIDTH <= m_pending; i += VEC_WIDTH) {
    store_f(pending + i, outputs_at(&k, i, &c));
  }
  if (m_pending) {
    outputs_tail(&k, &c, pending, m_pending);
  }
}

// Lanes hold channels; the same stages, frame by frame.
void TUBE_LANES_FN(GsShaper8 *s, const float *in, float *out, uint32_t n)
{
  const Curve c = curve_of(&s->curve);
  for (unsigned g = 0; g < GS_LANES; g += VEC_WIDTH) {
    VecF x0 = load_f(s->hist[0] + g), x1 = load_f(s->hist[1] + g);
    VecF x2 = load_f(s->hist[2] + g), x3 = load_f(s->hist[3] + g);
    const VecF h0 = to_u(x0, &c);
    VecF h1 = to_u(x1, &c), h2 = to_u(x2, &c), h3 = to_u(x3, &c);
    VecF r2 = root(h2, &c), r3 = root(h3, &c);
    VecF half0, tilt0;
    interval(h0, h1, h2, h3, root(h1, &c), r2, &c, &half0, &tilt0);
    for (uint32_t t = 0; t < n; ++t) {
      const VecF x = load_f(in + GS_LANES * t + g);
      const VecF u = to_u(x, &c);
      VecF half1, tilt1;
      interval(h1, h2, h3, u, r2, r3, &c, &half1, &tilt1);
      store_f(out + GS_LANES * t + g, output(half1, tilt1, half0, tilt0, &c));
      half0 = half1;
      tilt0 = tilt1;
      h1 = h2;
      h2 = h3;
      h3 = u;
      r2 = r3;
      r3 = root(u, &c);
      x0 = x1;  // the raw inputs, as the mono kernel keeps them
      x1 = x2;
      x2 = x3;
      x3 = x;
    }
    store_f(s->hist[0] + g, x0);
    store_f(s->hist[1] + g, x1);
    store_f(s->hist[2] + g, x2);
    store_f(s->hist[3] + g, x3);
  }
}

#endif  // GS_DSP_TUBE_ADAA2_IMPL_H
