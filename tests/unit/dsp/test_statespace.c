// SPDX-License-Identifier: ISC
// The state-space filter against the sections' own recursion in double
// (written out here), in every variant: with 1 to 3 sections, at the rates
// the tone stack runs at, split into blocks any way, across coefficient
// changes, on silence, NaN and in place.

#include "check.h"

#include "dsp/biquad.h"
#include "dsp/statespace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N = 12000 };

// The reference: the sections in series, transposed direct form II as
// gs_biquad_process() writes it, in double with no rounding between sections
// (only the output is a float), the state kept across coefficient changes.
typedef struct {
  double c[3][5];
  double z[3][2];
  unsigned n;
} Ref;

static void ref_take(Ref *r, const GsBiquad *b, unsigned n)
{
  r->n = n;
  for (unsigned s = 0; s < n; ++s) {
    const double c[5] = {b[s].b0, b[s].b1, b[s].b2, b[s].a1, b[s].a2};
    memcpy(r->c[s], c, sizeof c);
  }
}

static void ref_process(Ref *r, const float *in, double *out, uint32_t n)
{
  for (uint32_t i = 0; i < n; ++i) {
    double x = in[i];
    for (unsigned s = 0; s < r->n; ++s) {
      const double *c = r->c[s];
      double *z = r->z[s];
      const double y = c[0] * x + z[0];
      z[0] = (c[1] * x + z[1]) - c[3] * y;
      z[1] = c[2] * x - c[4] * y;
      x = y;
    }
    out[i] = x;
  }
}

// Largest |got - want| over n samples, in dB relative to want's RMS.
static double error_db(const float *got, const double *want, uint32_t n)
{
  double worst = 0.0, sum = 0.0;
  for (uint32_t i = 0; i < n; ++i) {
    worst = fmax(worst, fabs((double)got[i] - want[i]));
    sum += want[i] * want[i];
  }
  return worst > 0.0 ? 20.0 * log10(worst / sqrt(sum / n)) : -400.0;
}

// Noise, a sine and a step, with runs of equal samples.
static void make_input(float *x, uint32_t n, uint32_t seed)
{
  for (uint32_t i = 0; i < n; ++i) {
    seed = seed * 1664525u + 1013904223u;
    const double noise = (double)seed / 4294967296.0 * 2.0 - 1.0;
    x[i] = (float)(0.3 * noise + 0.5 * sin(0.003 * i) + (i > n / 2 ? 0.25 : 0.0));
    if (i % 1000 < 40) {
      x[i] = 0.4f;
    }
  }
}

// A tone stack's bands at rate_hz (the shelves of the bass model, the
// extremes of its range) or, for kind 1, a steep highpass, a resonant
// lowpass and a peak: sections with little in common.
static void design(GsBiquad b[3], int kind, double rate_hz, double sign)
{
  for (int i = 0; i < 3; ++i) {
    gs_biquad_init(&b[i]);
  }
  if (kind == 0) {
    gs_biquad_set_lowshelf(&b[0], rate_hz, 80.0, 15.0 * sign, 0.7);
    gs_biquad_set_peaking(&b[1], rate_hz, 500.0, -15.0 * sign, 0.7);
    gs_biquad_set_highshelf(&b[2], rate_hz, 4000.0, 15.0 * sign, 0.7);
  } else {
    gs_biquad_set_highpass(&b[0], rate_hz, 30.0, 0.9);
    gs_biquad_set_lowpass(&b[1], rate_hz, 9000.0, 4.0);
    gs_biquad_set_peaking(&b[2], rate_hz, 2000.0, 9.0 * sign, 3.0);
  }
}

static float x_in[N], y_out[N], y_other[N];
static double y_ref[N];

