// SPDX-License-Identifier: ISC
// Halfband designs (elliptic polyphase IIR in closed form, Kaiser-windowed
// FIR) and the 2x/4x/8x cascade.

#include "dsp/oversample.h"

#include "dsp/oversample-variants.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#ifndef M_PI  // XSI, not ISO C
#  define M_PI 3.14159265358979323846
#endif

// ---------------------------------------------------------------------------
// Design
//
// An elliptic lowpass of odd order n = 2N + 1 whose stopband edge mirrors its
// passband edge about a quarter of the rate (ws = pi - wp) is a halfband
// filter, and it splits into two allpass branches of first-order sections in
// z^-2 (R. A. Valenzuela and A. G. Constantinides, "Digital signal processing
// schemes for efficient interpolation and decimation", IEE Proc. G 130(6),
// 1983; also M. Lutovac, D. Tosic, B. Evans, "Filter Design for Signal
// Processing", ch. 12). With the bilinear transform the analog selectivity is
//
//   k = tan(wp / 2) / tan(ws / 2) = tan^2(wp / 2)            (ws = pi - wp)
//
// and the nome of the elliptic functions of modulus k follows from the series
// (Abramowitz and Stegun 17.3.21, with k' = sqrt(1 - k^2))
//
//   e = (1 - sqrt(k')) / (2 (1 + sqrt(k'))),  q = e + 2e^5 + 15e^9 + 150e^13.
//
// The N poles, mapped to allpass coefficients, are for i = 1..N
//
//   w_i = 2 q^(1/4) sum_m (-1)^m q^(m(m+1)) sin((2m+1) pi i / n)
//                / (1 + 2 sum_(m>=1) (-1)^m q^(m^2) cos(2 m pi i / n))
//   v_i = sqrt((1 - k w_i^2) (1 - w_i^2 / k)) / (1 + w_i^2)
//   a_i = (1 - v_i) / (1 + v_i)
//
// ascending in i; they alternate between the two branches.

// Theta-series terms below this no longer change a double.
#define SERIES_TINY 1e-30

static double nome(double pass_edge)
{
  const double t = tan(M_PI * pass_edge);
  const double k = t * t;
  const double kp = sqrt(1.0 - k * k);
  const double e = 0.5 * (1.0 - sqrt(kp)) / (1.0 + sqrt(kp));
  const double e4 = e * e * e * e;
  return e * (1.0 + e4 * (2.0 + e4 * (15.0 + 150.0 * e4)));
}

// The discrimination factor k1 of an order-n elliptic filter is
// 4 q^(n/2) to first order (Lutovac et al. eq. 12.17). A halfband is power
// complementary, |H(w)|^2 + |H(pi - w)|^2 = 1, so its passband and stopband
// ripple factors are reciprocal and k1 = eps^2: the stopband peak of |H|^2 is
// k1 / (1 + k1).
double gs_halfband_rejection_db(unsigned n_coefs, double pass_edge)
{
  if (n_coefs < 1 || !(pass_edge > 0.0 && pass_edge < 0.25)) {
    return 0.0;
  }
  const double q = nome(pass_edge);
  const double k1 = 4.0 * pow(q, (2.0 * n_coefs + 1.0) / 2.0);
  return 10.0 * log10(1.0 + 1.0 / k1);
}

