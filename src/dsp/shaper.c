// SPDX-License-Identifier: ISC
// Waveshaping curves, their antiderivatives, and first-order ADAA (second order: tube_adaa2-impl.h).
//
// First-order antiderivative anti-aliasing replaces y[n] = f(x[n]) by the
// mean of f over the straight line between consecutive inputs,
//   y[n] = (F(x[n]) - F(x[n-1])) / (x[n] - x[n-1]),   F' = f
// (J. Parker, V. Zavalishin, E. Le Bivic, "Reducing the aliasing of nonlinear
// waveshaping using continuous-time convolution", DAFx-16, eq. 8; S. Bilbao,
// F. Esqueda, J. Parker, V. Valimaki, "Antiderivative antialiasing for
// memoryless nonlinearities", IEEE SPL 24(7), 2017, eq. 6). It delays by half
// a sample and lowpasses like (1 + z^-1) / 2 where f is linear.
//
// The quotient is ill-conditioned when the inputs are close: F(x[n]) and
// F(x[n-1]) agree in most of their digits. For SOFT and TUBE (square roots)
// and HARD (piecewise quadratic) it rearranges exactly into a form with no
// such cancellation, so they need no special case; TANH falls back to the
// midpoint below an epsilon derived in shaper.h (GS_SHAPER_TANH_EPSILON).

#include "dsp/shaper.h"

#include "dsp/tube_adaa2.h"

#include <math.h>
#include <string.h>

#ifndef M_LN2  // XSI, not ISO C
#  define M_LN2 0.69314718055994530942
#endif


// The ADAA loops are built twice, for AVX2 (four doubles per instruction)
// and for the baseline, and the loader picks one for this CPU (GNU ifunc).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#  define CLONES __attribute__((target_clones("avx2", "default")))
#else
#  define CLONES
#endif

// Samples per pass of the two-pass loops below (stack: 3 * 8 * 257 bytes).
#define CHUNK 256

static double clamp1(double x)
{
  return x > 1.0 ? 1.0 : (x < -1.0 ? -1.0 : x);
}

static double clamp(double x, double c)
{
  return x > c ? c : (x < -c ? -c : x);
}

// ---------------------------------------------------------------------------
// Curves and antiderivatives

// log cosh x = |x| + log(1 + exp(-2|x|)) - log 2: no overflow for any x, and
// its absolute error is a few ulp of 1 + |x|.
static double log_cosh(double x)
{
  const double a = fabs(x);
  return a + log1p(exp(-2.0 * a)) - M_LN2;
}

// The tube's sigmoid on the side of u (see shaper.h): knee k, value
// k u / sqrt(k^2 + u^2), antiderivative G(u) = k (sqrt(k^2 + u^2) - k).
static double tube_knee(const GsShaper *s, double u)
{
  return u >= 0.0 ? s->knee_pos : s->knee_neg;
}

static double tube_g(const GsShaper *s, double u)
{
  const double k = tube_knee(s, u);
  return k * u / sqrt(k * k + u * u);
}

static double tube_G(const GsShaper *s, double u)
{
  const double k = tube_knee(s, u);
  // k (r - k) rewritten as k u^2 / (r + k): no cancellation near u = 0.
  return k * u * u / (sqrt(k * k + u * u) + k);
}

// The integral of tube_G from 0: (k/2) (u r + k^2 asinh(u/k)) - k^2 u,
// written as (k/2) u^3 / (r + k) + (k^3/2) (asinh(y) - y), y = u / k, so
// that nothing cancels near u = 0 but asinh(y) - y, taken from its series
// below |y| = 1/8 (seven terms): within 1e-13 of itself either way.
static double tube_G2(const GsShaper *s, double u)
{
  const double k = tube_knee(s, u), y = u / k, r = sqrt(k * k + u * u);
  double asinh_minus_y;
  if (fabs(y) < 0.125) {
    // sum over n >= 1 of (-1)^n (2n-1)!! / ((2n)!! (2n+1)) y^(2n+1)
    const double t = y * y;
    double sum = -135135.0 / 9676800.0;
    sum = sum * t + 10395.0 / 599040.0;
    sum = sum * t - 945.0 / 42240.0;
    sum = sum * t + 105.0 / 3456.0;
    sum = sum * t - 15.0 / 336.0;
    sum = sum * t + 3.0 / 40.0;
    sum = sum * t - 1.0 / 6.0;
    asinh_minus_y = y * t * sum;
  } else {
    asinh_minus_y = asinh(y) - y;
  }
  return 0.5 * k * u * u * u / (r + k) + 0.5 * k * k * k * asinh_minus_y;
}

