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
// from T = P - D/2, P = (G2(e) - G2(c) - h G1(c)) / h^2 the falling half,
// G2(e) - G2(c) - h G1(c) = (k/2) (h (r1 - r0) + k^2 (asinh z - z)),
// asinh(e/k) - asinh(c/k) = asinh((e r0 - c r1) / k^2) = asinh(z) and
// e r0 - c r1 = k^2 h (c + e) / (e r0 + c r1). Every factor is a sum of
// like-signed terms; only chi needs care. Below |z| = 1/2 it is z p(z^2),
// p by Chebyshev interpolation of (asinh sqrt(t) - sqrt(t)) / t^(3/2) at 5
// points of [0, 1/4] (relative error 1.2e-7; scripts/adaa2-coefs prints
// them); above, T = (k^3 / 2) (asinh z - z) / h^2 with
// asinh z = log(|z| + sqrt(z^2 + 1)) and a float log good to 2e-8: T good
// to 3e-6 of itself at |z| = 1/2, better beyond, and |T| <= 0.07 k.
// A piece that crosses 0 (a knee each side) splits there, at s0 = c / (c - e):
//   D = s0 M(c) + (1 - s0) M(e),  M(u) = k u / (r + k) the mean over [0, u],
//   T = (1/2 - s0) D + s0^2 Q(c) - (1 - s0)^2 Q(e),
//   Q(u) = int_0^1 s g(s u) ds = (k/2) (u / (r + k) - chi(u / k)).
// No branch trades accuracy for conditioning (the literature's fallbacks
// take the curve at a midpoint below some epsilon): both sides of the switch
// at |z| = 1/2 give chi to float rounding. The rare branches (a crossing, a
// large z) run only where some lane needs them.

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

ALWAYS_INLINE bool any(MaskF m)
{
#if VEC_WIDTH == 8 && defined(GS_LANES_HAVE_AVX2)
  return _mm256_movemask_ps((__m256)m) != 0;
#elif VEC_WIDTH == 4 && defined(__SSE__)
  return _mm_movemask_ps((__m128)m) != 0;
#else
  int32_t acc = 0;
  for (unsigned l = 0; l < VEC_WIDTH; ++l) {
    acc |= m[l];
  }
  return acc != 0;
#endif
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
  VecF q = splat_f(-0.07902743772393441);
  q = q * f + splat_f(0.12622319849228376);
  q = q * f + splat_f(-0.12998183763651529);
  q = q * f + splat_f(0.14214495923947963);
  q = q * f + splat_f(-0.16641281463106393);
  q = q * f + splat_f(0.2000104509416068);
  q = q * f + splat_f(-0.25000306422569795);
  q = q * f + splat_f(0.33333330728190677);
  const VecF f2 = f * f, ef = __builtin_convertvector(e, VecF);
  return ((f2 * f * q + ef * splat_f(-2.12194440e-4)) - splat_f(0.5) * f2 + f) +
         ef * splat_f(0.693359375);
}

// chi(z) / z = p(z^2) for |z| < 1/2 (see the top of this file).
ALWAYS_INLINE VecF chi_poly(VecF t)
{
  VecF p = splat_f(-0.014288508088872718);
  p = p * t + splat_f(0.028783606219822369);
  p = p * t + splat_f(-0.044506510993737655);
  p = p * t + splat_f(0.074995826302391264);
  return p * t + splat_f(-0.16666664588074718);
}

// asinh(z) - z for |z| >= 1/2 (below, lanes get a value nobody uses).
ALWAYS_INLINE VecF asinh_minus(VecF z, VecF t)
{
  const VecF a = log_ge1(magnitude(z) + roots_f(t + splat_f(1.0)));
  return with_sign(a, z) - z;
}