GsStatus gs_halfband_design(GsHalfband *hb, unsigned n_coefs, double pass_edge)
{
  if (n_coefs < 1 || n_coefs > GS_HALFBAND_MAX_COEFS || !(pass_edge > 0.0 && pass_edge < 0.25)) {
    return GS_ERR_RANGE;
  }
  memset(hb, 0, sizeof(*hb));
  const double t = tan(M_PI * pass_edge);
  const double k = t * t;
  const double q = nome(pass_edge);
  const double order = 2.0 * n_coefs + 1.0;
  double delay[2] = {0.0, 1.0};  // branch 1 carries the z^-1
  for (unsigned i = 1; i <= n_coefs; ++i) {
    double num = 0.0;
    double sign = 1.0;
    for (unsigned m = 0;; ++m) {
      const double term = pow(q, (double)(m * (m + 1)));
      num += sign * term * sin((2.0 * m + 1.0) * M_PI * i / order);
      sign = -sign;
      if (term < SERIES_TINY) {
        break;
      }
    }
    double den = 0.0;
    sign = -1.0;
    for (unsigned m = 1;; ++m) {
      const double term = pow(q, (double)(m * m));
      den += sign * term * cos(2.0 * m * M_PI * i / order);
      sign = -sign;
      if (term < SERIES_TINY) {
        break;
      }
    }
    const double w = 2.0 * pow(q, 0.25) * num / (1.0 + 2.0 * den);
    const double w2 = w * w;
    const double v = sqrt((1.0 - k * w2) * (1.0 - w2 / k)) / (1.0 + w2);
    const double a = (1.0 - v) / (1.0 + v);
    hb->coef[i - 1] = a;
    // A first-order allpass (a + z^-1) / (1 + a z^-1) delays low frequencies
    // by (1 - a) / (1 + a) samples; in z^-2 that is twice as many.
    delay[(i - 1) & 1] += 2.0 * (1.0 - a) / (1.0 + a);
  }
  hb->n_coefs = n_coefs;
  hb->pass_edge = pass_edge;
  hb->atten_db = gs_halfband_rejection_db(n_coefs, pass_edge);
  // Near DC both branches have unit gain and nearly equal phase, so the sum
  // delays by the mean of the two branch delays.
  hb->delay = 0.5 * (delay[0] + delay[1]);
  return GS_OK;
}

double gs_halfband_magnitude_db(const GsHalfband *hb, double freq)
{
  // A(z^2) on the unit circle: z^-2 = exp(-j 4 pi f).
  const double c2 = cos(4.0 * M_PI * freq);
  const double s2 = -sin(4.0 * M_PI * freq);
  double re[2] = {1.0, 1.0};
  double im[2] = {0.0, 0.0};
  for (unsigned i = 0; i < hb->n_coefs; ++i) {
    const double a = hb->coef[i];
    // (a + z^-2) / (1 + a z^-2)
    const double nr = a + c2, ni = s2;
    const double dr = 1.0 + a * c2, di = a * s2;
    const double d = dr * dr + di * di;
    const double hr = (nr * dr + ni * di) / d, hi = (ni * dr - nr * di) / d;
    const unsigned b = i & 1;
    const double r = re[b] * hr - im[b] * hi;
    im[b] = re[b] * hi + im[b] * hr;
    re[b] = r;
  }
  // z^-1 on branch 1
  const double c1 = cos(2.0 * M_PI * freq), s1 = -sin(2.0 * M_PI * freq);
  const double r1 = re[1] * c1 - im[1] * s1, i1 = re[1] * s1 + im[1] * c1;
  const double hr = 0.5 * (re[0] + r1), hi = 0.5 * (im[0] + i1);
  return 10.0 * log10(hr * hr + hi * hi + 1e-300);
}

// ---------------------------------------------------------------------------
// FIR halfband design
//
// A halfband's ideal impulse response is sin(pi m / 2) / (pi m): 1/2 at
// m = 0, zero at the other even m, +-1 / (pi m) at the odd ones. The Kaiser
// window (J. F. Kaiser, "Nonrecursive digital filter design using the I0-sinh
// window function", Proc. IEEE ISCAS 1974) of half-length 2 n_pairs keeps the
// zeros, so the windowed filter is a halfband too, with equal ripple in both
// bands. Its beta sets the sidelobe floor: Kaiser's beta = 0.1102 (A - 8.7)
// for A = 130 dB leaves room above the 120 dB each stage needs, and the
// number of pairs is what the transition band then asks for.

#define FIR_SIDELOBE_DB 130.0
#define FIR_KAISER_BETA (0.1102 * (FIR_SIDELOBE_DB - 8.7))
// Points on the stopband where the design's rejection is measured: the
// ripples are 1 / (4 n_pairs) of the rate apart, so 2048 resolve their peaks.
#define FIR_STOPBAND_POINTS 2048

// The modified Bessel function of the first kind I0(x), by its power series
// sum ((x / 2)^k / k!)^2, which converges for every x (here x <= 14).
static double bessel_i0(double x)
{
  double sum = 1.0, term = 1.0;
  for (unsigned k = 1; term > 1e-17 * sum; ++k) {
    const double r = 0.5 * x / k;
    term *= r * r;
    sum += term;
  }
  return sum;
}

