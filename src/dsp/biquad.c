// SPDX-License-Identifier: ISC
// Second-order IIR sections: RBJ-cookbook coefficient design and TDF-II processing.

#include "dsp/biquad.h"

#include <math.h>
#include <stdbool.h>

static const double two_pi = 6.283185307179586476925;

enum { PASS, HIGHPASS, LOWPASS, LOWSHELF, HIGHSHELF, PEAKING, CUSTOM };

// State below this is flushed to zero so a decaying filter never reaches the
// denormal range (double below 2.2e-308, float output below 1.2e-38), where
// arithmetic is slow on x86. 1e-30 is -600 dBFS, far below any signal.
static const double tiny = 1e-30;

// Both state variables go to zero together: flushing one alone is a
// nonlinearity that can keep a lightly damped section ringing just above
// the threshold (a limit cycle).
static void flush(double *z1, double *z2)
{
  if (fabs(*z1) + fabs(*z2) < tiny) {
    *z1 = 0.0;
    *z2 = 0.0;
  }
}

// Records the design asked for. False when it is already in place: the setters
// then return early, so calling one every block with the same values is cheap.
static bool redesign(GsBiquad *bq, int kind, double rate_hz, double freq_hz, double gain_db,
                     double q)
{
  if (bq->kind == kind && bq->rate_hz == rate_hz && bq->freq_hz == freq_hz &&
      bq->gain_db == gain_db && bq->q == q) {
    return false;
  }
  bq->kind = kind;
  bq->rate_hz = rate_hz;
  bq->freq_hz = freq_hz;
  bq->gain_db = gain_db;
  bq->q = q;
  return true;
}

// Stores b/a0 and a/a0.
static void store(GsBiquad *bq, double b0, double b1, double b2, double a0, double a1,
                  double a2)
{
  bq->b0 = b0 / a0;
  bq->b1 = b1 / a0;
  bq->b2 = b2 / a0;
  bq->a1 = a1 / a0;
  bq->a2 = a2 / a0;
}

void gs_biquad_init(GsBiquad *bq)
{
  *bq = (GsBiquad){.b0 = 1.0, .kind = PASS};
}

void gs_biquad_reset(GsBiquad *bq)
{
  bq->z1 = 0.0;
  bq->z2 = 0.0;
}

// All designs below are from Robert Bristow-Johnson, "Cookbook formulae for
// audio EQ biquad filter coefficients": w0 = 2 pi f0 / Fs, alpha = sin(w0)/(2Q).
// 1 - cos(w0) is written 2 sin^2(w0/2) so low corners at high rates keep
// their precision.

void gs_biquad_set_highpass(GsBiquad *bq, double rate_hz, double freq_hz, double q)
{
  if (!redesign(bq, HIGHPASS, rate_hz, freq_hz, 0.0, q)) {
    return;
  }
  const double w0 = two_pi * freq_hz / rate_hz;
  const double c = cos(w0);
  const double alpha = sin(w0) / (2.0 * q);
  store(bq, (1.0 + c) / 2.0, -(1.0 + c), (1.0 + c) / 2.0, 1.0 + alpha, -2.0 * c, 1.0 - alpha);
}

void gs_biquad_set_lowpass(GsBiquad *bq, double rate_hz, double freq_hz, double q)
{
  if (!redesign(bq, LOWPASS, rate_hz, freq_hz, 0.0, q)) {
    return;
  }
  const double w0 = two_pi * freq_hz / rate_hz;
  const double s = sin(w0 / 2.0);
  const double one_minus_c = 2.0 * s * s;
  const double alpha = sin(w0) / (2.0 * q);
  store(bq, one_minus_c / 2.0, one_minus_c, one_minus_c / 2.0, 1.0 + alpha, -2.0 * cos(w0),
        1.0 - alpha);
}

// Shelf alpha from the slope S: alpha = sin(w0)/2 * sqrt((A + 1/A)(1/S - 1) + 2).
static double shelf_alpha(double w0, double a, double slope)
{
  return sin(w0) / 2.0 * sqrt((a + 1.0 / a) * (1.0 / slope - 1.0) + 2.0);
}

// The high shelf is the low shelf mirrored about fs/4: cos(w0) and the
// odd coefficients change sign (side = +1 low, -1 high).
static void set_shelf(GsBiquad *bq, int kind, double side, double rate_hz, double freq_hz,
                      double gain_db, double slope)
{
  if (!redesign(bq, kind, rate_hz, freq_hz, gain_db, slope)) {
    return;
  }
  const double a = pow(10.0, gain_db / 40.0);
  const double w0 = two_pi * freq_hz / rate_hz;
  const double c = side * cos(w0);
  const double k = 2.0 * sqrt(a) * shelf_alpha(w0, a, slope);
  store(bq, a * ((a + 1.0) - (a - 1.0) * c + k), side * 2.0 * a * ((a - 1.0) - (a + 1.0) * c),
        a * ((a + 1.0) - (a - 1.0) * c - k), (a + 1.0) + (a - 1.0) * c + k,
        side * -2.0 * ((a - 1.0) + (a + 1.0) * c), (a + 1.0) + (a - 1.0) * c - k);
}

