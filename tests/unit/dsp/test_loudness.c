// SPDX-License-Identifier: ISC
// Tests the loudness meter with EBU Tech 3341/3342 test signals, made here, and
// against libebur128 as an independent referee.

#include "check.h"

#include "dsp/loudness.h"

#include <ebur128.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846
#define MAX_SEGMENTS 8

// A programme made of segments, each a duration and a level per channel.
// Sine programmes are the EBU's: a 1 kHz sine whose peak is level_db dBFS on
// each channel (a stereo one at -23 dBFS reads -23 LUFS). Noise programmes
// scale a pink-ish noise by level_db.
typedef struct {
  double seconds;
  double level_db[GS_LOUDNESS_MAX_CHANNELS];
} Segment;

typedef struct {
  double rate_hz;
  unsigned channels;
  const Segment *seg;
  size_t n_seg;
  int noise;  // 0: 1 kHz sine, 1: pink-ish noise
  // Position.
  size_t seg_i;
  uint64_t frame, seg_end;
  double gain[GS_LOUDNESS_MAX_CHANNELS];
  // Noise: one generator and six one-pole low-passes per channel.
  uint64_t rng[GS_LOUDNESS_MAX_CHANNELS];
  double lp[GS_LOUDNESS_MAX_CHANNELS][6];
  double lp_coef[6], lp_gain[6];
} Source;

static void source_enter_segment(Source *s)
{
  double end_s = 0.0;
  for (size_t i = 0; i <= s->seg_i && i < s->n_seg; ++i) {
    end_s += s->seg[i].seconds;
  }
  s->seg_end = (uint64_t)llround(end_s * s->rate_hz);
  for (unsigned c = 0; c < s->channels; ++c) {
    s->gain[c] = (s->seg_i < s->n_seg) ? pow(10.0, s->seg[s->seg_i].level_db[c] / 20.0) : 0.0;
  }
}

static void source_init(Source *s, double rate_hz, unsigned channels, const Segment *seg,
                        size_t n_seg, int noise)
{
  memset(s, 0, sizeof *s);
  s->rate_hz = rate_hz;
  s->channels = channels;
  s->seg = seg;
  s->n_seg = n_seg;
  s->noise = noise;
  for (unsigned c = 0; c < channels; ++c) {
    s->rng[c] = 0x9E3779B97F4A7C15u * (c + 1);
  }
  // Pink-ish: low-passes with corners 4x apart, each weighted by
  // 1/sqrt(corner), so the summed power density falls roughly as 1/f from
  // 20 Hz to 20 kHz; the 20 Hz one keeps some energy down where the RLB
  // high-pass works.
  for (int k = 0; k < 6; ++k) {
    const double corner_hz = fmin(20.0 * pow(4.0, k), 0.45 * rate_hz);
    s->lp_coef[k] = 1.0 - exp(-2.0 * PI * corner_hz / rate_hz);
    s->lp_gain[k] = 0.25 * sqrt(20.0 / corner_hz) / sqrt(s->lp_coef[k]);
  }
  source_enter_segment(s);
}

// Uniform in [-1, 1) from xorshift64*.
static double uniform(uint64_t *x)
{
  *x ^= *x >> 12;
  *x ^= *x << 25;
  *x ^= *x >> 27;
  return (double)((*x * 0x2545F4914F6CDD1Du) >> 11) / 4503599627370496.0 - 1.0;
}

// Writes up to n frames; returns how many (0 at the end of the programme).
static uint32_t source_fill(Source *s, float *buf, uint32_t n)
{
  uint32_t i = 0;
  for (; i < n; ++i) {
    while (s->seg_i < s->n_seg && s->frame >= s->seg_end) {
      s->seg_i++;
      source_enter_segment(s);
    }
    if (s->seg_i >= s->n_seg) {
      break;
    }
    const double sine = sin(2.0 * PI * 1000.0 * (double)s->frame / s->rate_hz);
    for (unsigned c = 0; c < s->channels; ++c) {
      double v = sine;
      if (s->noise) {
        const double w = uniform(&s->rng[c]);
        v = 0.0;
        for (int k = 0; k < 6; ++k) {
          s->lp[c][k] += s->lp_coef[k] * (w - s->lp[c][k]);
          v += s->lp_gain[k] * s->lp[c][k];
        }
      }
      buf[(size_t)i * s->channels + c] = (float)(s->gain[c] * v);
    }
    s->frame++;
  }
  return i;
}