double gs_fir_halfband_magnitude_db(const GsFirHalfband *fb, double freq)
{
  // zero-phase response: 1/2 + 2 sum coef_k cos(2 pi f (2k - 1))
  double h = 0.5;
  for (unsigned k = 1; k <= fb->n_pairs; ++k) {
    h += 2.0 * fb->coef[k - 1] * cos(2.0 * M_PI * freq * (2.0 * k - 1.0));
  }
  return 20.0 * log10(fabs(h) + 1e-300);
}

GsStatus gs_fir_halfband_design(GsFirHalfband *fb, unsigned n_pairs, double pass_edge)
{
  if (n_pairs < 1 || n_pairs > GS_FIR_HALFBAND_MAX_PAIRS ||
      !(pass_edge > 0.0 && pass_edge < 0.25)) {
    return GS_ERR_RANGE;
  }
  memset(fb, 0, sizeof(*fb));
  fb->n_pairs = n_pairs;
  fb->pass_edge = pass_edge;
  const double half_length = 2.0 * n_pairs;  // the window reaches zero at +-2 n_pairs
  const double norm = bessel_i0(FIR_KAISER_BETA);
  for (unsigned k = 1; k <= n_pairs; ++k) {
    const double m = 2.0 * k - 1.0;
    const double r = m / half_length;
    const double window = bessel_i0(FIR_KAISER_BETA * sqrt(1.0 - r * r)) / norm;
    const double sinc = (k & 1 ? 1.0 : -1.0) / (M_PI * m);  // sin(pi m / 2) / (pi m)
    fb->coef[k - 1] = sinc * window;
  }
  double peak = -400.0;
  for (unsigned i = 0; i <= FIR_STOPBAND_POINTS; ++i) {
    const double f = 0.5 - pass_edge + pass_edge * i / FIR_STOPBAND_POINTS;
    peak = fmax(peak, gs_fir_halfband_magnitude_db(fb, f));
  }
  fb->atten_db = -peak;
  return GS_OK;
}

// ---------------------------------------------------------------------------
// Cascade design

// The base band kept clean: 20 kHz, or the same fraction of the rate that
// 20 kHz is of 48 kHz (0.4167) at lower rates.
#define BAND_HZ 20000.0
#define BAND_FRACTION (20000.0 / 48000.0)

GsStatus gs_oversampler_init(GsOversampler *os, unsigned factor, double rate_hz)
{
  unsigned n_stages = 0;
  switch (factor) {
  case 1: n_stages = 0; break;
  case 2: n_stages = 1; break;
  case 4: n_stages = 2; break;
  case 8: n_stages = 3; break;
  default: return GS_ERR_RANGE;
  }
  if (!(rate_hz > 0.0 && rate_hz < 1e7)) {
    return GS_ERR_RANGE;
  }
  memset(os, 0, sizeof(*os));
  os->variant = GS_OVERSAMPLE_C;
  for (int v = GS_OVERSAMPLE_N_VARIANTS - 1; v >= 0; --v) {
    if (gs_oversample_variant_supported((GsOversampleVariant)v)) {
      os->variant = (GsOversampleVariant)v;
    }
  }
  os->factor = factor;
  os->n_stages = n_stages;
  os->rate_hz = rate_hz;
  os->band_hz = fmin(BAND_HZ, BAND_FRACTION * rate_hz);
  for (unsigned s = 0; s < n_stages; ++s) {
    // Stage s runs between base * 2^s and base * 2^(s+1). It must pass the
    // base band, and reject from (high rate / 2 - band) up, the part that
    // folds onto the base band when decimated to the lower rate (or whose
    // images would land there). Whatever folds into the transition bands of
    // the later stages lands above band_hz, outside the base band.
    const double high_rate = rate_hz * (double)(2u << s);
    const double pass_edge = os->band_hz / high_rate;
    if (s == 2) {
      // The band is at most 0.4167 of the base rate, so pass_edge <= 0.052
      // and 6 pairs always reach the rejection.
      unsigned k = 1;
      GsStatus st = gs_fir_halfband_design(&os->fir, k, pass_edge);
      while (!st && os->fir.atten_db < GS_OVERSAMPLE_REJECTION_DB &&
             k < GS_FIR_HALFBAND_MAX_PAIRS) {
        st = gs_fir_halfband_design(&os->fir, ++k, pass_edge);
      }
      if (st) {
        return st;
      }
      continue;
    }
    unsigned n = 1;
    while (n < GS_HALFBAND_MAX_COEFS &&
           gs_halfband_rejection_db(n, pass_edge) < GS_OVERSAMPLE_REJECTION_DB) {
      ++n;
    }
    GsStatus st = gs_halfband_design(&os->stage[s], n, pass_edge);
    if (st) {
      return st;
    }
  }
  return GS_OK;
}

