// SPDX-License-Identifier: ISC
// Second-order ADAA of the tube curve (tube_adaa2-impl.h, gs_shaper_set_order): the second
// antiderivative, the kernel against quadrature of its definition (including the inputs that
// make difference quotients ill-conditioned), its delay and linear response, its aliasing,
// blocks and variants, and the 8-channel kernel lane for lane.

#include "check.h"
#include "lanes_input.h"

#include "dsp/analysis.h"
#include "dsp/shaper.h"
#include "dsp/shaper8.h"

#include <stdlib.h>
#include <string.h>

#ifndef M_PI  // XSI, not ISO C
#  define M_PI 3.14159265358979323846
#endif

// Largest difference from the double quadrature, relative to the curve's
// range: a few float roundings (6e-8) of the kernel's inputs and output.
#define TOLERANCE 4e-7

// Tube settings to try: the defaults, the instrument models' (bass, guitar),
// and the extremes of the clamps (knee_neg 4 and 0.25, bias +-2).
static const double settings[][2] = {
  {GS_SHAPER_TUBE_BIAS, GS_SHAPER_TUBE_ASYMMETRY}, {0.1, 1.5}, {0.3, 2.0}, {-2.0, 0.25}, {2.0, 4.0},
};
#define N_SETTINGS (sizeof(settings) / sizeof(settings[0]))

static void tube(GsShaper *s, unsigned setting, unsigned order)
{
  gs_shaper_init(s, GS_SHAPE_TUBE, true);
  gs_shaper_set_tube(s, settings[setting][0], settings[setting][1]);
  gs_shaper_set_order(s, order);
}

// The integral of f from 0 to x by composite Simpson (f is smooth but for a
// jump in its third derivative at x = -bias, a panel edge when it lies inside).
static double integral(double (*fn)(const GsShaper *, double), const GsShaper *s, double x)
{
  const unsigned panels = 2000;
  const double kink = -s->bias;
  const bool split = (kink > 0.0 && kink < x) || (kink < 0.0 && kink > x);
  const double ends[3] = {0.0, split ? kink : x, x};
  double sum = 0.0;
  for (unsigned part = 0; part < (split ? 2u : 1u); ++part) {
    const double a = ends[part], b = ends[part + 1];
    double acc = 0.0;
    for (unsigned i = 0; i <= panels; ++i) {
      const double w = (i == 0 || i == panels) ? 1.0 : (i % 2 ? 4.0 : 2.0);
      acc += w * fn(s, a + (b - a) * i / panels);
    }
    sum += acc * (b - a) / (3.0 * panels);
  }
  return sum;
}

// F2 in closed form: its derivative is F (central differences), and it is
// the integral of F from 0 (quadrature), across the kink and far out.
static void test_antiderivative2(void **state)
{
  (void)state;
  for (unsigned c = 0; c < N_SETTINGS; ++c) {
    GsShaper s;
    tube(&s, c, 2);
    double worst_d = 0.0, worst_i = 0.0;
    GS_ASSERT_NEAR(gs_shaper_antiderivative2(&s, 0.0), 0.0, 0.0);
    for (double x = -9.0; x <= 9.0; x += 0.0637) {
      const double h = 1e-4;
      const double d =
        (gs_shaper_antiderivative2(&s, x + h) - gs_shaper_antiderivative2(&s, x - h)) / (2.0 * h);
      // central difference error h^2 / 6 |F'''| = h^2 / 6 |f''| < 2e-8 here
      worst_d = fmax(worst_d, fabs(d - gs_shaper_antiderivative(&s, x)));
      const double q = integral(gs_shaper_antiderivative, &s, x);
      worst_i = fmax(worst_i, fabs(q - gs_shaper_antiderivative2(&s, x)) / fmax(1.0, fabs(q)));
    }
    print_message("tube bias %+.1f asymmetry %.2f: |F2' - F| %.1e, |F2 - int F| %.1e\n",
                  settings[c][0], settings[c][1], worst_d, worst_i);
    GS_ASSERT_BELOW(worst_d, 5e-8);
    GS_ASSERT_BELOW(worst_i, 1e-10);
  }
}

// Adaptive Simpson on [t0, t1] of f(a + t (b - a)) times 1 and times
// 1/2 - t at once (fa, fm, fb: f at t0, the middle, t1; whole: the two
// estimates over the whole panel), to an absolute 1e-13: the knee may take a
// tiny part of a long piece.
typedef struct {
  const GsShaper *s;
  double a, b;
} Piece;

