// SPDX-License-Identifier: ISC
// Live tone controls of a preamp bank (gs_preamp_bank_set_tone): the response
// after a change against the tone stack's analytic response, the glide, the
// clamp, the early return; the noise switch and reseed; and
// gs_preamp_bank_process_samples() against the samples-volts-bank-converter
// path written out.

#include "check.h"

#include "dsp/analysis.h"
#include "gainstage/preamp.h"

#include "dsp/clipper.h"
#include "gainstage/units.h"
#include "model/tonestack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE_HZ 48000.0
#define N_FFT 16384
#define SETTLE 24000  // 0.5 s: 25 time constants of the 20 ms tone glide
#define LEN (SETTLE + N_FFT)
#define LEVEL_DBU (-50.0)  // 44 dB under the guitar stage's drive: linear to 0.01 dB

// Channels of the banks the tone tests build: 1 runs the scalar colouring
// stage (a bank of one or two channels does), 3 the 8-lane group; each test
// of the live tone runs both ways (the setups below). Channel 0 carries the
// signal a test looks at; the others carry a copy of it.
static unsigned channels = 1;
#define MAX_CHANNELS 3

static int scalar_path(void **state)
{
  (void)state;
  channels = 1;
  return 0;
}

static int group_path(void **state)
{
  (void)state;
  channels = 3;
  return 0;
}

static GsPreampBank *bank_of(const char *model, double bass, double mid, double treble)
{
  GsPreampConfig c = gs_preamp_config_default();
  c.model = model;
  c.rate_hz = RATE_HZ;
  c.bass_db = bass;
  c.mid_db = mid;
  c.treble_db = treble;
  GsPreampBank *b = NULL;
  GsError err;
  assert_int_equal(gs_preamp_bank_new(&c, channels, &b, &err), GS_OK);
  return b;
}

// One block of at most 333 samples, x on channel 0 and a copy on the others.
static void process_block(GsPreampBank *b, float *x, uint32_t m)
{
  static float copy[MAX_CHANNELS][333];
  float *p[MAX_CHANNELS] = {x, copy[1], copy[2]};
  for (unsigned c = 1; c < channels; ++c) {
    memcpy(copy[c], x, sizeof(float) * m);
  }
  gs_preamp_bank_process(b, (const float *const *)p, p, m);
}

static void run(GsPreampBank *b, float *x, uint32_t n)
{
  // Uneven blocks, as a host gives them.
  for (uint32_t done = 0; done < n;) {
    const uint32_t m = n - done < 333 ? n - done : 333;
    process_block(b, x + done, m);
    done += m;
  }
}

// The fundamental's level (dB re 1 V peak) on bin k after the bank.
static double level_db(GsPreampBank *b, size_t k)
{
  float *x = malloc(sizeof(float) * LEN);
  const double amp = gs_dbu_to_volts(LEVEL_DBU) * sqrt(2.0);
  for (size_t i = 0; i < LEN; ++i) {
    x[i] = (float)(amp * sin(2.0 * M_PI * (double)k * (double)i / N_FFT));
  }
  run(b, x, LEN);
  GsSineAnalysis a;
  assert_int_equal(gs_analysis_sine(x + SETTLE, N_FFT, k, RATE_HZ, 20.0, 20000.0, &a), GS_OK);
  free(x);
  return 20.0 * log10(a.fundamental);
}

// A live change, once glided, gives the tone stack's analytic response
// (toned minus flat, at each frequency) within 0.05 dB, as docs/models.md says.
static void test_live_change_matches_analytic(void **state)
{
  (void)state;
  const char *models[] = {"guitar", "bass"};
  const double set[3] = {9.0, -6.0, 4.5};
  for (int mi = 0; mi < 2; ++mi) {
    const GsPreampInfo *m = gs_preamp_model_find(models[mi]);
    const double freq[3] = {m->bass_hz, m->mid_hz, m->treble_hz};
    GsToneStack ts;
    gs_tonestack_init(&ts, RATE_HZ * m->auto_oversample, freq, set);
    const double probe_hz[] = {60.0, m->bass_hz, m->mid_hz, 2000.0, m->treble_hz, 12000.0};
    for (size_t f = 0; f < sizeof(probe_hz) / sizeof(probe_hz[0]); ++f) {
      const size_t k = gs_analysis_coprime_bin(N_FFT, RATE_HZ, probe_hz[f]);
      const double hz = (double)k * RATE_HZ / N_FFT;
      GsPreampBank *flat = bank_of(models[mi], 0.0, 0.0, 0.0);
      GsPreampBank *toned = bank_of(models[mi], 0.0, 0.0, 0.0);
      gs_preamp_bank_set_tone(toned, set[0], set[1], set[2]);  // glides while the sine runs
      const double got = level_db(toned, k) - level_db(flat, k);
      const double want = gs_tonestack_magnitude_db(&ts, RATE_HZ * m->auto_oversample, hz);
      printf("%s %8.1f Hz: %+7.3f dB (analytic %+7.3f)\n", models[mi], hz, got, want);
      GS_ASSERT_NEAR(got, want, 0.05);
      gs_preamp_bank_free(flat);
      gs_preamp_bank_free(toned);
    }
  }
}