// chi(y) = (asinh y - y) / y^2 for any y.
ALWAYS_INLINE VecF chi(VecF y)
{
  const VecF t = y * y;
  const MaskF near = magnitude(y) < splat_f(0.5);
  const VecF small = y * chi_poly(t);
  if (!any(~near)) {
    return small;
  }
  const VecF safe = pick(near, splat_f(1.0), t);
  return pick(near, small, asinh_minus(y, t) / safe);
}

typedef struct {
  float bias, knee_pos, knee_neg;
  float half_pos, half_neg;    // k / 2 each side
  float inverse_pos, inverse_neg;  // 1 / k each side
  float cubes_pos, cubes_neg;  // k^3 / 2 each side
  float offset, scale;
} Curve;

ALWAYS_INLINE Curve curve_of(const GsShaper *s)
{
  const double kp = s->knee_pos, kn = s->knee_neg;
  Curve c;
  c.bias = (float)s->bias;
  c.knee_pos = (float)kp;
  c.knee_neg = (float)kn;
  c.half_pos = (float)(0.5 * kp);
  c.half_neg = (float)(0.5 * kn);
  c.inverse_pos = (float)(1.0 / kp);
  c.inverse_neg = (float)(1.0 / kn);
  c.cubes_pos = (float)(0.5 * kp * kp * kp);
  c.cubes_neg = (float)(0.5 * kn * kn * kn);
  c.offset = (float)s->offset;
  c.scale = (float)s->scale;
  return c;
}

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
  return clamp(x, -hi, hi) + splat_f(c->bias);
}

ALWAYS_INLINE VecF knee(VecF u, const Curve *c)
{
  return pick(u >= splat_f(0.0), splat_f(c->knee_pos), splat_f(c->knee_neg));
}

ALWAYS_INLINE VecF half_knee(VecF u, const Curve *c)
{
  return pick(u >= splat_f(0.0), splat_f(c->half_pos), splat_f(c->half_neg));
}

ALWAYS_INLINE VecF inverse_knee(VecF u, const Curve *c)
{
  return pick(u >= splat_f(0.0), splat_f(c->inverse_pos), splat_f(c->inverse_neg));
}

ALWAYS_INLINE VecF half_cube(VecF u, const Curve *c)
{
  return pick(u >= splat_f(0.0), splat_f(c->cubes_pos), splat_f(c->cubes_neg));
}

ALWAYS_INLINE VecF root(VecF u, const Curve *c)
{
  const VecF k = knee(u, c);
  return roots_f(k * k + u * u);
}

ALWAYS_INLINE VecF midpoint(VecF before, VecF u0, VecF u1, VecF after)
{
  return (splat_f(9.0) * (u0 + u1) - (before + after)) * splat_f(0.0625);
}

// The mean of g over the piece [a, b] (roots ra, rb): k (a + b) / (ra + rb)
// where a and b lie on one side of 0 (as core() has it); where they lie on
// different sides, (G1(b) - G1(a)) / (b - a) with G1(u) = k u^2 / (r + k),
// which cancels nothing since then |b - a| >= |a|, |b| (shaper.c, first
// order), over one common denominator.
ALWAYS_INLINE VecF piece_mean(VecF a, VecF ra, VecF b, VecF rb, const Curve *c)
{
  const VecF zero = splat_f(0.0), one = splat_f(1.0);
  const VecF ka = knee(a, c), kb = knee(b, c), ea = ra + ka, eb = rb + kb;
  const MaskF split = (a >= zero) ^ (b >= zero);
  const VecF num = pick(split, ka * a * a * eb - kb * b * b * ea, kb * (a + b));
  VecF den = pick(split, (a - b) * ea * eb, ra + rb);
  den = pick(den == zero, one, den);  // a - b flushed to 0: num is 0 too
  return num / den;
}