void gs_biquad_set_lowshelf(GsBiquad *bq, double rate_hz, double freq_hz, double gain_db,
                            double slope)
{
  set_shelf(bq, LOWSHELF, 1.0, rate_hz, freq_hz, gain_db, slope);
}

void gs_biquad_set_highshelf(GsBiquad *bq, double rate_hz, double freq_hz, double gain_db,
                             double slope)
{
  set_shelf(bq, HIGHSHELF, -1.0, rate_hz, freq_hz, gain_db, slope);
}

void gs_biquad_set_peaking(GsBiquad *bq, double rate_hz, double freq_hz, double gain_db,
                           double q)
{
  if (!redesign(bq, PEAKING, rate_hz, freq_hz, gain_db, q)) {
    return;
  }
  const double a = pow(10.0, gain_db / 40.0);
  const double w0 = two_pi * freq_hz / rate_hz;
  const double c = cos(w0);
  const double alpha = sin(w0) / (2.0 * q);
  store(bq, 1.0 + alpha * a, -2.0 * c, 1.0 - alpha * a, 1.0 + alpha / a, -2.0 * c,
        1.0 - alpha / a);
}

void gs_biquad_set_coefficients(GsBiquad *bq, double b0, double b1, double b2, double a1,
                                double a2)
{
  // Given coefficients are stored every time; the record only marks the
  // design as custom so the next named design is not taken as in place.
  (void)redesign(bq, CUSTOM, 0.0, 0.0, 0.0, 0.0);
  store(bq, b0, b1, b2, 1.0, a1, a2);
}

// |B(z)| at z = e^jw for B(z) = c0 + c1 z^-1 + c2 z^-2.
static double poly_magnitude(double c0, double c1, double c2, double w)
{
  const double re = c0 + c1 * cos(w) + c2 * cos(2.0 * w);
  const double im = -c1 * sin(w) - c2 * sin(2.0 * w);
  return hypot(re, im);
}

double gs_biquad_magnitude_db(const GsBiquad *bq, double rate_hz, double freq_hz)
{
  const double w = two_pi * freq_hz / rate_hz;
  const double num = poly_magnitude(bq->b0, bq->b1, bq->b2, w);
  const double den = poly_magnitude(1.0, bq->a1, bq->a2, w);
  return 20.0 * log10(num / den);
}

void gs_biquad_process(GsBiquad *bq, const float *in, float *out, uint32_t n)
{
  const double b0 = bq->b0, b1 = bq->b1, b2 = bq->b2, a1 = bq->a1, a2 = bq->a2;
  double z1 = bq->z1, z2 = bq->z2;
  for (uint32_t i = 0; i < n; ++i) {
    // Transposed direct form II.
    const double x = in[i];
    const double y = b0 * x + z1;
    z1 = (b1 * x + z2) - a1 * y;  // y enters last: one add shorter on the recursion
    z2 = b2 * x - a2 * y;
    out[i] = (float)y;
  }
  // Once per block is enough: within one block a state at the threshold
  // decays by far less than the 280 decades that separate it from the
  // denormals, and the check costs the recursion nothing per sample.
  flush(&z1, &z2);
  bq->z1 = z1;
  bq->z2 = z2;
}

// The sections one sample at a time; inlined with a constant ns, the loop
// over the sections unrolls.
static inline __attribute__((always_inline)) void
cascade(double c[][5], double z[][2], unsigned ns, const float *in, float *out, uint32_t n)
{
  for (uint32_t i = 0; i < n; ++i) {
    double x = in[i];
    for (unsigned s = 0; s < ns; ++s) {
      const double y = c[s][0] * x + z[s][0];
      z[s][0] = (c[s][1] * x + z[s][1]) - c[s][3] * y;  // as gs_biquad_process()
      z[s][1] = c[s][2] * x - c[s][4] * y;
      x = (double)(float)y;  // rounded between sections, as separate passes store it
    }
    out[i] = (float)x;
  }
}

void gs_biquad_cascade_process(GsBiquad *bq, unsigned n_sections, const float *in, float *out,
                               uint32_t n)
{
  double c[GS_BIQUAD_MAX_CASCADE][5], z[GS_BIQUAD_MAX_CASCADE][2];
  const unsigned ns = n_sections < GS_BIQUAD_MAX_CASCADE ? n_sections : GS_BIQUAD_MAX_CASCADE;
  for (unsigned s = 0; s < ns; ++s) {
    c[s][0] = bq[s].b0;
    c[s][1] = bq[s].b1;
    c[s][2] = bq[s].b2;
    c[s][3] = bq[s].a1;
    c[s][4] = bq[s].a2;
    z[s][0] = bq[s].z1;
    z[s][1] = bq[s].z2;
  }
  if (ns == 3) {  // the tone stack: a constant count keeps the state in registers
    cascade(c, z, 3, in, out, n);
  } else {
    cascade(c, z, ns, in, out, n);
  }
  for (unsigned s = 0; s < ns; ++s) {
    flush(&z[s][0], &z[s][1]);  // once per block, as in gs_biquad_process()
    bq[s].z1 = z[s][0];
    bq[s].z2 = z[s][1];
  }
}