void gs_oversampler_reset(GsOversampler *os)
{
  for (unsigned s = 0; s < 2; ++s) {
    for (unsigned i = 0; i < GS_HALFBAND_MAX_COEFS + 2; ++i) {
      os->stage[s].state_up[i] = 0.0;
      os->stage[s].state_down[i] = 0.0;
    }
  }
  for (unsigned i = 0; i < 2 * GS_FIR_HALFBAND_MAX_PAIRS; ++i) {
    os->fir.hist_up[i] = 0.0f;
    os->fir.hist_odd[i] = 0.0f;
  }
  for (unsigned i = 0; i < GS_FIR_HALFBAND_MAX_PAIRS; ++i) {
    os->fir.hist_even[i] = 0.0f;
  }
}

double gs_oversampler_latency(const GsOversampler *os)
{
  // Up: stage s delays by its filter's delay, in samples of its high rate.
  // Down: the decimator keeps the filtered sample at the odd phase (see
  // down_step), one high-rate sample earlier than the even one.
  double latency = 0.0;
  for (unsigned s = 0; s < os->n_stages && s < 2; ++s) {
    latency += (2.0 * os->stage[s].delay - 1.0) / (double)(2u << s);
  }
  if (os->n_stages == 3) {
    // The FIR delays by 2 n_pairs - 1 samples of 8x up and, keeping the odd
    // phase, by 2 n_pairs - 2 down.
    latency += (4.0 * os->fir.n_pairs - 3.0) / 8.0;
  }
  return latency;
}


// ---------------------------------------------------------------------------
// Variants

bool gs_oversample_variant_supported(GsOversampleVariant variant)
{
  switch (variant) {
  case GS_OVERSAMPLE_FMA:
#ifdef GS_OVERSAMPLE_HAVE_FMA
    __builtin_cpu_init();
    return __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2");
#else
    return false;
#endif
  case GS_OVERSAMPLE_C: return true;
  case GS_OVERSAMPLE_N_VARIANTS: break;
  }
  return false;
}

const char *gs_oversample_variant_name(GsOversampleVariant variant)
{
  switch (variant) {
  case GS_OVERSAMPLE_FMA: return "fma";
  case GS_OVERSAMPLE_C: return "c";
  case GS_OVERSAMPLE_N_VARIANTS: break;
  }
  return "unknown";
}

GsStatus gs_oversampler_set_variant(GsOversampler *os, GsOversampleVariant variant)
{
  if (!gs_oversample_variant_supported(variant)) {
    return GS_ERR_RANGE;
  }
  os->variant = variant;
  return GS_OK;
}

void gs_oversampler_up(GsOversampler *os, const float *in, float *out, uint32_t n)
{
#ifdef GS_OVERSAMPLE_HAVE_FMA
  if (os->variant == GS_OVERSAMPLE_FMA) {
    gs_oversample_up_fma(os, in, out, n);
    return;
  }
#endif
  gs_oversample_up_c(os, in, out, n);
}

void gs_oversampler_down(GsOversampler *os, const float *in, float *out, uint32_t n)
{
#ifdef GS_OVERSAMPLE_HAVE_FMA
  if (os->variant == GS_OVERSAMPLE_FMA) {
    gs_oversample_down_fma(os, in, out, n);
    return;
  }
#endif
  gs_oversample_down_c(os, in, out, n);
}

void gs_oversampler_down_to_half(GsOversampler *os, const float *in, float *out, uint32_t n)
{
#ifdef GS_OVERSAMPLE_HAVE_FMA
  if (os->variant == GS_OVERSAMPLE_FMA) {
    gs_oversample_down_fir_fma(os, in, out, n);
    return;
  }
#endif
  gs_oversample_down_fir_c(os, in, out, n);
}

void gs_oversampler_down_from_half(GsOversampler *os, const float *in, float *out, uint32_t n)
{
#ifdef GS_OVERSAMPLE_HAVE_FMA
  if (os->variant == GS_OVERSAMPLE_FMA) {
    gs_oversample_down_iir_fma(os, in, out, n);
    return;
  }
#endif
  gs_oversample_down_iir_c(os, in, out, n);
}
