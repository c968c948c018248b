// SPDX-License-Identifier: ISC
// Anti-aliased hard clip at +-1: the band-limited excess of an oversampled
// signal is taken away from the delayed input.

#include "dsp/clipper.h"

#include <math.h>
#include <string.h>

#ifndef M_PI  // XSI, not ISO C
#  define M_PI 3.14159265358979323846
#endif

// ---------------------------------------------------------------------------
// Filter design

// The zeroth-order modified Bessel function of the first kind, by its power
// series (converges quickly for the arguments a Kaiser window uses).
static double bessel_i0(double x)
{
  double sum = 1.0, term = 1.0;
  for (int k = 1; k < 64; ++k) {
    term *= (x / (2.0 * k)) * (x / (2.0 * k));
    sum += term;
    if (term < 1e-17 * sum) {
      break;
    }
  }
  return sum;
}

GsStatus gs_clipper_init(GsClipper *c, double rate_hz)
{
  if (!(rate_hz >= GS_CLIPPER_MIN_RATE_HZ && rate_hz <= GS_CLIPPER_MAX_RATE_HZ)) {
    return GS_ERR_RANGE;
  }
  memset(c, 0, sizeof(*c));
  const unsigned factor = rate_hz < 88200.0 ? 4 : 2;
  const double rate_hi = rate_hz * factor;
  const double pass_hz = fmin(20000.0, 0.4167 * rate_hz);
  const double stop_hz = rate_hz - pass_hz;
  // Kaiser's formulas (Oppenheim and Schafer, Discrete-Time Signal
  // Processing, 3rd ed., section 7.6.1): for a stopband rejection A dB and a
  // transition width dw rad/sample, length - 1 = (A - 7.95) / (2.285 dw) and
  // beta = 0.1102 (A - 8.7).
  const double atten = GS_CLIPPER_REJECTION_DB;
  const double dw = 2.0 * M_PI * (stop_hz - pass_hz) / rate_hi;
  unsigned half = (unsigned)ceil((atten - 7.95) / (2.285 * dw) / 2.0);
  // The two filters delay by half high-rate samples each; make 2 half a
  // multiple of the factor so the total is a whole number of base samples.
  const unsigned step = factor / 2;
  half = (half + step - 1) / step * step;
  const unsigned n_taps = 2 * half + 1;
  if (n_taps > GS_CLIPPER_MAX_TAPS) {
    return GS_ERR_RANGE;
  }
  const double beta = 0.1102 * (atten - 8.7);
  // A windowed sinc with its cutoff at the base rate's Nyquist frequency
  // (halfway through the transition band): h[half + j factor] = 0 for
  // j != 0 and h[half] = 1 / factor, so the interpolator passes the input
  // samples through unchanged at their own instants.
  double h[GS_CLIPPER_MAX_TAPS];
  const double i0_beta = bessel_i0(beta);
  for (unsigned k = 0; k < n_taps; ++k) {
    const double t = (double)k - (double)half;
    const double r = t / (double)half;
    const double window = bessel_i0(beta * sqrt(fmax(0.0, 1.0 - r * r))) / i0_beta;
    const double arg = M_PI * t / factor;
    const double sinc = t == 0.0 ? 1.0 : sin(arg) / arg;
    h[k] = sinc / factor * window;
  }
  h[half] = 1.0 / factor;
  for (unsigned k = 0; k < n_taps; ++k) {
    if (k != half && (k % factor) == (half % factor)) {
      h[k] = 0.0;  // exact zeros where the sinc crosses them
    }
  }

  c->factor = factor;
  c->n_taps = n_taps;
  c->phase_taps = (n_taps + factor - 1) / factor;
  c->delay = 2 * half / factor;
  // Interpolator: u[n factor + p] = factor sum_i h[i factor + p] x[n - i].
  double l1_max = 0.0;
  for (unsigned p = 0; p < factor; ++p) {
    double l1 = 0.0;
    for (unsigned i = 0; i < c->phase_taps; ++i) {
      const unsigned k = i * factor + p;
      const float v = (float)(k < n_taps ? factor * h[k] : 0.0);
      c->up[p][c->phase_taps - 1 - i] = v;  // reversed: tap i weighs x[n - i]
      l1 += fabs((double)v);
    }
    l1_max = fmax(l1_max, l1);
  }
  // A little margin for float rounding in the interpolator's sums.
  c->threshold = (float)(1.0 / (l1_max * (1.0 + 1e-5)));
  for (unsigned k = 0; k < n_taps; ++k) {
    c->down[k] = (float)h[n_taps - 1 - k];
  }
  c->hist_len = c->phase_taps + 1 > c->delay ? c->phase_taps + 1 : c->delay;
  // An input sample reaches u up to phase_taps base samples later, the
  // excess window one high-rate sample further, and the decimator n_taps
  // high-rate samples beyond that.
  c->reach = c->phase_taps + (n_taps + factor) / factor + 2;
  gs_clipper_reset(c);
  return GS_OK;
}