static void test_init_checks_count(void **state)
{
  (void)state;
  GsBiquad b[3];
  design(b, 0, 192000.0, 1.0);
  GsStateSpace ss;
  assert_int_equal(gs_statespace_init(&ss, b, 0), GS_ERR_RANGE);
  assert_int_equal(gs_statespace_init(&ss, b, 4), GS_ERR_RANGE);
  assert_int_equal(gs_statespace_init(&ss, b, 3), GS_OK);
  // A wrong count changes nothing.
  GsStateSpace copy = ss;
  gs_statespace_set_sections(&ss, b, 4);
  assert_memory_equal(&ss, &copy, sizeof ss);
  assert_true(gs_statespace_variant_supported(GS_STATESPACE_C));
  assert_false(gs_statespace_variant_supported(GS_STATESPACE_N_VARIANTS));
  assert_int_equal(gs_statespace_set_variant(&ss, GS_STATESPACE_N_VARIANTS), GS_ERR_RANGE);
}

// Every variant, 1 to 3 sections, at 48, 192 and 384 kHz: within -120 dB of
// the recursion; what is left is mostly the rounding of the output to float,
// printed beside it (the recursion's own output rounded).
static void test_matches_recursion(void **state)
{
  (void)state;
  const double rates[] = {48000.0, 192000.0, 384000.0};
  make_input(x_in, N, 7);
  for (int v = 0; v < GS_STATESPACE_N_VARIANTS; ++v) {
    if (!gs_statespace_variant_supported((GsStateSpaceVariant)v)) {
      print_message("variant %s: not supported here\n",
                    gs_statespace_variant_name((GsStateSpaceVariant)v));
      continue;
    }
    double worst = -400.0, rounding = -400.0;
    for (int kind = 0; kind < 2; ++kind) {
      for (unsigned r = 0; r < 3; ++r) {
        for (int sign = -1; sign <= 1; sign += 2) {
          for (unsigned n_sections = 1; n_sections <= 3; ++n_sections) {
            GsBiquad b[3];
            design(b, kind, rates[r], sign);
            GsStateSpace ss;
            assert_int_equal(gs_statespace_init(&ss, b, n_sections), GS_OK);
            assert_int_equal(gs_statespace_set_variant(&ss, (GsStateSpaceVariant)v), GS_OK);
            Ref ref = {0};
            ref_take(&ref, b, n_sections);
            gs_statespace_process(&ss, x_in, y_out, N);
            ref_process(&ref, x_in, y_ref, N);
            const double e = error_db(y_out, y_ref, N);
            worst = fmax(worst, e);
            for (uint32_t i = 0; i < N; ++i) {
              y_other[i] = (float)y_ref[i];
            }
            rounding = fmax(rounding, error_db(y_other, y_ref, N));
            if (!(e < -120.0)) {
              print_error("%s, kind %d, %.0f Hz, sign %d, %u sections: %.1f dB\n",
                          gs_statespace_variant_name((GsStateSpaceVariant)v), kind, rates[r],
                          sign, n_sections, e);
              fail();
            }
          }
        }
      }
    }
    print_message("variant %s: largest error from the recursion %.1f dB of RMS (its own "
                  "output rounded to float: %.1f dB)\n",
                  gs_statespace_variant_name((GsStateSpaceVariant)v), worst, rounding);
  }
}

// Every variant agrees with the portable one: they differ in the rounding of
// fused multiply-adds only.
static void test_variants_agree(void **state)
{
  (void)state;
  make_input(x_in, N, 11);
  GsBiquad b[3];
  design(b, 0, 384000.0, 1.0);
  GsStateSpace c;
  assert_int_equal(gs_statespace_init(&c, b, 3), GS_OK);
  assert_int_equal(gs_statespace_set_variant(&c, GS_STATESPACE_C), GS_OK);
  gs_statespace_process(&c, x_in, y_other, N);
  for (uint32_t i = 0; i < N; ++i) {
    y_ref[i] = y_other[i];
  }
  for (int v = 0; v < GS_STATESPACE_N_VARIANTS; ++v) {
    GsStateSpace ss;
    assert_int_equal(gs_statespace_init(&ss, b, 3), GS_OK);
    if (gs_statespace_set_variant(&ss, (GsStateSpaceVariant)v) != GS_OK) {
      continue;
    }
    gs_statespace_process(&ss, x_in, y_out, N);
    const double e = error_db(y_out, y_ref, N);
    print_message("variant %s: largest difference from c %.1f dB of RMS\n",
                  gs_statespace_variant_name((GsStateSpaceVariant)v), e);
    GS_ASSERT_BELOW(e, -130.0);
  }
}