// The tilt over [c0, e] where c0 and e lie on different sides of 0 (the top
// of this file), with s0 = c0 / (c0 - e) and v = u / (r + k) at each end,
// all over one denominator.
ALWAYS_INLINE VecF tilt_split(VecF c0, VecF r0, VecF e, VecF r1, const Curve *c)
{
  const VecF one = splat_f(1.0), half = splat_f(0.5);
  const VecF kc = knee(c0, c), ke = knee(e, c), ec = r0 + kc, ee = r1 + ke;
  VecF d = c0 - e;
  d = pick(magnitude(d) < splat_f(0x1p-60), one, d);  // both about 0: then T is too
  const VecF inv = one / (d * ec * ee);
  const VecF s0 = c0 * (ec * ee * inv), s1 = one - s0;
  const VecF vc = c0 * (d * ee * inv), ve = e * (d * ec * inv);
  const VecF mean = s0 * kc * vc + s1 * ke * ve;
  const VecF qc = half_knee(c0, c) * (vc - chi(c0 * inverse_knee(c0, c)));
  const VecF qe = half_knee(e, c) * (ve - chi(e * inverse_knee(e, c)));
  return (half - s0) * mean + s0 * s0 * qc - s1 * s1 * qe;
}

// The stages of one interval, from u0 to u1 through its midpoint w (roots
// r0, rw, r1). Both kernels below run the same stages on the same values,
// the mono one as passes over a chunk (short dependency chains that the CPU
// overlaps), the 8-channel one frame by frame.
typedef struct {
  VecF mean;   // S: the mean of g along the refined path
  VecF m;      // (u0 + u1) / (u1 r0 + u0 r1)
  VecF z;      // h m
  VecF inv_h;  // 1 / h where |h| >= 1/64 (where |z| >= 1/2 may need it)
} Core;

ALWAYS_INLINE Core core(VecF u0, VecF w, VecF u1, VecF r0, VecF rw, VecF r1, const Curve *c)
{
  const VecF one = splat_f(1.0);
  const VecF p1 = rw + r0, p2 = r1 + rw;
  const VecF h = u1 - u0;
  VecF den = u1 * r0 + u0 * r1;
  // Both within 2^-60 of 0: then S needs no den (it cancels), and m and T are
  // about 0 where they should be 1 / k and -h / 12, h tiny.
  den = pick(magnitude(den) < splat_f(0x1p-60), one, den);
  // 1 / h is wanted only where |z| >= 1/2, so where |h| >= k / 2 >= 1/8.
  const VecF hs = pick(magnitude(h) >= splat_f(0.015625), h, one);
  const VecF p12 = p1 * p2;
  const VecF q = one / (p12 * den * hs);  // one division for S, m and 1 / h
  Core o;
  o.mean = half_knee(u1, c) * ((w + u0) * p2 + (u1 + w) * p1) * (den * hs * q);
  o.m = (u0 + u1) * (p12 * hs * q);
  o.z = h * o.m;
  o.inv_h = p12 * den * q;
  return o;
}

// T where |z| < 1/2 (elsewhere a value that far_tilt() replaces).
ALWAYS_INLINE VecF near_tilt(VecF u1, VecF m, VecF z, const Curve *c)
{
  return half_cube(u1, c) * m * m * z * chi_poly(z * z);
}

ALWAYS_INLINE MaskF far(VecF z)
{
  return magnitude(z) >= splat_f(0.5);
}

// T where |z| >= 1/2, kept from near elsewhere.
ALWAYS_INLINE VecF far_tilt(VecF near, VecF u1, VecF z, VecF inv_h, const Curve *c)
{
  return pick(far(z), half_cube(u1, c) * asinh_minus(z, z * z) * (inv_h * inv_h), near);
}

ALWAYS_INLINE MaskF crossing(VecF u0, VecF w, VecF u1)
{
  const VecF zero = splat_f(0.0);
  return ((u0 >= zero) ^ (w >= zero)) | ((w >= zero) ^ (u1 >= zero));
}