// Feeds a whole programme to l in 100 ms chunks.
static void run(GsLoudness *l, double rate_hz, unsigned channels, const Segment *seg, size_t n_seg,
                int noise)
{
  Source s;
  source_init(&s, rate_hz, channels, seg, n_seg, noise);
  float *buf = malloc((size_t)l->step_frames * channels * sizeof *buf);
  assert_non_null(buf);
  uint32_t n;
  while ((n = source_fill(&s, buf, l->step_frames)) > 0) {
    gs_loudness_add_frames(l, buf, n);
  }
  free(buf);
}

// The standard's 48 kHz coefficients (ITU-R BS.1770-4 Annex 1, Tables 1, 2).
static void test_k_weighting_at_48k_is_the_standards(void **state)
{
  (void)state;
  const double published[2][5] = {
    {1.53512485958697, -2.69169618940638, 1.19839281085285, -1.69065929318241, 0.73248077421585},
    {1.0, -2.0, 1.0, -1.99004745483398, 0.99007225036621},
  };
  GsLoudness *l = malloc(sizeof *l);
  assert_non_null(l);
  assert_int_equal(gs_loudness_init(l, 48000.0, 2), GS_OK);
  double worst = 0.0;
  for (int s = 0; s < 2; ++s) {
    for (int k = 0; k < 5; ++k) {
      GS_ASSERT_NEAR(l->coef[s][k], published[s][k], 1e-6);
      worst = fmax(worst, fabs(l->coef[s][k] - published[s][k]));
    }
  }
  print_message("K-weighting at 48 kHz vs BS.1770-4 tables: worst %.3g\n", worst);
  free(l);
}

#define SEG2(s, a) {s, {a, a}}

// EBU Tech 3341 (2016) Table 1, cases 1-6: 1 kHz sines at 48 kHz; expected
// integrated -23.0 LUFS (case 2: -33.0), +-0.1 LU. Cases 1 and 2 are constant,
// so momentary and short-term read the same at the end.
static void test_tech3341_integrated_cases(void **state)
{
  (void)state;
  const struct {
    int tech_case;
    unsigned channels;
    size_t n_seg;
    Segment seg[MAX_SEGMENTS];
    double expected;
    int constant;
  } cases[] = {
    // 1: stereo, -23 dBFS, 20 s.
    {1, 2, 1, {SEG2(20.0, -23.0)}, -23.0, 1},
    // 2: stereo, -33 dBFS, 20 s.
    {2, 2, 1, {SEG2(20.0, -33.0)}, -33.0, 1},
    // 3: stereo, -36 dBFS 10 s, -23 dBFS 60 s, -36 dBFS 10 s (the quiet parts
    // fall below the relative gate).
    {3, 2, 3, {SEG2(10.0, -36.0), SEG2(60.0, -23.0), SEG2(10.0, -36.0)}, -23.0, 0},
    // 4: stereo, -72 / -36 / -23 / -36 / -72 dBFS for 10 / 10 / 60 / 10 / 10 s
    // (the absolute gate removes the -72 dBFS parts).
    {4, 2, 5,
     {SEG2(10.0, -72.0), SEG2(10.0, -36.0), SEG2(60.0, -23.0), SEG2(10.0, -36.0),
      SEG2(10.0, -72.0)},
     -23.0, 0},
    // 5: stereo, -26 dBFS 20 s, -20 dBFS 20.1 s, -26 dBFS 20 s (nothing gated).
    {5, 2, 3, {SEG2(20.0, -26.0), SEG2(20.1, -20.0), SEG2(20.0, -26.0)}, -23.0, 0},
    // 6: 5.0 channels L R C Ls Rs at -28 -28 -24 -30 -30 dBFS, 20 s (the
    // surrounds weighted 1.41).
    {6, 5, 1, {{20.0, {-28.0, -28.0, -24.0, -30.0, -30.0}}}, -23.0, 1},
  };
  GsLoudness *l = malloc(sizeof *l);
  assert_non_null(l);
  double worst = 0.0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    assert_int_equal(gs_loudness_init(l, 48000.0, cases[i].channels), GS_OK);
    run(l, 48000.0, cases[i].channels, cases[i].seg, cases[i].n_seg, 0);
    const double integrated = gs_loudness_integrated(l);
    print_message("Tech 3341 case %d: I %.3f LUFS (expected %.1f)", cases[i].tech_case, integrated,
                  cases[i].expected);
    GS_ASSERT_NEAR(integrated, cases[i].expected, 0.1);
    worst = fmax(worst, fabs(integrated - cases[i].expected));
    if (cases[i].constant) {
      const double m = gs_loudness_momentary(l), s = gs_loudness_shortterm(l);
      print_message(", M %.3f, S %.3f", m, s);
      GS_ASSERT_NEAR(m, cases[i].expected, 0.1);
      GS_ASSERT_NEAR(s, cases[i].expected, 0.1);
      worst = fmax(worst, fmax(fabs(m - cases[i].expected), fabs(s - cases[i].expected)));
    }
    print_message("\n");
  }
  print_message("Tech 3341 cases 1-6: worst deviation %.3f LU\n", worst);
  free(l);
}