static double f_at(const Piece *p, double t)
{
  return gs_shaper_eval(p->s, p->a + t * (p->b - p->a));
}

static void simpson(const Piece *p, double t0, double t1, const double f[3], const double whole[2],
                    int depth, double sum[2])
{
  const double tm = 0.5 * (t0 + t1), tl = 0.5 * (t0 + tm), tr = 0.5 * (tm + t1);
  const double fl = f_at(p, tl), fr = f_at(p, tr);
  const double h = (t1 - t0) / 12.0;
  const double left[2] = {h * (f[0] + 4.0 * fl + f[1]),
                          h * ((0.5 - t0) * f[0] + 4.0 * (0.5 - tl) * fl + (0.5 - tm) * f[1])};
  const double right[2] = {h * (f[1] + 4.0 * fr + f[2]),
                           h * ((0.5 - tm) * f[1] + 4.0 * (0.5 - tr) * fr + (0.5 - t1) * f[2])};
  const double err = fmax(fabs(left[0] + right[0] - whole[0]), fabs(left[1] + right[1] - whole[1]));
  if (depth >= 40 || (depth >= 4 && err < 1.5e-12)) {
    sum[0] += left[0] + right[0];
    sum[1] += left[1] + right[1];
    return;
  }
  const double fl3[3] = {f[0], fl, f[1]}, fr3[3] = {f[1], fr, f[2]};
  simpson(p, t0, tm, fl3, left, depth + 1, sum);
  simpson(p, tm, t1, fr3, right, depth + 1, sum);
}

// int_0^1 f(a + t (b - a)) w(t) dt for w = 1 (*mean) and w = 1/2 - t (*tilt).
static void piece(const GsShaper *s, double a, double b, double *mean, double *tilt)
{
  const Piece p = {s, a, b};
  const double f[3] = {f_at(&p, 0.0), f_at(&p, 0.5), f_at(&p, 1.0)};
  const double whole[2] = {(f[0] + 4.0 * f[1] + f[2]) / 6.0, (0.5 * f[0] - 0.5 * f[2]) / 6.0};
  double sum[2] = {0.0, 0.0};
  simpson(&p, 0.0, 1.0, f, whole, 0, sum);
  *mean = sum[0];
  *tilt = sum[1];
}

// What the kernel computes for the interval from x[i] to x[i + 1]
// (tube_adaa2-impl.h), by quadrature of its definition: *mean along the two
// straight halves through the cubic midpoint, *tilt along the chord.
static void reference_interval(const GsShaper *s, const double *x, double *mean, double *tilt)
{
  const double w = (9.0 * (x[0] + x[1]) - (x[-1] + x[2])) / 16.0;
  double m1, m2, t1, t2;
  piece(s, x[0], w, &m1, &t1);
  piece(s, w, x[1], &m2, &t2);
  *mean = 0.5 * (m1 + m2);
  double unused;
  piece(s, x[0], x[1], &unused, tilt);
}

// The second-order output for in[0..n), from silence: output i is centred on
// input i - 2 (the rise of the interval from i - 2 to i - 1, the fall of the
// one before).
static void reference(const GsShaper *s, const float *in, double *out, unsigned n)
{
  double *x = calloc(n + 4, sizeof(double));
  assert_non_null(x);
  for (unsigned i = 0; i < n; ++i) {
    x[i + 4] = (double)in[i];
  }
  double mean0, tilt0;
  reference_interval(s, x + 1, &mean0, &tilt0);
  for (unsigned i = 0; i < n; ++i) {
    double mean1, tilt1;
    reference_interval(s, x + i + 2, &mean1, &tilt1);
    out[i] = 0.5 * (mean1 + mean0) + tilt1 - tilt0;
    mean0 = mean1;
    tilt0 = tilt1;
  }
  free(x);
}