// Where a piece crosses 0 (rare: about twice a period), S and T split there.
ALWAYS_INLINE void cross(VecF u0, VecF w, VecF u1, VecF r0, VecF rw, VecF r1, const Curve *c,
                         VecF *mean, VecF *tilt)
{
  const VecF zero = splat_f(0.0);
  const VecF halves = piece_mean(u0, r0, w, rw, c) + piece_mean(w, rw, u1, r1, c);
  *mean = pick(crossing(u0, w, u1), splat_f(0.5) * halves, *mean);
  const MaskF chord = (u0 >= zero) ^ (u1 >= zero);
  if (any(chord)) {
    *tilt = pick(chord, tilt_split(u0, r0, u1, r1, c), *tilt);
  }
}

// S / 2 + T: the kernel's falling half on an interval that starts at its centre.
ALWAYS_INLINE VecF falling_half(VecF mean, VecF tilt)
{
  return splat_f(0.5) * mean + tilt;
}

// S / 2 - T: its rising half, on an interval that ends at its centre.
ALWAYS_INLINE VecF rising_half(VecF mean, VecF tilt)
{
  return splat_f(0.5) * mean - tilt;
}

// The output from the falling half of one interval and the rising half of
// the one before, in the curve's units.
ALWAYS_INLINE VecF output(VecF falling, VecF rising, const Curve *c)
{
  return (falling + rising - splat_f(c->offset)) * splat_f(c->scale);
}

// One interval, all stages (the 8-channel kernel).
ALWAYS_INLINE void interval(VecF u0, VecF w, VecF u1, VecF r0, VecF rw, VecF r1, const Curve *c,
                            VecF *falling, VecF *rising)
{
  const Core o = core(u0, w, u1, r0, rw, r1, c);
  VecF mean = o.mean, tilt = near_tilt(u1, o.m, o.z, c);
  if (any(far(o.z))) {
    tilt = far_tilt(tilt, u1, o.z, o.inv_h, c);
  }
  if (any(crossing(u0, w, u1))) {
    cross(u0, w, u1, r0, rw, r1, c, &mean, &tilt);
  }
  *falling = falling_half(mean, tilt);
  *rising = rising_half(mean, tilt);
}

#define TUBE_CHUNK 256