double gs_shaper_eval(const GsShaper *s, double x)
{
  switch (s->shape) {
  case GS_SHAPE_HARD: return clamp1(x);
  case GS_SHAPE_TANH: return tanh(x);
  case GS_SHAPE_SOFT: return x / sqrt(1.0 + x * x);
  case GS_SHAPE_TUBE: return (tube_g(s, x + s->bias) - s->offset) * s->scale;
  case GS_SHAPE_RAIL: {
    const double c = clamp(x, s->clip);
    return fabs(x) >= s->clip ? (x > 0 ? 1.0 : -1.0) : c - s->cubic * c * c * c;
  }
  }
  return x;
}

double gs_shaper_antiderivative2(const GsShaper *s, double x)
{
  // the integral from 0 to x of (G(t + bias) - G(bias) - offset t) scale
  const double b = s->bias;
  return (tube_G2(s, x + b) - tube_G2(s, b) - tube_G(s, b) * x - 0.5 * s->offset * x * x) *
         s->scale;
}

double gs_shaper_antiderivative(const GsShaper *s, double x)
{
  switch (s->shape) {
  case GS_SHAPE_HARD: return fabs(x) <= 1.0 ? 0.5 * x * x : fabs(x) - 0.5;
  case GS_SHAPE_TANH: return log_cosh(x);
  // sqrt(1 + x^2) - 1 without cancellation near 0
  case GS_SHAPE_SOFT: return x * x / (sqrt(1.0 + x * x) + 1.0);
  // integral of (g(t + bias) - g(bias)) / g'(bias) from 0 to x
  case GS_SHAPE_TUBE:
    return (tube_G(s, x + s->bias) - tube_G(s, s->bias) - s->offset * x) * s->scale;
  case GS_SHAPE_RAIL: {
    // x^2 / 2 - a x^4 / 4 inside the knee, then a slope of 1 (even function).
    const double c = clamp(x, s->clip), c2 = c * c;
    return c2 * (0.5 - 0.25 * s->cubic * c2) + (fabs(x) - fabs(c));
  }
  }
  return 0.5 * x * x;
}

// ---------------------------------------------------------------------------
// Setup

// The state of a shaper whose previous input was 0.
void gs_shaper_reset(GsShaper *s)
{
  memset(s->hist, 0, sizeof(s->hist));
  if (s->shape == GS_SHAPE_TUBE) {
    const double k = tube_knee(s, s->bias);
    s->x1 = s->bias;
    s->r1 = sqrt(k * k + s->bias * s->bias);
  } else {
    s->x1 = 0.0;
    s->r1 = 1.0;
  }
  s->F1 = 0.0;
}

static void tube_design(GsShaper *s, double bias, double asymmetry)
{
  s->bias = bias;
  s->knee_pos = 1.0;
  s->knee_neg = 1.0 / asymmetry;
  const double k = tube_knee(s, bias);
  const double ratio = bias / k;
  // g'(u) = (1 + (u / k)^2)^(-3/2)
  const double slope = 1.0 / ((1.0 + ratio * ratio) * sqrt(1.0 + ratio * ratio));
  s->offset = tube_g(s, bias);
  s->scale = 1.0 / slope;
}

void gs_shaper_init(GsShaper *s, GsShape shape, bool adaa)
{
  *s = (GsShaper){.shape = shape, .adaa = adaa, .order = 1, .cubic = 0.0, .clip = 1.0};
  s->variant = gs_lanes_variant_supported(GS_LANES_AVX2) ? GS_LANES_AVX2 : GS_LANES_C;
  tube_design(s, GS_SHAPER_TUBE_BIAS, GS_SHAPER_TUBE_ASYMMETRY);
  gs_shaper_reset(s);
}

void gs_shaper_set_tube(GsShaper *s, double bias, double asymmetry)
{
  bias = isfinite(bias) ? fmax(-2.0, fmin(2.0, bias)) : GS_SHAPER_TUBE_BIAS;
  asymmetry = isfinite(asymmetry) ? fmax(0.25, fmin(4.0, asymmetry)) : GS_SHAPER_TUBE_ASYMMETRY;
  if (bias == s->bias && 1.0 / asymmetry == s->knee_neg) {
    return;
  }
  // The state stores x + bias; carry it over to the new operating point.
  const double x1 = s->x1 - s->bias;
  tube_design(s, bias, asymmetry);
  if (s->shape == GS_SHAPE_TUBE) {
    s->x1 = x1 + bias;
    const double k = tube_knee(s, s->x1);
    s->r1 = sqrt(k * k + s->x1 * s->x1);
  }
}