// Largest |out - reference| over in[0..n), relative to the curve's range.
static double worst_error(GsShaper *s, const float *in, unsigned n)
{
  float *out = malloc(n * sizeof(float));
  double *ref = malloc(n * sizeof(double));
  assert_non_null(out);
  assert_non_null(ref);
  gs_shaper_reset(s);
  gs_shaper_process(s, in, out, n);
  reference(s, in, ref, n);
  const double range = gs_shaper_eval(s, 1e9) - gs_shaper_eval(s, -1e9);
  double worst = 0.0;
  for (unsigned i = 0; i < n; ++i) {
    assert_true(isfinite(out[i]));
    worst = fmax(worst, fabs((double)out[i] - ref[i]) / range);
  }
  free(out);
  free(ref);
  return worst;
}

// The kernel (float) matches quadrature of its definition (double) on sines
// slow and fast, soft and driven 40 dB, and on noise, for every setting.
static void test_matches_quadrature(void **state)
{
  (void)state;
  enum { N = 700 };
  float in[N];
  static const double signals[][2] = {{0.3, 0.002}, {3.0, 0.01}, {16.0, 0.04}, {100.0, 0.13}};
  for (unsigned c = 0; c < N_SETTINGS; ++c) {
    GsShaper s;
    tube(&s, c, 2);
    double worst = 0.0;
    for (unsigned g = 0; g < 5; ++g) {
      uint32_t seed = 7 + c;
      for (unsigned i = 0; i < N; ++i) {
        seed = seed * 1664525u + 1013904223u;
        const double noise = (double)seed / 4294967296.0 * 8.0 - 4.0;
        in[i] = (float)(g < 4 ? signals[g][0] * sin(2.0 * M_PI * signals[g][1] * i) : noise);
      }
      worst = fmax(worst, worst_error(&s, in, N));
    }
    print_message("tube bias %+.1f asymmetry %.2f: largest difference from quadrature %.2e\n",
                  settings[c][0], settings[c][1], worst);
    GS_ASSERT_BELOW(worst, TOLERANCE);
  }
}

// Inputs that make difference quotients ill-conditioned (the literature's
// epsilon fallbacks): constant input, and steps of one or two float ulp,
// around 0, the knees, the kink at -bias, and far out; and steps across the
// point |z| = 1/2 where the tilt changes from its series to asinh.
static void test_ill_conditioned(void **state)
{
  (void)state;
  enum { N = 64 };
  float in[N];
  for (unsigned c = 0; c < N_SETTINGS; ++c) {
    GsShaper s;
    tube(&s, c, 2);
    const double kink = -s.bias;
    const double centres[] = {0.0, 0.5, 1.0, -1.0, kink, kink + 1e-6, kink - 3e-7, 3.0, -7.0, 1e4};
    double worst = 0.0;
    for (unsigned p = 0; p < sizeof(centres) / sizeof(centres[0]); ++p) {
      for (int mode = 0; mode < 3; ++mode) {
        // a ramp of one-ulp steps, every third sample repeated
        float v = (float)centres[p];
        for (unsigned i = 0; i < N; ++i) {
          in[i] = v;
          if (mode && i % 3 != 0) {
            v = nextafterf(v, mode == 1 ? INFINITY : -INFINITY);
          }
        }
        const double e = worst_error(&s, in, N);
        if (e > TOLERANCE) {
          print_message("centre %g, mode %d: %.2e\n", centres[p], mode, e);
        }
        worst = fmax(worst, e);
      }
    }
    // Steps whose z (the asinh argument, about the step over the root at
    // the point) lies just below and above 1/2.
    for (double step = 0.40; step <= 0.60; step += 0.01) {
      for (unsigned i = 0; i < N; ++i) {
        in[i] = (float)(2.0 + step * 2.2 * (double)(i % 2));
      }
      const double e = worst_error(&s, in, N);
      if (e > TOLERANCE) {
        print_message("step %g: %.2e\n", step, e);
      }
      worst = fmax(worst, e);
    }
    print_message("tube bias %+.1f asymmetry %.2f: ill-conditioned inputs, largest error %.2e\n",
                  settings[c][0], settings[c][1], worst);
    GS_ASSERT_BELOW(worst, TOLERANCE);
  }
}