// Lanes hold consecutive intervals. u[p] is input p - 4 (the first four from
// the history); interval j runs from u[j + 1] to u[j + 2] with its midpoint
// from u[j .. j + 3], and output i, centred on u[i + 2], takes the falling
// half of interval i + 1 and the rising half of interval i. Interval 0 lies
// wholly in the history: recomputing it each call keeps the state to the
// last four inputs.
static void mono_chunk(GsShaper *s, const Curve *c, const float *in, float *out, uint32_t m)
  GS_REALTIME
{
  enum { N = TUBE_CHUNK + 4 + 2 * VEC_WIDTH };
  float u[N], r[N], w[N], rw[N], mean[N], tilt[N], z[N], inv_h[N];
  uint16_t rare[N];  // the intervals the rare branches must finish
  uint32_t n_rare = 0;
  const uint32_t intervals = m + 1;
  const uint32_t padded = (intervals + VEC_WIDTH - 1) / VEC_WIDTH * VEC_WIDTH;
  const uint32_t points = (padded + 3 + VEC_WIDTH - 1) / VEC_WIDTH * VEC_WIDTH;
  for (unsigned p = 0; p < 4; ++p) {
    u[p] = s->hist[p];
  }
  memcpy(u + 4, in, m * sizeof(float));
  for (uint32_t p = m + 4; p < points; ++p) {
    u[p] = u[m + 3];  // a constant tail: finite, and no rare branch
  }
  // The history, the last four raw inputs, before out (which may be in) is written.
  memcpy(s->hist, u + m, sizeof(s->hist));
  for (uint32_t p = 0; p < points; p += VEC_WIDTH) {
    const VecF x = to_u(load_f(u + p), c);
    store_f(u + p, x);
    store_f(r + p, root(x, c));
  }
  for (uint32_t j = 0; j < padded; j += VEC_WIDTH) {
    const VecF mid = midpoint(load_f(u + j), load_f(u + j + 1), load_f(u + j + 2),
                              load_f(u + j + 3));
    store_f(w + j, mid);
    store_f(rw + j, root(mid, c));
  }
  for (uint32_t j = 0; j < padded; j += VEC_WIDTH) {
    const Core o = core(load_f(u + j + 1), load_f(w + j), load_f(u + j + 2), load_f(r + j + 1),
                        load_f(rw + j), load_f(r + j + 2), c);
    store_f(mean + j, o.mean);
    store_f(tilt + j, o.m);  // for the next pass
    store_f(z + j, o.z);
    store_f(inv_h + j, o.inv_h);
  }
  for (uint32_t j = 0; j < padded; j += VEC_WIDTH) {
    const VecF u0 = load_f(u + j + 1), wj = load_f(w + j), u1 = load_f(u + j + 2);
    const VecF zj = load_f(z + j);
    store_f(tilt + j, near_tilt(u1, load_f(tilt + j), zj, c));
    const MaskF flag = far(zj) | crossing(u0, wj, u1);
    if (any(flag)) {
      for (unsigned l = 0; l < VEC_WIDTH; ++l) {
        if (flag[l]) {
          rare[n_rare++] = (uint16_t)(j + l);
        }
      }
    }
  }
  // The rare intervals, gathered VEC_WIDTH at a time (about two a period:
  // one vector a chunk at low frequencies instead of one for each).
  for (uint32_t k = n_rare; k % VEC_WIDTH; ++k) {
    rare[k] = rare[n_rare - 1];  // repeats: the same values written twice
  }
  for (uint32_t k = 0; k < n_rare; k += VEC_WIDTH) {
    VecF u0, wj, u1, r0, rwj, r1, zj, ih, mj, tj;
    for (unsigned l = 0; l < VEC_WIDTH; ++l) {
      const uint32_t j = rare[k + l];
      u0[l] = u[j + 1];
      wj[l] = w[j];
      u1[l] = u[j + 2];
      r0[l] = r[j + 1];
      rwj[l] = rw[j];
      r1[l] = r[j + 2];
      zj[l] = z[j];
      ih[l] = inv_h[j];
      mj[l] = mean[j];
      tj[l] = tilt[j];
    }
    if (any(far(zj))) {
      tj = far_tilt(tj, u1, zj, ih, c);
    }
    if (any(crossing(u0, wj, u1))) {
      cross(u0, wj, u1, r0, rwj, r1, c, &mj, &tj);
    }
    for (unsigned l = 0; l < VEC_WIDTH; ++l) {
      mean[rare[k + l]] = mj[l];
      tilt[rare[k + l]] = tj[l];
    }
  }
  for (uint32_t i = 0; i < m; i += VEC_WIDTH) {
    const VecF falling = falling_half(load_f(mean + i + 1), load_f(tilt + i + 1));
    store_f(w + i, output(falling, rising_half(load_f(mean + i), load_f(tilt + i)), c));
  }
  memcpy(out, w, m * sizeof(float));
}

void TUBE_MONO_FN(GsShaper *s, const float *in, float *out, uint32_t n)
{
  const Curve c = curve_of(s);
  for (uint32_t done = 0; done < n;) {
    const uint32_t m = n - done < TUBE_CHUNK ? n - done : TUBE_CHUNK;
    mono_chunk(s, &c, in + done, out + done, m);
    done += m;
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
    const VecF w0 = midpoint(h0, h1, h2, h3);
    VecF falling, rising;
    interval(h1, w0, h2, root(h1, &c), root(w0, &c), r2, &c, &falling, &rising);
    for (uint32_t t = 0; t < n; ++t) {
      const VecF x = load_f(in + GS_LANES * t + g);
      const VecF u = to_u(x, &c), w = midpoint(h1, h2, h3, u);
      VecF rising_next;
      interval(h2, w, h3, r2, root(w, &c), r3, &c, &falling, &rising_next);
      store_f(out + GS_LANES * t + g, output(falling, rising, &c));
      rising = rising_next;
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