// EBU Tech 3341 (2016) Table 1, cases 9 and 12, as we reconstruct them: a
// stereo 1 kHz sine alternating between -20 and -30 dBFS with a period equal
// to the short-term window (case 9: 1.34 s at -20, 1.66 s at -30) or the
// momentary one (case 12: 0.18 s at -20, 0.22 s at -30). Every window then
// holds exactly one period, so the reading is constant once it is full:
//   case 9:  10 log10((1.34 * 10^-2 + 1.66 * 10^-3) / 3)  = -22.99 LUFS
//   case 12: 10 log10((0.18 * 10^-2 + 0.22 * 10^-3) / 0.4) = -22.97 LUFS
// and the spec expects -23.0 +-0.1. (We repeat 5 and 20 periods.) Cases 10,
// 11, 13 and 14 use pink noise bursts we cannot reconstruct exactly.
static void check_constant_reading(int tech_case, double on_s, double off_s, int periods,
                                   int shortterm, double *worst)
{
  Segment seg[2 * 20];
  for (int p = 0; p < periods; ++p) {
    seg[2 * p] = (Segment)SEG2(on_s, -20.0);
    seg[2 * p + 1] = (Segment)SEG2(off_s, -30.0);
  }
  GsLoudness *l = malloc(sizeof *l);
  assert_non_null(l);
  assert_int_equal(gs_loudness_init(l, 48000.0, 2), GS_OK);
  Source s;
  source_init(&s, 48000.0, 2, seg, (size_t)(2 * periods), 0);
  float buf[4800 * 2];
  double lo = HUGE_VAL, hi = -HUGE_VAL;
  uint32_t n;
  while ((n = source_fill(&s, buf, 4800)) == 4800) {
    gs_loudness_add_frames(l, buf, n);
    const double v = shortterm ? gs_loudness_shortterm(l) : gs_loudness_momentary(l);
    if ((double)l->n_steps * 0.1 >= on_s + off_s + 1e-9) {
      lo = fmin(lo, v);
      hi = fmax(hi, v);
      GS_ASSERT_NEAR(v, -23.0, 0.1);
    }
  }
  print_message("Tech 3341 case %d: %s from %.3f to %.3f LUFS (expected -23.0)\n", tech_case,
                shortterm ? "S" : "M", lo, hi);
  *worst = fmax(*worst, fmax(fabs(lo + 23.0), fabs(hi + 23.0)));
  free(l);
}

static void test_tech3341_momentary_and_shortterm_cases(void **state)
{
  (void)state;
  double worst = 0.0;
  check_constant_reading(9, 1.34, 1.66, 5, 1, &worst);
  check_constant_reading(12, 0.18, 0.22, 20, 0, &worst);
  print_message("Tech 3341 cases 9 and 12: worst deviation %.3f LU\n", worst);
}