void gs_shaper_set_order(GsShaper *s, unsigned order)
{
  s->order = order >= 2 && s->shape == GS_SHAPE_TUBE ? 2 : 1;
  gs_shaper_reset(s);
}

void gs_shaper_set_rail(GsShaper *s, double cubic)
{
  const double a = isfinite(cubic) ? fmax(0.0, fmin(0.14, cubic)) : 0.0;
  // Newton on x - a x^3 - 1 = 0 from x = 1: the cubic is concave and rising
  // up to 1 / sqrt(3a), past the root, so the iteration climbs monotonically.
  double x = 1.0;
  for (int i = 0; i < 50; ++i) {
    const double step = (x - a * x * x * x - 1.0) / (1.0 - 3.0 * a * x * x);
    x -= step;
    if (fabs(step) < 1e-15) {
      break;
    }
  }
  s->cubic = a;
  s->clip = x;
}

double gs_shaper_latency(const GsShaper *s)
{
  return s->adaa ? (s->order == 2 ? 2.0 : 0.5) : 0.0;
}

double gs_shaper_adaa_response(unsigned order, double w)
{
  if (order < 2) {
    return cos(w / 2.0);
  }
  const double midpoint = (9.0 * cos(w / 2.0) - cos(1.5 * w)) / 8.0;
  return 5.0 / 12.0 + cos(w) / 12.0 + 0.5 * cos(w / 2.0) * midpoint;
}

// ---------------------------------------------------------------------------
// Processing
//
// The ADAA loops for SOFT, TUBE and HARD carry nothing from one output to
// the next but the previous input, so they run in two passes per chunk:
// the first computes per-sample terms into u[1..m] and r[1..m] (u[0], r[0]
// hold the previous block's last sample), the second combines neighbours.
// Both passes vectorise (the square roots explicitly, in roots()).

// r[i] = sqrt(r[i]) for i < m. With -fno-math-errno (meson.build) the
// compiler vectorises this with the correctly rounded square-root
// instruction: four at a time in the AVX2 clones, two with SSE2.
static void roots(double *r, uint32_t m) GS_REALTIME
{
  for (uint32_t i = 0; i < m; ++i) {
    r[i] = sqrt(r[i]);
  }
}

// SOFT: with r = sqrt(1 + x^2), F = r - 1 and
//   (F(x) - F(x1)) / (x - x1) = (r - r1) / (x - x1) = (x + x1) / (r + r1)
// since r^2 - r1^2 = x^2 - x1^2: exact, and well conditioned for any x, x1.
CLONES static void soft_adaa(GsShaper *s, const float *in, float *out, uint32_t m) GS_REALTIME
{
  double u[CHUNK + 1], r[CHUNK + 1];
  u[0] = s->x1;
  r[0] = s->r1;
  for (uint32_t i = 0; i < m; ++i) {
    const double x = (double)in[i];
    u[i + 1] = x;
    r[i + 1] = 1.0 + x * x;
  }
  roots(r + 1, m);
  for (uint32_t i = 0; i < m; ++i) {
    out[i] = (float)((u[i + 1] + u[i]) / (r[i + 1] + r[i]));
  }
  s->x1 = u[m];
  s->r1 = r[m];
}