// Plain loops rather than memmove and memset, which are not marked
// real-time safe (-Wfunction-effects). dst is never after src when they
// overlap, so a forward copy is right.
static void copy_down(float *dst, const float *src, uint32_t n) GS_REALTIME
{
  for (uint32_t i = 0; i < n; ++i) {
    dst[i] = src[i];
  }
}

static void zero(float *dst, uint32_t n) GS_REALTIME
{
  for (uint32_t i = 0; i < n; ++i) {
    dst[i] = 0.0f;
  }
}

void gs_clipper_reset(GsClipper *c)
{
  zero(c->hist, sizeof(c->hist) / sizeof(c->hist[0]));
  zero(c->ehist, sizeof(c->ehist) / sizeof(c->ehist[0]));
  c->ehist_clear = true;
  c->quiet = c->reach;
  c->u_valid = false;
  c->u1 = c->u2 = 0.0;
}

uint32_t gs_clipper_latency(const GsClipper *c)
{
  return c->delay;
}

// ---------------------------------------------------------------------------
// The excess

// The integral of t e(a + (b - a) t) over t in [0, 1] for the positive
// excess e(v) = max(v - 1, 0). Each branch is a product of non-negative
// lengths, so nothing cancels however close a and b are.
static double ramp_pos(double a, double b) GS_REALTIME
{
  if (a > 1.0) {
    if (b > 1.0) {
      return (a - 1.0) / 6.0 + (b - 1.0) / 3.0;
    }
    // Above 1 for t below tk = (a - 1) / (a - b): the integral of
    // t (a - b) (tk - t) is (a - b) tk^3 / 6 = (a - 1) tk^2 / 6.
    const double tk = (a - 1.0) / (a - b);
    return (a - 1.0) * tk * tk / 6.0;
  }
  if (b > 1.0) {
    // Above 1 for t beyond tk = (1 - a) / (b - a): the integral of
    // t (b - a) (t - tk) is (b - a) (1 - tk)^2 (2 + tk) / 6, and
    // (b - a) (1 - tk) = b - 1.
    const double tk = (1.0 - a) / (b - a);
    return (b - 1.0) * (1.0 - tk) * (2.0 + tk) / 6.0;
  }
  return 0.0;
}

double gs_clipper_ramp_excess(double a, double b)
{
  return ramp_pos(a, b) - ramp_pos(-a, -b);
}

// The excess averaged over a triangle two samples wide centred on u0, with
// neighbours um (before) and up (after): the exact average for u linear
// between samples (the rising and the falling half of the triangle).
static double excess(double um, double u0, double up) GS_REALTIME
{
  return gs_clipper_ramp_excess(um, u0) + gs_clipper_ramp_excess(up, u0);
}

// ---------------------------------------------------------------------------
// Processing