// Where the curve is linear (a sine of 1e-3 around 0), the output is the
// input delayed by exactly gs_shaper_latency() = 2 samples and scaled by
// gs_shaper_adaa_response(2, w): measured amplitude and phase of a coherent
// sine.
static void test_delay_and_response(void **state)
{
  (void)state;
  enum { N = 4096 };
  float *x = malloc(2 * N * sizeof(float));
  assert_non_null(x);
  GsShaper s;
  tube(&s, 0, 2);
  GS_ASSERT_NEAR(gs_shaper_latency(&s), 2.0, 0.0);
  static const double freqs[] = {0.01, 0.05, 0.12, 0.25, 0.4};  // cycles per sample
  for (unsigned f = 0; f < sizeof(freqs) / sizeof(freqs[0]); ++f) {
    const size_t k = gs_analysis_coprime_bin(N, 1.0, freqs[f]);
    const double w = 2.0 * M_PI * (double)k / (double)N;
    for (unsigned i = 0; i < 2 * N; ++i) {
      x[i] = (float)(1e-3 * sin(w * i));
    }
    gs_shaper_reset(&s);
    gs_shaper_process(&s, x, x, 2 * N);
    double amp, phase;
    assert_int_equal(gs_analysis_bin(x + N, N, k, &amp, &phase), GS_OK);
    // sin(w (i - 2)) has, at the block's start (i = N), cosine phase
    // -pi/2 - 2 w (N w is a whole number of turns).
    const double delay = 2.0 + remainder(-M_PI / 2.0 - 2.0 * w - phase, 2.0 * M_PI) / w;
    const double want = gs_shaper_adaa_response(2, w);
    print_message("w = %.3f: gain %.6f (designed %.6f), delay %.6f samples\n", w, amp / 1e-3,
                  want, delay);
    // at 1e-3 the curve's cubic term moves the fundamental by about 1e-6
    GS_ASSERT_NEAR(amp / 1e-3, want, 1e-5);
    GS_ASSERT_NEAR(delay, 2.0, 1e-4);
  }
  // The design formula: 1 at DC, and where the first order has cos(w/2).
  GS_ASSERT_NEAR(gs_shaper_adaa_response(2, 0.0), 1.0, 1e-15);
  GS_ASSERT_NEAR(gs_shaper_adaa_response(1, 1.0), cos(0.5), 1e-15);
  free(x);
}

// Aliasing, exactly as the guitar case reaches the curve: a sine
// peak 15.85 (24 dB past the knee) at 8x of 48 kHz, on the oversampled
// grid, through the curve and the decimating filters; non-harmonic energy
// in 20 Hz to 20 kHz. Second order takes 15 kHz from -68 to below -95 dBc.
static double aliasing_dbc(unsigned order, double freq_hz)
{
  enum { FACTOR = 8, N_FFT = 16384, SETTLE = 2048, BLOCK = 256 };
  const double rate = 48000.0;
  const size_t len = SETTLE + N_FFT, k = gs_analysis_coprime_bin(N_FFT, rate, freq_hz);
  float *high = malloc(len * FACTOR * sizeof(float)), *out = malloc(len * sizeof(float));
  assert_non_null(high);
  assert_non_null(out);
  for (size_t i = 0; i < len * FACTOR; ++i) {
    high[i] = (float)(15.85 * sin(2.0 * M_PI * (double)k * (double)i / (N_FFT * FACTOR)));
  }
  GsShaper s;
  tube(&s, 2, order);
  gs_shaper_process(&s, high, high, (uint32_t)(len * FACTOR));
  GsOversampler os;
  assert_int_equal(gs_oversampler_init(&os, FACTOR, rate), GS_OK);
  for (size_t p = 0; p < len; p += BLOCK) {
    gs_oversampler_down(&os, high + p * FACTOR, out + p, BLOCK);
  }
  GsSineAnalysis a;
  assert_int_equal(gs_analysis_sine(out + SETTLE, N_FFT, k, rate, 20.0, 20000.0, &a), GS_OK);
  free(high);
  free(out);
  return gs_power_ratio_db(a.aliasing);
}

static void test_aliasing(void **state)
{
  (void)state;
  static const double freqs[] = {5000.0, 10000.0, 15000.0};
  for (unsigned f = 0; f < 3; ++f) {
    const double first = aliasing_dbc(1, freqs[f]), second = aliasing_dbc(2, freqs[f]);
    print_message("%5.0f Hz at 8x, 24 dB into the curve: first order %.1f dBc, second %.1f dBc\n",
                  freqs[f], first, second);
    GS_ASSERT_BELOW(second, -95.0);
    GS_ASSERT_BELOW(second, first - 10.0);
  }
}

