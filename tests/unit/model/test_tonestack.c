// SPDX-License-Identifier: ISC
// The tone stack of every model with tone controls, at 4x and 8x 48 kHz:
// within -120 dB of its three biquads in series (a double cascade written
// out here, and gs_biquad_cascade_process(), which it ran before) on sines,
// a sweep and noise, for settings across the range, in blocks of 1, 3, 64
// and 257 samples, with the gains fixed and gliding between blocks; and the
// same bits however the stream is split.

#include "check.h"

#include "dsp/biquad.h"
#include "gainstage/preamp.h"
#include "model/tonestack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE_HZ 48000.0
enum { N = 40000 };  // 0.1 s at 384 kHz: 50 time constants of the 80 Hz shelf

static const unsigned factors[] = {4, 8};
static const uint32_t blocks[] = {1, 3, 64, 257};
// Bass, mid, treble as fractions of the model's range.
static const double settings[][3] = {
  {0.0, 0.0, 0.0},  {1.0, 1.0, 1.0},   {-1.0, -1.0, -1.0}, {1.0, -1.0, 1.0},
  {-1.0, 1.0, -1.0}, {0.5, -0.2, 0.8}, {-0.7, 0.3, 0.01},
};
#define N_SETTINGS (sizeof settings / sizeof settings[0])

// The reference: the three bands in series sample by sample, transposed
// direct form II in double with no rounding between them, keeping the state
// across a new design as GsBiquad does.
typedef struct {
  double z[3][2];
} Ref;

static void ref_process(Ref *r, const GsBiquad band[3], const float *in, double *out, uint32_t n)
{
  for (uint32_t i = 0; i < n; ++i) {
    double x = in[i];
    for (int s = 0; s < 3; ++s) {
      const GsBiquad *b = &band[s];
      double *z = r->z[s];
      const double y = b->b0 * x + z[0];
      z[0] = (b->b1 * x + z[1]) - b->a1 * y;
      z[1] = b->b2 * x - b->a2 * y;
      x = y;
    }
    out[i] = x;
  }
}

static float x_in[N], y_out[N], y_old[N], y_whole[N];
static double y_ref[N];

// How far got is from want, in dB of want's RMS: the largest difference
// (peak) and the difference's RMS.
typedef struct {
  double peak_db, rms_db;
} Error;

static Error error_of(const float *got, const double *want, uint32_t n)
{
  double worst = 0.0, sum = 0.0, sum_d = 0.0;
  for (uint32_t i = 0; i < n; ++i) {
    const double d = (double)got[i] - want[i];
    worst = fmax(worst, fabs(d));
    sum += want[i] * want[i];
    sum_d += d * d;
  }
  const double rms = sqrt(sum / n);
  return (Error){
    worst > 0.0 ? 20.0 * log10(worst / rms) : -400.0,
    sum_d > 0.0 ? 20.0 * log10(sqrt(sum_d / n) / rms) : -400.0,
  };
}

static Error error_of_f(const float *got, const float *want, uint32_t n)
{
  static double w[N];
  for (uint32_t i = 0; i < n; ++i) {
    w[i] = want[i];
  }
  return error_of(got, w, n);
}

// The worst errors seen: the tone stack from the double cascade (peak) and
// from gs_biquad_cascade_process() (peak and RMS), and that one from the
// double cascade (peak), whose rounding to float between its sections is
// most of their difference.
typedef struct {
  double new_ref, new_old, new_old_rms, old_ref;
} Worst;

// Checks one run against the references, within -120 dB: the peak error
// from the double cascade, the RMS error from the float one.
static void check(Worst *w, const char *what)
{
  const Error e_ref = error_of(y_out, y_ref, N);
  const Error e_old = error_of_f(y_out, y_old, N);
  const Error old_ref = error_of(y_old, y_ref, N);
  w->new_ref = fmax(w->new_ref, e_ref.peak_db);
  w->new_old = fmax(w->new_old, e_old.peak_db);
  w->new_old_rms = fmax(w->new_old_rms, e_old.rms_db);
  w->old_ref = fmax(w->old_ref, old_ref.peak_db);
  if (!(e_ref.peak_db < -120.0 && e_old.rms_db < -120.0)) {
    print_error("%s: %.1f dB (peak) from the double cascade, %.1f dB (RMS) from the float one\n",
                what, e_ref.peak_db, e_old.rms_db);
    fail();
  }
}