// Blocks of 1, 3, 64, 257 and a mix, in place and not: the same bits as one
// block, and a block of 0 changes nothing.
static void test_blocks_do_not_matter(void **state)
{
  (void)state;
  const uint32_t sizes[] = {1, 3, 64, 257, 0};
  const uint32_t mix[] = {5, 0, 1, 8, 13, 2, 300, 7, 16, 1, 1, 1, 9};
  make_input(x_in, N, 3);
  for (int v = 0; v < GS_STATESPACE_N_VARIANTS; ++v) {
    GsBiquad b[3];
    design(b, 0, 192000.0, -1.0);
    GsStateSpace whole;
    assert_int_equal(gs_statespace_init(&whole, b, 3), GS_OK);
    if (gs_statespace_set_variant(&whole, (GsStateSpaceVariant)v) != GS_OK) {
      continue;
    }
    gs_statespace_process(&whole, x_in, y_other, N);
    for (unsigned k = 0; k < 5; ++k) {
      GsStateSpace ss;
      assert_int_equal(gs_statespace_init(&ss, b, 3), GS_OK);
      assert_int_equal(gs_statespace_set_variant(&ss, (GsStateSpaceVariant)v), GS_OK);
      memcpy(y_out, x_in, sizeof y_out);
      uint32_t done = 0;
      for (unsigned j = 0; done < N; ++j) {
        uint32_t m = sizes[k] ? sizes[k] : mix[j % 13];
        m = m < N - done ? m : N - done;
        gs_statespace_process(&ss, y_out + done, y_out + done, m);  // in place
        done += m;
      }
      assert_memory_equal(y_out, y_other, sizeof y_out);
      assert_memory_equal(ss.state, whole.state, sizeof ss.state);
      assert_int_equal(ss.n_pend, whole.n_pend);
    }
  }
}

// Change c of a run of changes: every band designed anew, as a tone
// control's glide makes.
static void change(GsBiquad b[3], unsigned c)
{
  const double t = (double)c / 8.0;
  gs_biquad_set_lowshelf(&b[0], 384000.0, 80.0, 15.0 - 30.0 * t, 0.7);
  gs_biquad_set_peaking(&b[1], 384000.0, 500.0, -15.0 + 20.0 * t, 0.7);
  gs_biquad_set_highshelf(&b[2], 384000.0, 4000.0, 15.0 * cos(7.0 * t), 0.7);
}

// Coefficients that change between blocks, most of them inside a group: the
// state carries over as the recursion's does (-120 dB), and the output
// depends on where the changes fall, not on how the blocks around them are
// cut (blocks of 1, 101, 201 and 301 samples between the changes).
static void test_changes_between_blocks(void **state)
{
  (void)state;
  make_input(x_in, N, 5);
  const uint32_t at[] = {0, 1001, 1500, 2003, 4096, 4100, 7777, 9001, N};
  const unsigned n_changes = sizeof at / sizeof at[0] - 1;
  for (int v = 0; v < GS_STATESPACE_N_VARIANTS; ++v) {
    if (!gs_statespace_variant_supported((GsStateSpaceVariant)v)) {
      continue;
    }
    for (uint32_t step = 1; step <= 301; step += 100) {
      GsBiquad b[3];
      design(b, 0, 384000.0, 1.0);
      GsStateSpace ss;
      assert_int_equal(gs_statespace_init(&ss, b, 3), GS_OK);
      assert_int_equal(gs_statespace_set_variant(&ss, (GsStateSpaceVariant)v), GS_OK);
      Ref ref = {0};
      for (unsigned c = 0; c < n_changes; ++c) {
        change(b, c);
        gs_statespace_set_sections(&ss, b, 3);
        ref_take(&ref, b, 3);
        ref_process(&ref, x_in + at[c], y_ref + at[c], at[c + 1] - at[c]);
        for (uint32_t i = at[c]; i < at[c + 1];) {
          const uint32_t m = at[c + 1] - i < step ? at[c + 1] - i : step;
          gs_statespace_process(&ss, x_in + i, y_out + i, m);
          i += m;
        }
      }
      const double e = error_db(y_out, y_ref, N);
      if (step == 1) {
        memcpy(y_other, y_out, sizeof y_out);
        print_message("variant %s: across %u changes, %.1f dB of RMS from the recursion\n",
                      gs_statespace_variant_name((GsStateSpaceVariant)v), n_changes, e);
      } else {
        assert_memory_equal(y_out, y_other, sizeof y_out);
      }
      GS_ASSERT_BELOW(e, -120.0);
    }
  }
}