// Blocks of any length and in place equal one call; the portable variant
// equals the AVX2 one bit for bit.
static void test_blocks_and_variants(void **state)
{
  (void)state;
  enum { N = 1500 };
  static float in[N], a[N], b[N];
  uint32_t seed = 99;
  for (unsigned i = 0; i < N; ++i) {
    seed = seed * 1664525u + 1013904223u;
    in[i] = (float)((double)seed / 4294967296.0 * 12.0 - 6.0);
  }
  for (int v = 0; v < GS_LANES_N_VARIANTS; ++v) {
    if (!gs_lanes_variant_supported((GsLanesVariant)v)) {
      continue;
    }
    GsShaper s1, s2;
    tube(&s1, 2, 2);
    tube(&s2, 2, 2);
    s2.variant = (GsLanesVariant)v;
    gs_shaper_process(&s1, in, a, N);
    memcpy(b, in, sizeof(b));
    for (unsigned pos = 0, m = 1; pos < N; pos += m, m = m * 7 % 300 + 1) {
      const unsigned len = m < N - pos ? m : N - pos;
      gs_shaper_process(&s2, b + pos, b + pos, len);
    }
    print_message("variant %s: blocks in place equal one call\n",
                  gs_lanes_variant_name((GsLanesVariant)v));
    assert_memory_equal(a, b, sizeof(a));
  }
}

// A stretch of constant input (digital silence, DC) that fills a whole
// chunk with its history takes a shortcut in the mono kernel: one interval
// for all. Split so that the same samples fall in such a chunk or in one
// with the signal around them, the output is the same to the bit, in every
// variant, for constants at 0, at -bias (u = 0), past the knees and far out.
static void test_constant_input(void **state)
{
  (void)state;
  enum { N = 2000, START = 300, END = 1500 };
  static float in[N], a[N], b[N];
  GsShaper probe;
  tube(&probe, 2, 2);
  const double values[] = {0.0, -probe.bias, 0.5, -3.0, 1e4};
  for (unsigned k = 0; k < sizeof(values) / sizeof(values[0]); ++k) {
    uint32_t seed = 5 + k;
    for (unsigned i = 0; i < N; ++i) {
      seed = seed * 1664525u + 1013904223u;
      const double noise = (double)seed / 4294967296.0 * 6.0 - 3.0;
      in[i] = (float)(i >= START && i < END ? values[k] : noise);
    }
    for (int v = 0; v < GS_LANES_N_VARIANTS; ++v) {
      if (!gs_lanes_variant_supported((GsLanesVariant)v)) {
        continue;
      }
      GsShaper s1, s2;
      tube(&s1, 2, 2);
      tube(&s2, 2, 2);
      s1.variant = s2.variant = (GsLanesVariant)v;
      gs_shaper_process(&s1, in, a, N);  // the stretch inside chunks with signal
      static const unsigned cuts[] = {START + 7, END - 9, N};  // chunks wholly in it
      for (unsigned c = 0, pos = 0; c < 3; pos = cuts[c++]) {
        gs_shaper_process(&s2, in + pos, b + pos, cuts[c] - pos);
      }
      unsigned differ = 0;
      for (unsigned i = 0; i < N; ++i) {
        differ += memcmp(&a[i], &b[i], sizeof(float)) != 0;
      }
      print_message("constant %g (%s): %u samples differ\n", values[k],
                    gs_lanes_variant_name((GsLanesVariant)v), differ);
      assert_int_equal(differ, 0);
      // and the stretch gives the curve's value there
      GS_ASSERT_NEAR(b[END - 20], gs_shaper_eval(&s2, values[k]), 2e-7);
    }
  }
}