// sum a[i] b[i] with eight partial sums, so the compiler may vectorise it
// (without -ffast-math it may not reorder a single sum).
static float dot(const float *a, const float *b, unsigned n) GS_REALTIME
{
  float s[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
  unsigned i = 0;
  for (; i + 8 <= n; i += 8) {
    for (unsigned j = 0; j < 8; ++j) {
      s[j] += a[i + j] * b[i + j];
    }
  }
  for (; i < n; ++i) {
    s[0] += a[i] * b[i];
  }
  return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

// Interpolated sample at phase p of base sample x (a pointer into hist):
// factor sum_i h[i factor + p] x[-i]. The branch is stored reversed, so this
// is a forward dot product over the last phase_taps inputs.
static double interp(const GsClipper *c, const float *x, unsigned p) GS_REALTIME
{
  const unsigned taps = c->phase_taps;
  return (double)dot(c->up[p], x + 1 - taps, taps);
}

// The oversampled path over m base samples whose input is at hist + hist_len:
// fills wet[0..m) with the band-limited excess.
static void excess_path(GsClipper *c, uint32_t m) GS_REALTIME
{
  const unsigned factor = c->factor, n_taps = c->n_taps;
  const float *x = c->hist + c->hist_len;
  if (!c->u_valid) {
    // The two interpolated samples before this chunk (phases factor - 2 and
    // factor - 1 of the previous base sample), from the input history.
    c->u2 = interp(c, x - 1, factor - 2);
    c->u1 = interp(c, x - 1, factor - 1);
    c->u_valid = true;
  }
  double u2 = c->u2, u1 = c->u1;
  // ehist[0..n_taps) holds the excess up to one high-rate sample before
  // this chunk's first base instant (E[n0 factor - 2] last); each base
  // sample appends E[n factor - 1 .. n factor + factor - 2].
  float *e = c->ehist + n_taps;
  for (uint32_t i = 0; i < m; ++i) {
    for (unsigned p = 0; p < factor; ++p) {
      const double u = interp(c, x + i, p);
      e[i * factor + p] = (float)excess(u2, u1, u);
      u2 = u1;
      u1 = u;
    }
    // E[n factor] is at e + i factor + 1: the decimator's newest tap.
    c->wet[i] = dot(c->down, e + i * factor + 2 - n_taps, n_taps);
  }
  c->u2 = u2;
  c->u1 = u1;
  copy_down(c->ehist, c->ehist + m * factor, n_taps);
  c->ehist_clear = false;
}

bool gs_clipper_process(GsClipper *c, const float *in, float *out, uint32_t n)
{
  bool ran = false;
  const uint32_t hist_len = c->hist_len, delay = c->delay;
  for (uint32_t done = 0; done < n;) {
    const uint32_t m = n - done < GS_CLIPPER_CHUNK ? n - done : GS_CLIPPER_CHUNK;
    float *x = c->hist + hist_len;
    const float thr = c->threshold;
    uint32_t quiet = c->quiet;
    bool hot = quiet < c->reach;
    for (uint32_t i = 0; i < m; ++i) {
      const float v = in[done + i];
      x[i] = v;
      quiet = fabsf(v) < thr ? quiet + 1 : 0;
      hot |= quiet == 0;
    }
    c->quiet = quiet < c->reach ? quiet : c->reach;
    if (hot) {
      excess_path(c, m);
      ran = true;
    } else {
      if (!c->ehist_clear) {
        zero(c->ehist, c->n_taps);
        c->ehist_clear = true;
      }
      c->u_valid = false;
    }
    float *dst = out + done;
    const float *dry = x - delay;
    if (hot) {
      for (uint32_t i = 0; i < m; ++i) {
        dst[i] = dry[i] - c->wet[i];
      }
    } else {
      copy_down(dst, dry, m);  // dst is the caller's buffer, dry is ours
    }
    copy_down(c->hist, c->hist + m, hist_len);
    done += m;
  }
  return ran;
}