// EBU Tech 3342 (2016) cases 1-4: stereo 1 kHz sines at 48 kHz, 20 s per
// level; expected loudness range +-1 LU.
static void test_tech3342_loudness_range_cases(void **state)
{
  (void)state;
  const struct {
    size_t n_seg;
    Segment seg[MAX_SEGMENTS];
    double expected;
  } cases[] = {
    {2, {SEG2(20.0, -20.0), SEG2(20.0, -30.0)}, 10.0},
    {2, {SEG2(20.0, -20.0), SEG2(20.0, -15.0)}, 5.0},
    {2, {SEG2(20.0, -40.0), SEG2(20.0, -20.0)}, 20.0},
    {5,
     {SEG2(20.0, -50.0), SEG2(20.0, -35.0), SEG2(20.0, -20.0), SEG2(20.0, -35.0),
      SEG2(20.0, -50.0)},
     15.0},
  };
  GsLoudness *l = malloc(sizeof *l);
  assert_non_null(l);
  double worst = 0.0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    assert_int_equal(gs_loudness_init(l, 48000.0, 2), GS_OK);
    run(l, 48000.0, 2, cases[i].seg, cases[i].n_seg, 0);
    const double lra = gs_loudness_range(l);
    print_message("Tech 3342 case %zu: LRA %.3f LU (expected %.0f)\n", i + 1, lra,
                  cases[i].expected);
    GS_ASSERT_NEAR(lra, cases[i].expected, 1.0);
    worst = fmax(worst, fabs(lra - cases[i].expected));
  }
  print_message("Tech 3342 cases 1-4: worst deviation %.3f LU\n", worst);
  free(l);
}