static void fill_drive(float *x, uint32_t n)
{
  // Two tones driving the guitar stage into saturation, so the tone stack's
  // state and the rail both matter.
  for (uint32_t i = 0; i < n; ++i) {
    x[i] = (float)(0.3 * sin(2.0 * M_PI * 110.0 * i / RATE_HZ) +
                   0.2 * sin(2.0 * M_PI * 2637.0 * i / RATE_HZ));
  }
}

static size_t count_diff(const float *a, const float *b, uint32_t n)
{
  size_t d = 0;
  for (uint32_t i = 0; i < n; ++i) {
    d += memcmp(&a[i], &b[i], sizeof(float)) != 0;
  }
  return d;
}

// Set live and settled by a reset, the tone equals a bank created with the
// setting, bit for bit; out-of-range values clamp to +-15 dB, NaN keeps the
// control where it was.
static void test_settled_equals_config(void **state)
{
  (void)state;
  enum { N = 9000 };
  float *a = malloc(sizeof(float) * N), *b = malloc(sizeof(float) * N);
  GsPreampBank *want = bank_of("guitar", 15.0, -4.0, -15.0);
  GsPreampBank *live = bank_of("guitar", 0.0, -4.0, 0.0);
  gs_preamp_bank_set_tone(live, 40.0, NAN, -1e9);
  gs_preamp_bank_reset(live);
  fill_drive(a, N);
  fill_drive(b, N);
  run(want, a, N);
  run(live, b, N);
  const size_t d = count_diff(a, b, N);
  printf("settled live tone vs config: %zu of %d samples differ\n", d, N);
  assert_int_equal(d, 0);
  gs_preamp_bank_free(want);
  gs_preamp_bank_free(live);
  free(a);
  free(b);
}

// A setter called every block with the settings it has changes nothing (it
// returns early: no redesign, no glide), and models without tone controls
// ignore it.
static void test_unchanged_setting_changes_nothing(void **state)
{
  (void)state;
  enum { N = 6144, BLOCK = 128 };
  float *a = malloc(sizeof(float) * N), *b = malloc(sizeof(float) * N);
  const char *models[] = {"guitar", "tube"};
  for (int mi = 0; mi < 2; ++mi) {
    // A model without tone controls refuses them in its config.
    const double t = mi ? 0.0 : 1.0;
    GsPreampBank *quiet = bank_of(models[mi], 3.0 * t, 2.0 * t, -1.0 * t);
    GsPreampBank *busy = bank_of(models[mi], 3.0 * t, 2.0 * t, -1.0 * t);
    fill_drive(a, N);
    fill_drive(b, N);
    run(quiet, a, N);
    for (uint32_t done = 0; done < N; done += BLOCK) {
      gs_preamp_bank_set_tone(busy, mi ? 12.0 : 3.0, 2.0, -1.0);
      process_block(busy, b + done, BLOCK);
    }
    const size_t d = count_diff(a, b, N);
    printf("%s: %zu samples differ\n", models[mi], d);
    assert_int_equal(d, 0);
    gs_preamp_bank_free(quiet);
    gs_preamp_bank_free(busy);
  }
  free(a);
  free(b);
}