// TUBE: on one side of u = 0, G(u) = k (r - k) with r = sqrt(k^2 + u^2), and
// as for SOFT the difference quotient is exactly k (u + u1) / (r + r1). When
// u and u1 lie on different sides, |u - u1| >= max(|u|, |u1|) and
// 0 <= G <= u^2 / 2, so the plain quotient (G(u) - G(u1)) / (u - u1), with G
// computed as k u^2 / (r + k), errs by a few ulp of max(|u|, |u1|): well
// conditioned too.
CLONES static void tube_adaa(GsShaper *s, const float *in, float *out, uint32_t m) GS_REALTIME
{
  double u[CHUNK + 1], r[CHUNK + 1], k[CHUNK + 1];
  const double bias = s->bias, kp = s->knee_pos, kn = s->knee_neg;
  const double offset = s->offset, scale = s->scale;
  u[0] = s->x1;
  r[0] = s->r1;
  k[0] = u[0] >= 0.0 ? kp : kn;
  for (uint32_t i = 0; i < m; ++i) {
    const double v = (double)in[i] + bias;
    const double kv = v >= 0.0 ? kp : kn;
    u[i + 1] = v;
    k[i + 1] = kv;
    r[i + 1] = kv * kv + v * v;
  }
  roots(r + 1, m);
  for (uint32_t i = 0; i < m; ++i) {
    out[i] = (float)((k[i + 1] * (u[i + 1] + u[i]) / (r[i + 1] + r[i]) - offset) * scale);
  }
  // Rare: the input crossed -bias, so u changed sides.
  for (uint32_t i = 0; i < m; ++i) {
    const double v = u[i + 1], v1 = u[i];
    if ((v >= 0.0) != (v1 >= 0.0)) {
      const double kv = k[i + 1], kv1 = k[i];
      const double mean = (kv * v * v / (r[i + 1] + kv) - kv1 * v1 * v1 / (r[i] + kv1)) / (v - v1);
      out[i] = (float)((mean - offset) * scale);
    }
  }
  s->x1 = u[m];
  s->r1 = r[m];
}

// HARD and RAIL: the mean of f(t) for t between lo and hi, split at the
// knees -c and c (c = 1 for HARD): the lengths beyond them contribute -1 and
// +1 per unit, the middle [m0, m1] the integral of t - a t^3, which factors as
// (m1 - m0) (m0 + m1) (1/2 - a (m0^2 + m1^2) / 4). Every term is a length or
// a product of lengths, so nothing cancels however close lo and hi are.
CLONES static void hard_adaa(GsShaper *s, const float *in, float *out, uint32_t m) GS_REALTIME
{
  // In float: every term is a length or a product of lengths, each good to a
  // float's rounding, and the inputs are floats already, so double would buy
  // nothing but half the vector lanes.
  float u[CHUNK + 1];
  const float a = (float)s->cubic, c = (float)s->clip;
  u[0] = (float)s->x1;
  int outside = !(fabsf(u[0]) < c);
  for (uint32_t i = 0; i < m; ++i) {
    u[i + 1] = in[i];
    outside += !(fabsf(in[i]) < c);  // a NaN too
  }
  // Between the knees the mean of x - a x^3 over [x1, x] is exactly
  // (x1 + x) (1/2 - a (x1^2 + x^2) / 4): no division, and where the whole
  // chunk stays there (a rail seldom reached), nothing else.
  if (!outside) {
    for (uint32_t i = 0; i < m; ++i) {
      const float x1 = u[i], x = u[i + 1];
      out[i] = (x1 + x) * (0.5f - 0.25f * a * (x1 * x1 + x * x));
    }
    s->x1 = u[m];
    return;
  }
  // Every value is computed unconditionally and the conditions only select
  // (a division by a safe 1 where d is 0), so the loop has no branch and
  // vectorises.
  for (uint32_t i = 0; i < m; ++i) {
    const float lo = u[i] < u[i + 1] ? u[i] : u[i + 1];
    const float hi = u[i] < u[i + 1] ? u[i + 1] : u[i];
    const float d = hi - lo;
    const float below_len = (hi < -c ? hi : -c) - lo;  // > 0 only where lo < -c
    const float above_len = hi - (lo > c ? lo : c);    // > 0 only where hi > c
    const float below = below_len > 0.0f ? below_len : 0.0f;
    const float above = above_len > 0.0f ? above_len : 0.0f;
    const float m0 = lo > c ? c : (lo < -c ? -c : lo);
    const float m1 = hi > c ? c : (hi < -c ? -c : hi);
    const float middle = (m1 - m0) * (m0 + m1) * (0.5f - 0.25f * a * (m0 * m0 + m1 * m1));
    const float mean = (above - below + middle) / (d > 0.0f ? d : 1.0f);
    // d = 0: the curve at hi itself (m1 is hi within the knees).
    const float curve = m1 - a * m1 * m1 * m1;
    const float at = hi >= c ? 1.0f : (hi <= -c ? -1.0f : curve);
    // Between the knees, as above (the same value as the chunk-wide case).
    const float inner = (lo + hi) * (0.5f - 0.25f * a * (lo * lo + hi * hi));
    out[i] = lo > -c && hi < c ? inner : (d > 0.0f ? mean : at);
  }
  s->x1 = u[m];
}