static int compare_doubles(const void *a, const void *b)
{
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

// Loudness range (EBU Tech 3342 section 3) of a list of short-term loudness
// values, computed plainly: gate at -70 LUFS, then 20 LU below the loudness of
// the mean square of what passed; the 95th minus the 10th percentile (nearest
// rank) of the rest. Sorts v.
static double plain_loudness_range(double *v, size_t n)
{
  double sum = 0.0;
  size_t k = 0;
  for (size_t i = 0; i < n; ++i) {
    if (v[i] > -70.0) {
      sum += pow(10.0, (v[i] + 0.691) / 10.0);
      ++k;
    }
  }
  if (k == 0) {
    return 0.0;
  }
  const double gate = -0.691 + 10.0 * log10(sum / (double)k) - 20.0;
  size_t m = 0;
  for (size_t i = 0; i < n; ++i) {
    if (v[i] > -70.0 && v[i] > gate) {
      v[m++] = v[i];
    }
  }
  qsort(v, m, sizeof *v, compare_doubles);
  return v[(size_t)llround((double)(m - 1) * 0.95)] - v[(size_t)llround((double)(m - 1) * 0.10)];
}

typedef struct {
  double ms, integrated, lra;
} Worst;

// libebur128 as referee: the same programme through both meters, compared
// every second (momentary and short-term, at a 100 ms boundary where both
// mean the same window) and at the end (integrated and loudness range).
//
// libebur128 takes a short-term value for the loudness range once a second,
// we take one every 100 ms (loudness.h). Where levels hold for a long time
// (native_lra) that makes no difference and we compare with its loudness
// range directly. Where they change every few seconds the transitions weigh
// differently, so we compare instead with the range of libebur128's own
// short-term readings taken every 100 ms (plain_loudness_range above).
static void cross_check(double rate_hz, unsigned channels, const Segment *seg, size_t n_seg,
                        int noise, int native_lra, Worst *worst)
{
  const double tol_lu = 0.05;
  GsLoudness *l = malloc(sizeof *l);
  assert_non_null(l);
  assert_int_equal(gs_loudness_init(l, rate_hz, channels), GS_OK);
  ebur128_state *e = ebur128_init(channels, (unsigned long)rate_hz,
                                  EBUR128_MODE_M | EBUR128_MODE_S | EBUR128_MODE_I |
                                    EBUR128_MODE_LRA);
  assert_non_null(e);
  if (channels == 5) {
    const int map[5] = {EBUR128_LEFT, EBUR128_RIGHT, EBUR128_CENTER, EBUR128_LEFT_SURROUND,
                        EBUR128_RIGHT_SURROUND};
    for (unsigned c = 0; c < 5; ++c) {
      assert_int_equal(ebur128_set_channel(e, c, map[c]), EBUR128_SUCCESS);
    }
  }
  double seconds = 0.0;
  for (size_t i = 0; i < n_seg; ++i) {
    seconds += seg[i].seconds;
  }
  const size_t max_values = (size_t)(seconds * 10.0) + 1;
  double *st_ref = malloc(max_values * sizeof *st_ref);
  assert_non_null(st_ref);
  size_t n_st_ref = 0;

  Source s;
  source_init(&s, rate_hz, channels, seg, n_seg, noise);
  float *buf = malloc((size_t)l->step_frames * channels * sizeof *buf);
  assert_non_null(buf);
  uint32_t n;
  while ((n = source_fill(&s, buf, l->step_frames)) == l->step_frames) {
    gs_loudness_add_frames(l, buf, n);
    assert_int_equal(ebur128_add_frames_float(e, buf, n), EBUR128_SUCCESS);
    if (l->n_steps < GS_LOUDNESS_STEPS) {
      continue;
    }
    double m_ref, s_ref;
    assert_int_equal(ebur128_loudness_momentary(e, &m_ref), EBUR128_SUCCESS);
    assert_int_equal(ebur128_loudness_shortterm(e, &s_ref), EBUR128_SUCCESS);
    assert_true(n_st_ref < max_values);
    st_ref[n_st_ref++] = s_ref;
    if (l->n_steps % 10 == 0) {
      const double m = gs_loudness_momentary(l), st = gs_loudness_shortterm(l);
      if (m_ref > -70.0) {  // below that, both only measure the filters' tails
        GS_ASSERT_NEAR(m, m_ref, tol_lu);
        worst->ms = fmax(worst->ms, fabs(m - m_ref));
      }
      if (s_ref > -70.0) {
        GS_ASSERT_NEAR(st, s_ref, tol_lu);
        worst->ms = fmax(worst->ms, fabs(st - s_ref));
      }
    }
  }
  double i_ref, lra_ref;
  assert_int_equal(ebur128_loudness_global(e, &i_ref), EBUR128_SUCCESS);
  if (native_lra) {
    assert_int_equal(ebur128_loudness_range(e, &lra_ref), EBUR128_SUCCESS);
  } else {
    lra_ref = plain_loudness_range(st_ref, n_st_ref);
  }
  const double integrated = gs_loudness_integrated(l), lra = gs_loudness_range(l);
  print_message("%6.0f Hz %u ch %s: I %.4f (libebur128 %.4f), LRA %.4f (%s %.4f)\n", rate_hz,
                channels, noise ? "noise" : "sine ", integrated, i_ref, lra,
                native_lra ? "libebur128" : "its S every 100 ms", lra_ref);
  GS_ASSERT_NEAR(integrated, i_ref, tol_lu);
  GS_ASSERT_NEAR(lra, lra_ref, tol_lu);
  worst->integrated = fmax(worst->integrated, fabs(integrated - i_ref));
  worst->lra = fmax(worst->lra, fabs(lra - lra_ref));
  free(st_ref);
  free(buf);
  ebur128_destroy(&e);
  free(l);
}

static void test_agrees_with_libebur128(void **state)
{
  (void)state;
  // Levels held 20 s, as in Tech 3342's cases.
  const Segment plateaus[] = {SEG2(20.0, -20.0), SEG2(20.0, -30.0), SEG2(20.0, -25.0),
                              SEG2(20.0, -36.0)};
  // Levels that change every few seconds and exercise both gates: -75 is
  // below the absolute gate, -45 below the relative one.
  const Segment steps[] = {
    SEG2(6.0, -20.0), SEG2(4.0, -32.0), SEG2(3.0, -75.0), SEG2(5.0, -26.0),
    SEG2(4.0, -45.0), SEG2(6.0, -14.0), SEG2(4.0, -29.0),
  };
  const size_t n_steps = sizeof steps / sizeof steps[0];
  const Segment surround[] = {{12.0, {-20.0, -22.0, -18.0, -30.0, -26.0}},
                              {12.0, {-35.0, -35.0, -30.0, -40.0, -40.0}}};
  Worst worst = {0.0, 0.0, 0.0};
  cross_check(44100.0, 2, plateaus, 4, 1, 1, &worst);
  cross_check(96000.0, 2, plateaus, 4, 1, 1, &worst);
  cross_check(44100.0, 2, steps, n_steps, 1, 0, &worst);
  cross_check(96000.0, 2, steps, n_steps, 1, 0, &worst);
  cross_check(48000.0, 5, surround, 2, 1, 1, &worst);
  cross_check(32000.0, 1, steps, n_steps, 0, 0, &worst);
  print_message("vs libebur128: worst M/S %.4f LU, I %.4f LU, LRA %.4f LU\n", worst.ms,
                worst.integrated, worst.lra);
}

static void test_readings_before_a_window_is_full(void **state)
{
  (void)state;
  GsLoudness *l = malloc(sizeof *l);
  assert_non_null(l);
  assert_int_equal(gs_loudness_init(l, 48000.0, 2), GS_OK);
  assert_true(gs_loudness_momentary(l) == -HUGE_VAL);
  assert_true(gs_loudness_integrated(l) == -HUGE_VAL);
  GS_ASSERT_NEAR(gs_loudness_range(l), 0.0, 0.0);

  const Segment seg[] = {SEG2(0.399, -23.0)};
  run(l, 48000.0, 2, seg, 1, 0);
  assert_true(gs_loudness_momentary(l) == -HUGE_VAL);
  const Segment more[] = {SEG2(0.001, -23.0)};
  run(l, 48000.0, 2, more, 1, 0);
  GS_ASSERT_NEAR(gs_loudness_momentary(l), -23.0, 0.1);
  assert_true(gs_loudness_shortterm(l) == -HUGE_VAL);

  // Digital silence is gated out entirely.
  const Segment silence[] = {SEG2(5.0, -1000.0)};
  gs_loudness_reset(l);
  run(l, 48000.0, 2, silence, 1, 0);
  assert_true(gs_loudness_momentary(l) == -HUGE_VAL);
  assert_true(gs_loudness_integrated(l) == -HUGE_VAL);
  GS_ASSERT_NEAR(gs_loudness_range(l), 0.0, 0.0);
  free(l);
}

// Blocks of any size give the same result as one call.
static void test_block_size_does_not_matter(void **state)
{
  (void)state;
  const Segment seg[] = {SEG2(2.0, -18.0), SEG2(2.5, -30.0)};
  Source s;
  source_init(&s, 44100.0, 2, seg, 2, 1);
  const uint32_t total = (uint32_t)(4.5 * 44100.0);
  float *buf = malloc((size_t)total * 2 * sizeof *buf);
  assert_non_null(buf);
  assert_int_equal(source_fill(&s, buf, total), total);

  GsLoudness *a = malloc(sizeof *a), *b = malloc(sizeof *b);
  assert_non_null(a);
  assert_non_null(b);
  assert_int_equal(gs_loudness_init(a, 44100.0, 2), GS_OK);
  assert_int_equal(gs_loudness_init(b, 44100.0, 2), GS_OK);
  gs_loudness_add_frames(a, buf, total);
  for (uint32_t i = 0, len = 1; i < total; i += len, len = len * 3 % 9973 + 1) {
    gs_loudness_add_frames(b, buf + (size_t)i * 2, (i + len > total) ? total - i : len);
  }
  GS_ASSERT_NEAR(gs_loudness_momentary(b), gs_loudness_momentary(a), 1e-9);
  GS_ASSERT_NEAR(gs_loudness_shortterm(b), gs_loudness_shortterm(a), 1e-9);
  GS_ASSERT_NEAR(gs_loudness_integrated(b), gs_loudness_integrated(a), 1e-9);
  GS_ASSERT_NEAR(gs_loudness_range(b), gs_loudness_range(a), 1e-9);
  free(a);
  free(b);
  free(buf);
}

// A NaN clears the filters and its step counts as silence; the meter goes on.
static void test_nan_input_is_survived(void **state)
{
  (void)state;
  GsLoudness *l = malloc(sizeof *l);
  assert_non_null(l);
  assert_int_equal(gs_loudness_init(l, 48000.0, 2), GS_OK);
  const Segment seg[] = {SEG2(1.0, -23.0)};
  run(l, 48000.0, 2, seg, 1, 0);
  const float bad[4] = {NAN, 0.0f, INFINITY, 0.0f};
  gs_loudness_add_frames(l, bad, 2);
  run(l, 48000.0, 2, seg, 1, 0);
  run(l, 48000.0, 2, seg, 1, 0);
  const double m = gs_loudness_momentary(l);
  print_message("momentary after a NaN: %.3f LUFS\n", m);
  GS_ASSERT_NEAR(m, -23.0, 0.1);
  assert_true(isfinite(gs_loudness_integrated(l)));
  free(l);
}

// Blocks louder than the histogram's top (+30 LUFS) are still summed exactly:
// a stereo 1 kHz sine at X dBFS reads X LUFS, so 8 channels of one at
// +26.02 dBFS (amplitude 20) read 26.02 + 10 log10(8 / 2) = 32.04 LUFS.
static void test_very_loud_input(void **state)
{
  (void)state;
  GsLoudness *l = malloc(sizeof *l);
  assert_non_null(l);
  assert_int_equal(gs_loudness_init(l, 48000.0, 8), GS_OK);
  const double level = 20.0 * log10(20.0);
  const Segment seg[] = {{3.0, {level, level, level, level, level, level, level, level}}};
  run(l, 48000.0, 8, seg, 1, 0);
  const double expected = level + 10.0 * log10(4.0);
  GS_ASSERT_NEAR(gs_loudness_integrated(l), expected, 0.1);
  GS_ASSERT_NEAR(gs_loudness_momentary(l), expected, 0.1);
  free(l);
}

static void test_bad_arguments(void **state)
{
  (void)state;
  GsLoudness *l = malloc(sizeof *l);
  assert_non_null(l);
  assert_int_equal(gs_loudness_init(NULL, 48000.0, 2), GS_ERR_USAGE);
  assert_int_equal(gs_loudness_init(l, 1000.0, 2), GS_ERR_RANGE);
  assert_int_equal(gs_loudness_init(l, NAN, 2), GS_ERR_RANGE);
  assert_int_equal(gs_loudness_init(l, 48000.0, 0), GS_ERR_RANGE);
  assert_int_equal(gs_loudness_init(l, 48000.0, 9), GS_ERR_RANGE);
  assert_int_equal(gs_loudness_init(l, 48000.0, 6), GS_OK);
  GS_ASSERT_NEAR(l->weight[3], 0.0, 0.0);  // LFE
  GS_ASSERT_NEAR(l->weight[4], 1.41, 0.0);
  assert_int_equal(gs_loudness_set_weight(l, 6, 1.0), GS_ERR_RANGE);
  assert_int_equal(gs_loudness_set_weight(l, 0, -1.0), GS_ERR_RANGE);
  assert_int_equal(gs_loudness_set_weight(l, 0, INFINITY), GS_ERR_RANGE);
  assert_int_equal(gs_loudness_set_weight(l, 3, 1.0), GS_OK);
  GS_ASSERT_NEAR(l->weight[3], 1.0, 0.0);
  assert_int_equal(gs_loudness_set_weight(NULL, 0, 1.0), GS_ERR_USAGE);
  gs_loudness_add_frames(l, NULL, 100);  // ignored
  assert_true(l->n_steps == 0 && l->step_pos == 0);
  free(l);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_k_weighting_at_48k_is_the_standards),
    cmocka_unit_test(test_tech3341_integrated_cases),
    cmocka_unit_test(test_tech3341_momentary_and_shortterm_cases),
    cmocka_unit_test(test_tech3342_loudness_range_cases),
    cmocka_unit_test(test_agrees_with_libebur128),
    cmocka_unit_test(test_readings_before_a_window_is_full),
    cmocka_unit_test(test_block_size_does_not_matter),
    cmocka_unit_test(test_nan_input_is_survived),
    cmocka_unit_test(test_very_loud_input),
    cmocka_unit_test(test_bad_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