static void print_worst(const Worst *w, const char *what)
{
  print_message("%s: largest difference from the double cascade %.1f dB of RMS (peak); from "
                "gs_biquad_cascade_process() %.1f dB (peak), %.1f dB (RMS), which is itself "
                "%.1f dB (peak) from the double cascade\n",
                what, w->new_ref, w->new_old, w->new_old_rms, w->old_ref);
}

// Signal s at rate_hz: 0 to 4 sines (40 Hz to 15 kHz), 5 a logarithmic sweep
// from 20 Hz to 20 kHz, 6 white noise.
#define N_SIGNALS 7
static void make_signal(float *x, int s, double rate_hz)
{
  static const double sine_hz[] = {40.0, 80.0, 500.0, 4000.0, 15000.0};
  uint32_t seed = 12345;
  for (uint32_t i = 0; i < N; ++i) {
    const double t = i / rate_hz, len = (double)N / rate_hz;
    if (s < 5) {
      x[i] = (float)(0.5 * sin(2.0 * M_PI * sine_hz[s] * t));
    } else if (s == 5) {
      const double k = log(1000.0);  // 20 Hz to 20 kHz over the signal
      x[i] = (float)(0.5 * sin(2.0 * M_PI * 20.0 * len / k * (exp(k * t / len) - 1.0)));
    } else {
      seed = seed * 1664525u + 1013904223u;
      x[i] = (float)(0.5 * ((double)seed / 4294967296.0 * 2.0 - 1.0));
    }
  }
}


// Gains in dB for setting k of model m.
static void gains_of(const GsPreampInfo *m, size_t k, double gain_db[3])
{
  for (int i = 0; i < 3; ++i) {
    gain_db[i] = settings[k][i] * m->tone_range_db;
  }
}

// Fixed settings: every signal, setting and block length, against both
// references.
static void test_matches_cascade(void **state)
{
  (void)state;
  Worst w = {-400.0, -400.0, -400.0, -400.0};
  unsigned n_models = 0;
  for (size_t mi = 0; mi < gs_preamp_model_count(); ++mi) {
    const GsPreampInfo *m = gs_preamp_model_info(mi);
    if (!m->has_tone) {
      continue;
    }
    ++n_models;
    const double freq[3] = {m->bass_hz, m->mid_hz, m->treble_hz};
    for (unsigned f = 0; f < 2; ++f) {
      const double rate_hz = BASE_HZ * factors[f];
      for (int s = 0; s < N_SIGNALS; ++s) {
        make_signal(x_in, s, rate_hz);
        for (size_t k = 0; k < N_SETTINGS; ++k) {
          double gain[3];
          gains_of(m, k, gain);
          GsToneStack ts;
          gs_tonestack_init(&ts, rate_hz, freq, gain);
          Ref ref = {0};
          ref_process(&ref, ts.band, x_in, y_ref, N);
          GsBiquad old[3];
          memcpy(old, ts.band, sizeof old);
          gs_biquad_cascade_process(old, 3, x_in, y_old, N);
          for (unsigned b = 0; b < 4; ++b) {
            gs_tonestack_reset(&ts);
            for (uint32_t i = 0; i < N; i += blocks[b]) {
              const uint32_t n = N - i < blocks[b] ? N - i : blocks[b];
              gs_tonestack_process(&ts, x_in + i, y_out + i, n);
            }
            char what[160];
            snprintf(what, sizeof what, "%s %ux, signal %d, %+.1f/%+.1f/%+.1f dB, blocks of %u",
                     m->name, factors[f], s, gain[0], gain[1], gain[2], blocks[b]);
            check(&w, what);
          }
        }
      }
    }
  }
  assert_int_equal(n_models, 2);  // bass and guitar
  print_worst(&w, "fixed settings");
}