// TANH: the quotient of log cosh differences, or the midpoint below
// GS_SHAPER_TANH_EPSILON (derived in shaper.h).
static void tanh_adaa(GsShaper *s, const float *in, float *out, uint32_t m) GS_REALTIME
{
  double x1 = s->x1, F1 = s->F1;
  for (uint32_t i = 0; i < m; ++i) {
    const double x = (double)in[i];
    const double F = log_cosh(x);
    const double dx = x - x1;
    const bool close = fabs(dx) < GS_SHAPER_TANH_EPSILON * (1.0 + fabs(x));
    const double y = close ? tanh(0.5 * (x + x1)) : (F - F1) / dx;
    out[i] = (float)y;
    x1 = x;
    F1 = F;
  }
  s->x1 = x1;
  s->F1 = F1;
}

// Without ADAA, per chunk of at most CHUNK samples.
static void plain(const GsShaper *s, const float *in, float *out, uint32_t m) GS_REALTIME
{
  double u[CHUNK], r[CHUNK];
  switch (s->shape) {
  case GS_SHAPE_HARD:
    for (uint32_t i = 0; i < m; ++i) {
      const float x = in[i];
      out[i] = x > 1.0f ? 1.0f : (x < -1.0f ? -1.0f : x);
    }
    break;
  case GS_SHAPE_RAIL: {
    const double a = s->cubic, c = s->clip;
    for (uint32_t i = 0; i < m; ++i) {
      const double x = (double)in[i], xc = clamp(x, c);
      out[i] = (float)(fabs(x) >= c ? (x > 0 ? 1.0 : -1.0) : xc - a * xc * xc * xc);
    }
    break;
  }
  case GS_SHAPE_TANH:
    for (uint32_t i = 0; i < m; ++i) {
      out[i] = (float)tanh((double)in[i]);
    }
    break;
  case GS_SHAPE_SOFT:
    for (uint32_t i = 0; i < m; ++i) {
      u[i] = (double)in[i];
      r[i] = 1.0 + u[i] * u[i];
    }
    roots(r, m);
    for (uint32_t i = 0; i < m; ++i) {
      out[i] = (float)(u[i] / r[i]);
    }
    break;
  case GS_SHAPE_TUBE: {
    const double bias = s->bias, kp = s->knee_pos, kn = s->knee_neg;
    const double offset = s->offset, scale = s->scale;
    for (uint32_t i = 0; i < m; ++i) {
      u[i] = (double)in[i] + bias;
      const double k = u[i] >= 0.0 ? kp : kn;
      r[i] = (k * k + u[i] * u[i]) / (k * k);
    }
    roots(r, m);
    for (uint32_t i = 0; i < m; ++i) {
      out[i] = (float)((u[i] / r[i] - offset) * scale);
    }
    break;
  }
  }
}

// The second-order tube kernel in the variant chosen at init.
static void tube_adaa2(GsShaper *s, const float *in, float *out, uint32_t n) GS_REALTIME
{
#ifdef GS_LANES_HAVE_AVX2
  if (s->variant == GS_LANES_AVX2) {
    gs_tube_adaa2_mono_avx2(s, in, out, n);
  } else {
    gs_tube_adaa2_mono_c(s, in, out, n);
  }
#else
  gs_tube_adaa2_mono_c(s, in, out, n);
#endif
  for (unsigned i = 0; i < 4; ++i) {
    if (!isfinite(s->hist[i])) {
      gs_shaper_reset(s);
      break;
    }
  }
}

void gs_shaper_process(GsShaper *s, const float *in, float *out, uint32_t n)
{
  if (s->adaa && s->order == 2) {
    tube_adaa2(s, in, out, n);
    return;
  }
  uint32_t done = 0;
  while (done < n) {
    const uint32_t m = n - done < CHUNK ? n - done : CHUNK;
    if (!s->adaa) {
      plain(s, in + done, out + done, m);
      done += m;
      continue;
    }
    switch (s->shape) {
    case GS_SHAPE_HARD:
    case GS_SHAPE_RAIL: hard_adaa(s, in + done, out + done, m); break;
    case GS_SHAPE_TANH: tanh_adaa(s, in + done, out + done, m); break;
    case GS_SHAPE_SOFT: soft_adaa(s, in + done, out + done, m); break;
    case GS_SHAPE_TUBE: tube_adaa(s, in + done, out + done, m); break;
    }
    done += m;
  }
  if (!(isfinite(s->x1) && isfinite(s->r1) && isfinite(s->F1))) {
    gs_shaper_reset(s);
  }
}