// A change glides: the block after it is still near the old response, and
// there is no step bigger than the signal's own.
static void test_change_glides(void **state)
{
  (void)state;
  enum { N = 4800 };  // 100 ms
  float *x = malloc(sizeof(float) * N);
  GsPreampBank *b = bank_of("guitar", 0.0, 0.0, 0.0);
  const double amp = gs_dbu_to_volts(LEVEL_DBU) * sqrt(2.0);
  for (uint32_t i = 0; i < N; ++i) {
    x[i] = (float)(amp * sin(2.0 * M_PI * 120.0 * i / RATE_HZ));
  }
  run(b, x, N / 2);
  gs_preamp_bank_set_tone(b, 15.0, 0.0, 0.0);
  run(b, x + N / 2, N / 2);
  // Peak over the 256 samples before and after the change, and at the end.
  double before = 0, after = 0, end = 0;
  for (uint32_t i = 0; i < 256; ++i) {
    before = fmax(before, fabs(x[N / 2 - 256 + i]));
    after = fmax(after, fabs(x[N / 2 + i]));
    end = fmax(end, fabs(x[N - 256 + i]));
  }
  const double first_db = 20.0 * log10(after / before);
  const double end_db = 20.0 * log10(end / before);
  printf("120 Hz bass +15 dB: +%.2f dB in the first 256 samples, +%.2f dB after 50 ms\n",
         first_db, end_db);
  // One 256-sample design step of a 20 ms glide covers 1 - exp(-256/960) = 23 %
  // of the 7.3 dB (a shelf at its corner gives half its gain in dB).
  GS_ASSERT_BELOW(first_db, 3.0);
  GS_ASSERT_ABOVE(end_db, 6.0);
  gs_preamp_bank_free(b);
  free(x);
}

// gs_preamp_bank_process_samples() is samples x full-scale volts, the bank,
// / full-scale volts of the output reference and the converter's band-limited
// clip at +-1, bit for bit, and counts the samples beyond full scale per
// channel; a channel that stays below full scale comes out of the converter
// exactly as it went in, delayed.
static void test_process_samples(void **state)
{
  (void)state;
  enum { N = 5000 };
  GsPreampConfig c = gs_preamp_config_default();
  c.model = "tube";
  c.gain_db = 30.0;
  c.rate_hz = RATE_HZ;
  GsPreampBank *a = NULL, *b = NULL;
  GsError err;
  assert_int_equal(gs_preamp_bank_new(&c, 2, &a, &err), GS_OK);
  assert_int_equal(gs_preamp_bank_new(&c, 2, &b, &err), GS_OK);
  float *in[2], *out[2], *ref[2];
  for (int ch = 0; ch < 2; ++ch) {
    in[ch] = malloc(sizeof(float) * N);
    out[ch] = malloc(sizeof(float) * N);
    ref[ch] = malloc(sizeof(float) * N);
    for (uint32_t i = 0; i < N; ++i) {
      in[ch][i] = (float)((ch ? 0.001 : 0.3) * sin(2.0 * M_PI * 440.0 * i / RATE_HZ));
    }
  }
  GsStripConverter *conv = NULL;
  assert_int_equal(gs_strip_converter_new(RATE_HZ, 2, &conv, &err), GS_OK);
  const uint32_t d = gs_strip_converter_latency(conv);
  GsClipper *clip = malloc(2 * sizeof(GsClipper));
  assert_int_equal(gs_clipper_init(&clip[0], RATE_HZ), GS_OK);
  assert_int_equal(gs_clipper_init(&clip[1], RATE_HZ), GS_OK);
  assert_int_equal(gs_clipper_latency(&clip[0]), d);
  uint64_t clipped[2] = {0, 0};
  gs_preamp_bank_process_samples(a, conv, 18.0, 12.0, (const float *const *)in, out, N, clipped);
  const float to_volts = (float)gs_fullscale_volts(18.0);
  const float to_fs = (float)(1.0 / gs_fullscale_volts(12.0));
  uint64_t want_clipped[2] = {0, 0};
  for (int ch = 0; ch < 2; ++ch) {
    for (uint32_t i = 0; i < N; ++i) {
      ref[ch][i] = in[ch][i] * to_volts;
    }
  }
  gs_preamp_bank_process(b, (const float *const *)ref, ref, N);
  for (int ch = 0; ch < 2; ++ch) {
    for (uint32_t i = 0; i < N; ++i) {
      ref[ch][i] *= to_fs;
      want_clipped[ch] += fabsf(ref[ch][i]) > 1.0f;
    }
    if (ch == 1) {  // far below full scale: the converter only delays it
      float *delayed = malloc(sizeof(float) * N);
      assert_false(gs_clipper_process(&clip[ch], ref[ch], delayed, N));
      for (uint32_t i = d; i < N; ++i) {
        assert_true(delayed[i] == ref[ch][i - d]);
      }
      memcpy(ref[ch], delayed, sizeof(float) * N);
      free(delayed);
    } else {
      gs_clipper_process(&clip[ch], ref[ch], ref[ch], N);
    }
    assert_int_equal(count_diff(out[ch], ref[ch], N), 0);
  }
  printf("clipped: %llu and %llu samples\n", (unsigned long long)clipped[0],
         (unsigned long long)clipped[1]);
  assert_int_equal(clipped[0], want_clipped[0]);
  assert_true(clipped[0] > 1000);  // 0.3 FS at +18 dBu, 30 dB of tube gain: past the rail
  assert_int_equal(clipped[1], 0);
  // In place (in[c] == out[c]) gives the same.
  gs_preamp_bank_reset(a);
  gs_preamp_bank_free(a);
  assert_int_equal(gs_preamp_bank_new(&c, 2, &a, &err), GS_OK);
  gs_strip_converter_reset(conv);
  gs_preamp_bank_process_samples(a, conv, 18.0, 12.0, (const float *const *)in, in, N, NULL);
  for (int ch = 0; ch < 2; ++ch) {
    assert_int_equal(count_diff(in[ch], ref[ch], N), 0);
    free(in[ch]);
    free(out[ch]);
    free(ref[ch]);
  }
  gs_preamp_bank_free(a);
  gs_preamp_bank_free(b);
  gs_strip_converter_free(conv);
  free(clip);
}