// Gains that glide between blocks (a new design before every block, as the
// preamp bank's tone glide makes), from one setting to another and back:
// the state carries across every change as the biquads' does.
static void test_matches_cascade_gliding(void **state)
{
  (void)state;
  Worst w = {-400.0, -400.0, -400.0, -400.0};
  for (size_t mi = 0; mi < gs_preamp_model_count(); ++mi) {
    const GsPreampInfo *m = gs_preamp_model_info(mi);
    if (!m->has_tone) {
      continue;
    }
    const double freq[3] = {m->bass_hz, m->mid_hz, m->treble_hz};
    for (unsigned f = 0; f < 2; ++f) {
      const double rate_hz = BASE_HZ * factors[f];
      for (int s = 5; s < N_SIGNALS; ++s) {  // the sweep and the noise
        make_signal(x_in, s, rate_hz);
        for (unsigned b = 0; b < 4; ++b) {
          for (size_t k = 1; k < N_SETTINGS; ++k) {
            double from[3], to[3], now[3];
            gains_of(m, k - 1, from);
            gains_of(m, k, to);
            memcpy(now, from, sizeof now);
            GsToneStack ts;
            gs_tonestack_init(&ts, rate_hz, freq, now);
            GsBiquad old[3];
            memcpy(old, ts.band, sizeof old);
            Ref ref = {0};
            for (uint32_t i = 0; i < N; i += blocks[b]) {
              const uint32_t n = N - i < blocks[b] ? N - i : blocks[b];
              // Towards `to` for the first half, back to `from` after; a
              // step of 2 % of what is left per 64 samples.
              const double *target = i < N / 2 ? to : from;
              for (int j = 0; j < 3; ++j) {
                now[j] += (target[j] - now[j]) * (1.0 - pow(0.98, n / 64.0));
              }
              gs_tonestack_set_gains(&ts, rate_hz, freq, now);
              for (int j = 0; j < 3; ++j) {
                const GsBiquad *d = &ts.band[j];
                gs_biquad_set_coefficients(&old[j], d->b0, d->b1, d->b2, d->a1, d->a2);
              }
              ref_process(&ref, ts.band, x_in + i, y_ref + i, n);
              gs_biquad_cascade_process(old, 3, x_in + i, y_old + i, n);
              gs_tonestack_process(&ts, x_in + i, y_out + i, n);
            }
            char what[160];
            snprintf(what, sizeof what, "%s %ux, signal %d, setting %zu to %zu, blocks of %u",
                     m->name, factors[f], s, k - 1, k, blocks[b]);
            check(&w, what);
          }
        }
      }
    }
  }
  print_worst(&w, "gliding settings");
}

// The same stream split two ways (and more) gives the same bits; so do
// gains changed at the same samples with the blocks around them cut
// differently, and an unchanged setting set before every block.
static void test_split_gives_same_bits(void **state)
{
  (void)state;
  const GsPreampInfo *m = gs_preamp_model_find("bass");
  const double freq[3] = {m->bass_hz, m->mid_hz, m->treble_hz};
  const double rate_hz = BASE_HZ * 4;
  make_signal(x_in, 6, rate_hz);
  const double gain[3] = {9.0, -3.5, 12.0}, other[3] = {-15.0, 15.0, 2.0};
  for (int with_change = 0; with_change < 2; ++with_change) {
    for (unsigned b = 0; b < 5; ++b) {
      GsToneStack ts;
      gs_tonestack_init(&ts, rate_hz, freq, gain);
      // Blocks of 1, 3, 64, 257 samples, and one block; a change at sample
      // 20001 ends a block whatever the block length.
      for (uint32_t i = 0; i < N;) {
        const uint32_t end = with_change && i < 20001 ? 20001 : N;
        uint32_t n = b < 4 ? blocks[b] : N;
        n = end - i < n ? end - i : n;
        gs_tonestack_set_gains(&ts, rate_hz, freq, with_change && i >= 20001 ? other : gain);
        gs_tonestack_process(&ts, x_in + i, y_out + i, n);
        i += n;
      }
      if (b == 0) {
        memcpy(y_whole, y_out, sizeof y_whole);
      } else if (memcmp(y_out, y_whole, sizeof y_out)) {
        unsigned d = 0;
        for (uint32_t i = 0; i < N; ++i) {
          d += memcmp(&y_out[i], &y_whole[i], sizeof(float)) != 0;
        }
        print_error("%s: blocks of %u: %u of %d samples differ from blocks of 1\n",
                    with_change ? "with a change" : "fixed", b < 4 ? blocks[b] : N, d, N);
        fail();
      }
    }
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_matches_cascade),
    cmocka_unit_test(test_matches_cascade_gliding),
    cmocka_unit_test(test_split_gives_same_bits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