// Silence after a signal: the state is cleared (at the end of a sixteenth
// group) instead of decaying into the denormals, and a setter that changes
// nothing keeps the group under way.
static void test_silence_clears_state(void **state)
{
  (void)state;
  GsBiquad b[3];
  design(b, 0, 384000.0, 1.0);
  GsStateSpace ss;
  assert_int_equal(gs_statespace_init(&ss, b, 3), GS_OK);
  make_input(x_in, 1000, 1);
  gs_statespace_process(&ss, x_in, y_out, 1000);
  static float zeros[384000];
  static float out[384000];
  gs_statespace_process(&ss, zeros, out, 384000);  // 1 s: the 80 Hz shelf decays by e^-400
  unsigned denormals = 0;
  for (uint32_t i = 0; i < 384000; ++i) {
    denormals += out[i] != 0.0f && fabsf(out[i]) < 1.17549435e-38f;
  }
  assert_int_equal(denormals, 0);
  for (unsigned r = 0; r < GS_STATESPACE_GROUP; ++r) {
    assert_true(ss.state[r] == 0.0);
  }
  assert_true(out[383999] == 0.0f);
  // An unchanged design returns early: the group under way stays.
  gs_statespace_process(&ss, x_in, y_out, 5);
  assert_int_equal(ss.n_pend, 5);
  gs_statespace_set_sections(&ss, b, 3);
  assert_int_equal(ss.n_pend, 5);
  gs_statespace_reset(&ss);
  assert_int_equal(ss.n_pend, 0);
  gs_statespace_process(&ss, zeros, out, 100);
  for (uint32_t i = 0; i < 100; ++i) {
    assert_true(out[i] == 0.0f);
  }
}

// A NaN reaches the outputs from its own sample on, not before: the group it
// falls in computes its earlier outputs without it.
static void test_nan_is_causal(void **state)
{
  (void)state;
  GsBiquad b[3];
  design(b, 0, 192000.0, 1.0);
  make_input(x_in, 64, 2);
  for (int v = 0; v < GS_STATESPACE_N_VARIANTS; ++v) {
    for (uint32_t at = 8; at < 16; ++at) {
      GsStateSpace clean, bad;
      assert_int_equal(gs_statespace_init(&clean, b, 3), GS_OK);
      if (gs_statespace_set_variant(&clean, (GsStateSpaceVariant)v) != GS_OK) {
        break;
      }
      bad = clean;
      float x[64];
      memcpy(x, x_in, sizeof x);
      gs_statespace_process(&clean, x, y_other, 64);
      x[at] = NAN;
      gs_statespace_process(&bad, x, y_out, 64);
      assert_memory_equal(y_out, y_other, at * sizeof(float));
      for (uint32_t i = at; i < 64; ++i) {
        assert_true(isnan(y_out[i]));
      }
    }
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_init_checks_count),
    cmocka_unit_test(test_matches_recursion),
    cmocka_unit_test(test_variants_agree),
    cmocka_unit_test(test_blocks_do_not_matter),
    cmocka_unit_test(test_changes_between_blocks),
    cmocka_unit_test(test_silence_clears_state),
    cmocka_unit_test(test_nan_is_causal),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