// Noise switched on live and reseeded equals a bank created with noise and
// that seed, bit for bit; switched off, the output is the noiseless bank's.
static void test_noise_switch_and_seed(void **state)
{
  (void)state;
  enum { N = 3000 };
  GsPreampConfig c = gs_preamp_config_default();
  c.model = "tube";
  c.rate_hz = RATE_HZ;
  c.gain_db = 50.0;
  GsPreampBank *quiet = NULL, *want = NULL, *live = NULL;
  GsError err;
  assert_int_equal(gs_preamp_bank_new(&c, 2, &quiet, &err), GS_OK);
  assert_int_equal(gs_preamp_bank_new(&c, 2, &live, &err), GS_OK);
  c.noise = true;
  c.seed = 77;
  assert_int_equal(gs_preamp_bank_new(&c, 2, &want, &err), GS_OK);
  static float a[2][N], b[2][N], q[2][N];
  float *pa[2] = {a[0], a[1]}, *pb[2] = {b[0], b[1]}, *pq[2] = {q[0], q[1]};
  gs_preamp_bank_set_noise(live, true);
  gs_preamp_bank_set_seed(live, 77);
  gs_preamp_bank_process(want, (const float *const *)pa, pa, N);  // silence in: the noise
  gs_preamp_bank_process(live, (const float *const *)pb, pb, N);
  size_t d = count_diff(a[0], b[0], N) + count_diff(a[1], b[1], N);
  double rms = 0;
  for (uint32_t i = 0; i < N; ++i) {
    rms += (double)a[0][i] * a[0][i];
  }
  rms = 20 * log10(sqrt(rms / (double)N) / gs_dbu_to_volts(0.0));
  printf("noise on live, seed 77: %zu samples differ; noise %.1f dBu RMS at 50 dB gain\n", d,
         rms);
  assert_int_equal(d, 0);
  GS_ASSERT_ABOVE(rms, -90.0);  // -124 dBu(A) EIN + 50 dB, unweighted and wider: about -70
  gs_preamp_bank_set_noise(live, false);
  memset(b, 0, sizeof(b));
  gs_preamp_bank_process(live, (const float *const *)pb, pb, N);
  gs_preamp_bank_process(quiet, (const float *const *)pq, pq, N);
  double peak = 0, tail = 0;
  for (uint32_t i = 0; i < N; ++i) {
    peak = fmax(peak, fabs(b[0][i] - q[0][i]));
  }
  for (uint32_t i = N - 100; i < N; ++i) {
    tail = fmax(tail, fabs(b[0][i] - q[0][i]));
  }
  printf("noise off again: %.3g V from the noiseless bank at first, %.3g V at the end (its "
         "filters ring out)\n", peak, tail);
  // The filters still hold the noise of the block before; it decays, with
  // no new noise: the end lies far below the noise's own level (above).
  GS_ASSERT_BELOW(tail, peak / 10.0);
  GS_ASSERT_BELOW(tail, 1e-5);
  gs_preamp_bank_free(quiet);
  gs_preamp_bank_free(want);
  gs_preamp_bank_free(live);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup(test_live_change_matches_analytic, scalar_path),
    cmocka_unit_test_setup(test_live_change_matches_analytic, group_path),
    cmocka_unit_test_setup(test_settled_equals_config, scalar_path),
    cmocka_unit_test_setup(test_settled_equals_config, group_path),
    cmocka_unit_test_setup(test_unchanged_setting_changes_nothing, scalar_path),
    cmocka_unit_test_setup(test_unchanged_setting_changes_nothing, group_path),
    cmocka_unit_test_setup(test_change_glides, scalar_path),
    cmocka_unit_test_setup(test_change_glides, group_path),
    cmocka_unit_test(test_process_samples),
    cmocka_unit_test(test_noise_switch_and_seed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