// A NaN comes out in its block and the next block starts clean; infinities
// and huge inputs are held at +-2^20, where the curve is flat, and give
// outputs within the curve's range.
static void test_bad_inputs(void **state)
{
  (void)state;
  GsShaper s;
  tube(&s, 2, 2);
  const float bad[] = {0.1f, NAN, 0.2f, 0.3f}, good[8] = {0.25f, 0.25f, 0.25f, 0.25f,
                                                       0.25f, 0.25f, 0.25f, 0.25f};
  float out[8];
  gs_shaper_process(&s, bad, out, 4);
  gs_shaper_process(&s, good, out, 8);
  for (unsigned i = 0; i < 8; ++i) {
    assert_true(isfinite(out[i]));
  }
  // After two samples of delay the output is the curve at 0.25.
  GS_ASSERT_NEAR(out[7], gs_shaper_eval(&s, 0.25), 2e-7);
  const float huge[] = {1e4f, -1e4f, 3e38f, -3e38f, INFINITY, -INFINITY, 0.0f, 1e30f, 0.5f, -1e4f};
  const unsigned n = sizeof(huge) / sizeof(huge[0]);
  const double hi = gs_shaper_eval(&s, 1e30), lo = gs_shaper_eval(&s, -1e30);
  gs_shaper_reset(&s);
  float big[16];
  gs_shaper_process(&s, huge, big, n);
  for (unsigned i = 0; i < n; ++i) {
    assert_true(isfinite(big[i]));
    GS_ASSERT_BELOW(big[i], hi + 1e-6);
    GS_ASSERT_ABOVE(big[i], lo - 1e-6);
  }
}

// A change of curve between blocks applies at once: the history is raw
// input, so a constant input gives the new curve's value from the next
// sample on.
static void test_set_tube(void **state)
{
  (void)state;
  GsShaper s;
  tube(&s, 0, 2);
  float x[8] = {0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f, 0.2f}, y[8];
  gs_shaper_process(&s, x, y, 8);
  gs_shaper_set_tube(&s, 0.5, 3.0);
  gs_shaper_process(&s, x, y, 1);
  GS_ASSERT_NEAR(y[0], gs_shaper_eval(&s, 0.2), 2e-7);
  // set_order keeps other shapes at first order
  GsShaper h;
  gs_shaper_init(&h, GS_SHAPE_HARD, true);
  gs_shaper_set_order(&h, 2);
  assert_int_equal(h.order, 1);
  GS_ASSERT_NEAR(gs_shaper_latency(&h), 0.5, 0.0);
}

// The 8-channel shaper runs the mono kernel lane for lane: every lane
// equals a mono shaper bit for bit, in every variant, across blocks and a
// change of curve.
static void test_lanes_match_mono(void **state)
{
  (void)state;
  enum { N = 900 };
  static float in8[N * GS_LANES], out8[N * GS_LANES];
  float in[N], out[N], lane[N];
  lanes_input(in8, N, 24.0, 2024);
  for (int v = 0; v < GS_LANES_N_VARIANTS; ++v) {
    if (!gs_lanes_variant_supported((GsLanesVariant)v)) {
      continue;
    }
    GsShaper8 s8;
    gs_shaper8_init(&s8, GS_SHAPE_TUBE, true);
    gs_shaper8_set_tube(&s8, 0.3, 2.0);
    gs_shaper8_set_order(&s8, 2);
    assert_int_equal(gs_shaper8_set_variant(&s8, (GsLanesVariant)v), GS_OK);
    gs_shaper8_process(&s8, in8, out8, N / 3);
    gs_shaper8_set_tube(&s8, 0.5, 3.0);
    gs_shaper8_process(&s8, in8 + N / 3 * GS_LANES, out8 + N / 3 * GS_LANES, N - N / 3);
    unsigned differ = 0;
    for (unsigned l = 0; l < GS_LANES; ++l) {
      GsShaper s;
      tube(&s, 2, 2);
      lanes_take(in8, l, in, N);
      gs_shaper_process(&s, in, out, N / 3);
      gs_shaper_set_tube(&s, 0.5, 3.0);
      gs_shaper_process(&s, in + N / 3, out + N / 3, N - N / 3);
      lanes_take(out8, l, lane, N);
      for (unsigned i = 0; i < N; ++i) {
        differ += out[i] != lane[i];
      }
    }
    print_message("8 lanes (%s): %u samples differ from mono\n",
                  gs_lanes_variant_name((GsLanesVariant)v), differ);
    assert_int_equal(differ, 0);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_antiderivative2),
    cmocka_unit_test(test_matches_quadrature),
    cmocka_unit_test(test_ill_conditioned),
    cmocka_unit_test(test_delay_and_response),
    cmocka_unit_test(test_aliasing),
    cmocka_unit_test(test_blocks_and_variants),
    cmocka_unit_test(test_constant_input),
    cmocka_unit_test(test_bad_inputs),
    cmocka_unit_test(test_set_tube),
    cmocka_unit_test(test_lanes_match_mono),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
