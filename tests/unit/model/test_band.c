// SPDX-License-Identifier: ISC
// The demo band, measured: determinism, levels at each microphone, spectra,
// bleed delays, the pitch of strings and voice, the voice's formants, speed,
// bad settings and allocation failure.

#include "check.h"
#include "spectrum.h"

#include "model/band.h"

#include <fftw3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "failing_calloc.h"

#define RATE 48000.0

static GsBand *render(uint64_t seed, double seconds, unsigned instruments)
{
  GsBandConfig c = gs_band_config_default();
  c.seed = seed;
  c.seconds = seconds;
  c.instruments = instruments;
  GsBand *b = NULL;
  GsError err = {{0}};
  const GsStatus st = gs_band_new(&c, &b, &err);
  if (st) {
    print_error("gs_band_new: %s\n", err.message);
    fail();
  }
  return b;
}

// Seed 1's whole song with every instrument, rendered once for the tests
// that only look at it.
static GsBand *song1;

static int setup_song1(void **state)
{
  (void)state;
  GsError err = {{0}};
  GsBandConfig c = gs_band_config_default();
  if (gs_band_new(&c, &song1, &err)) {
    fprintf(stderr, "gs_band_new: %s\n", err.message);
    return -1;
  }
  return 0;
}

static int teardown_song1(void **state)
{
  (void)state;
  gs_band_free(song1);
  return 0;
}

static double now_s(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double rms(const float *x, size_t n)
{
  double e = 0.0;
  for (size_t i = 0; i < n; ++i) {
    e += (double)x[i] * x[i];
  }
  return sqrt(e / (double)n);
}

// ---- Determinism ----------------------------------------------------------

static void test_same_seed_same_output(void **state)
{
  (void)state;
  GsBand *a = render(7, 4.0, GS_BAND_ALL_INSTRUMENTS);
  GsBand *b = render(7, 4.0, GS_BAND_ALL_INSTRUMENTS);
  GsBand *c = render(8, 4.0, GS_BAND_ALL_INSTRUMENTS);
  const size_t n = gs_band_n_samples(a);
  assert_int_equal(n, (size_t)(4.0 * RATE));
  assert_int_equal(gs_band_n_samples(c), n);
  for (int p = 0; p < GS_BAND_N_PARTS; ++p) {
    const float *x = gs_band_samples(a, (GsBandPart)p);
    const float *y = gs_band_samples(b, (GsBandPart)p);
    const float *z = gs_band_samples(c, (GsBandPart)p);
    assert_memory_equal(x, y, n * sizeof(float));
    size_t differ = 0;
    for (size_t i = 0; i < n; ++i) {
      differ += x[i] != z[i];
    }
    print_message("%-10s seed 7 twice: identical; seed 8: %.1f%% of samples differ\n",
                  gs_band_part_name((GsBandPart)p), 100.0 * (double)differ / (double)n);
    GS_ASSERT_ABOVE((double)differ / (double)n, 0.5);
  }
  gs_band_free(a);
  gs_band_free(b);
  gs_band_free(c);
}

// An instrument sounds the same whatever else plays: the bass part is the
// same with and without the others.
static void test_instruments_independent(void **state)
{
  (void)state;
  GsBand *all = render(3, 3.0, GS_BAND_ALL_INSTRUMENTS);
  GsBand *bass = render(3, 3.0, 1u << GS_BAND_INST_BASS);
  assert_memory_equal(gs_band_samples(all, GS_BAND_BASS), gs_band_samples(bass, GS_BAND_BASS),
                      gs_band_n_samples(all) * sizeof(float));
  assert_true(rms(gs_band_samples(bass, GS_BAND_KICK), gs_band_n_samples(bass)) == 0.0);
  gs_band_free(all);
  gs_band_free(bass);
}

// ---- Song -----------------------------------------------------------------

static void test_song(void **state)
{
  (void)state;
  GsBand *b = song1;
  const GsBandSong s = gs_band_song_of(b);
  const GsBandSong t = gs_band_song(1);
  print_message("seed 1: %.0f bpm, %u bars, %.2f s with the ending\n", s.tempo_bpm, s.bars,
                s.song_s);
  assert_true(s.tempo_bpm == t.tempo_bpm && s.bars == t.bars && s.song_s == t.song_s);
  GS_ASSERT_NEAR((double)gs_band_n_samples(b), s.song_s * RATE, 1.0);
  assert_int_equal(s.bars, 8);
  GS_ASSERT_NEAR(s.bar_s, 240.0 / s.tempo_bpm, 1e-12);
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const double bpm = gs_band_song(seed).tempo_bpm;
    assert_true(bpm >= 100.0 && bpm <= 120.0);
  }
  size_t n_hits, n_notes;
  const GsBandHit *h = gs_band_hits(b, &n_hits);
  GS_ASSERT_ABOVE((double)n_hits, 8.0 * 12.0);
  for (size_t i = 1; i < n_hits; ++i) {
    assert_true(h[i].time_s >= h[i - 1].time_s);
    assert_true(h[i].velocity > 0.0 && h[i].velocity <= 1.0);
  }
  const GsBandPart melodic[3] = {GS_BAND_BASS, GS_BAND_GUITAR, GS_BAND_VOCAL};
  for (int p = 0; p < 3; ++p) {
    const GsBandNote *n = gs_band_notes(b, melodic[p], &n_notes);
    GS_ASSERT_ABOVE((double)n_notes, 20.0);
    for (size_t i = 0; i < n_notes; ++i) {
      assert_true(n[i].start_s >= 0.0 && n[i].start_s + n[i].duration_s <= s.song_s);
      GS_ASSERT_NEAR(n[i].freq_hz, 440.0 * pow(2.0, (n[i].midi - 69) / 12.0), 1e-9);
      assert_true(i == 0 || n[i].start_s >= n[i - 1].start_s);
    }
  }
  assert_null(gs_band_notes(b, GS_BAND_KICK, &n_notes));
  assert_int_equal(n_notes, 0);
}

static void test_long_render_repeats_form(void **state)
{
  (void)state;
  GsBand *b = render(5, 30.0, GS_BAND_ALL_INSTRUMENTS);
  const GsBandSong s = gs_band_song_of(b);
  print_message("30 s at %.0f bpm: %u bars (%.2f s of song)\n", s.tempo_bpm, s.bars, s.song_s);
  assert_true(s.bars % 8 == 0 && s.bars >= 16);
  GS_ASSERT_ABOVE(s.song_s, 30.0);
  // Something plays in the last seconds.
  const size_t n = gs_band_n_samples(b);
  GS_ASSERT_ABOVE(rms(gs_band_samples(b, GS_BAND_SNARE) + n - 48000, 48000), 1e-3);
  gs_band_free(b);
}

// ---- Levels ---------------------------------------------------------------

static void test_parts_finite_and_sound(void **state)
{
  (void)state;
  GsBand *b = song1;
  const size_t n = gs_band_n_samples(b);
  for (int p = 0; p < GS_BAND_N_PARTS; ++p) {
    const float *x = gs_band_samples(b, (GsBandPart)p);
    float peak = 0.0f;
    for (size_t i = 0; i < n; ++i) {
      assert_true(isfinite(x[i]));
      peak = fmaxf(peak, fabsf(x[i]));
    }
    const double level_rms = gs_band_fullscale_level((GsBandPart)p) + 20.0 * log10(rms(x, n));
    print_message("%-10s peak %.3f of full scale (%g %s), RMS %.1f %s\n",
                  gs_band_part_name((GsBandPart)p), (double)peak,
                  gs_band_fullscale_level((GsBandPart)p), gs_band_part_unit((GsBandPart)p),
                  level_rms, gs_band_part_unit((GsBandPart)p));
    GS_ASSERT_BELOW(peak, 1.0);   // the calibration leaves headroom
    GS_ASSERT_ABOVE(peak, 0.05);  // and does not waste it
    GS_ASSERT_NEAR(gs_band_peak_level(b, (GsBandPart)p),
                   gs_band_fullscale_level((GsBandPart)p) + 20.0 * log10(peak), 1e-6);
  }
}

typedef struct {
  GsBandPart part;
  double lo, hi;
} Range;

// Peak levels (RMS level of the sine with the same peak): close mics of a
// hard-hit kit, overheads, a room mic in a small live room, a loud singer
// at 15 cm, passive pickups played hard (guitar below bass).
static const Range RANGES[] = {
  {GS_BAND_KICK, 125.0, 135.0},       {GS_BAND_SNARE, 120.0, 125.0},
  {GS_BAND_OVERHEAD_L, 105.0, 115.0}, {GS_BAND_OVERHEAD_R, 105.0, 115.0},
  {GS_BAND_ROOM, 100.0, 112.0},       {GS_BAND_VOCAL, 95.0, 105.0},
  {GS_BAND_BASS, -10.0, 0.0},         {GS_BAND_GUITAR, -10.0, 0.0},
};

static void test_peak_levels(void **state)
{
  (void)state;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    GsBand *b = seed == 1 ? song1 : render(seed, 12.0, GS_BAND_ALL_INSTRUMENTS);
    for (size_t r = 0; r < sizeof(RANGES) / sizeof(RANGES[0]); ++r) {
      const double level = gs_band_peak_level(b, RANGES[r].part);
      print_message("seed %u %-10s peak %7.2f %-6s (range %g to %g)\n", (unsigned)seed,
                    gs_band_part_name(RANGES[r].part), level, gs_band_part_unit(RANGES[r].part),
                    RANGES[r].lo, RANGES[r].hi);
      GS_ASSERT_ABOVE(level, RANGES[r].lo);
      GS_ASSERT_BELOW(level, RANGES[r].hi);
    }
    GS_ASSERT_BELOW(gs_band_peak_level(b, GS_BAND_GUITAR), gs_band_peak_level(b, GS_BAND_BASS));
    if (b != song1) {
      gs_band_free(b);
    }
  }
}

// ---- Spectra --------------------------------------------------------------

// Power-weighted mean frequency over 20 Hz to 20 kHz.
static double centroid_hz(const double *power, size_t n)
{
  double num = 0.0, den = 0.0;
  for (size_t k = 1; k <= n / 2; ++k) {
    const double f = (double)k * RATE / (double)n;
    if (f >= 20.0 && f <= 20000.0) {
      num += f * power[k];
      den += power[k];
    }
  }
  return num / den;
}

static void test_spectra(void **state)
{
  (void)state;
  GsBand *b = song1;
  const size_t n = 1u << 19;  // 10.9 s
  assert_true(gs_band_n_samples(b) >= n);
  double centroid[GS_BAND_N_PARTS];
  double low_share = 0.0;
  for (int p = 0; p < GS_BAND_N_PARTS; ++p) {
    double *power = gs_test_power_spectrum(gs_band_samples(b, (GsBandPart)p), n);
    assert_non_null(power);
    centroid[p] = centroid_hz(power, n);
    const double low = gs_test_band_power(power, n, RATE, 20.0, 150.0) /
                       gs_test_band_power(power, n, RATE, 20.0, 20000.0);
    print_message("%-10s centroid %7.0f Hz, %4.1f%% of the power below 150 Hz\n",
                  gs_band_part_name((GsBandPart)p), centroid[p], 100.0 * low);
    if (p == GS_BAND_KICK) {
      low_share = low;
    }
    fftw_free(power);
  }
  GS_ASSERT_ABOVE(low_share, 0.7);  // the kick mic: mostly below 150 Hz
  GS_ASSERT_ABOVE(centroid[GS_BAND_OVERHEAD_L], 4.0 * centroid[GS_BAND_KICK]);
  GS_ASSERT_ABOVE(centroid[GS_BAND_OVERHEAD_R], 4.0 * centroid[GS_BAND_KICK]);
  GS_ASSERT_ABOVE(centroid[GS_BAND_SNARE], 2.0 * centroid[GS_BAND_KICK]);
  GS_ASSERT_ABOVE(centroid[GS_BAND_GUITAR], centroid[GS_BAND_BASS]);

  // The hi-hat alone, at the left overhead, against the kick alone at its mic.
  GsBand *hh = render(1, 8.0, 1u << GS_BAND_INST_HIHAT);
  GsBand *k = render(1, 8.0, 1u << GS_BAND_INST_KICK);
  const size_t m = 1u << 18;
  double *ph = gs_test_power_spectrum(gs_band_samples(hh, GS_BAND_OVERHEAD_L), m);
  double *pk = gs_test_power_spectrum(gs_band_samples(k, GS_BAND_KICK), m);
  const double c_hh = centroid_hz(ph, m), c_k = centroid_hz(pk, m);
  print_message("hi-hat alone at overhead-l: centroid %.0f Hz; kick alone at its mic: %.0f Hz\n",
                c_hh, c_k);
  GS_ASSERT_ABOVE(c_hh, 6000.0);
  GS_ASSERT_BELOW(c_k, 150.0);
  fftw_free(ph);
  fftw_free(pk);
  gs_band_free(hh);
  gs_band_free(k);
}

// ---- Bleed ----------------------------------------------------------------

// The lag (samples, parabolic-interpolated) at which y best matches x
// delayed, within +-max_lag, correlating first differences (the transients).
static double best_lag(const float *x, const float *y, size_t n, int max_lag)
{
  double best = -INFINITY;
  int at = 0;
  double c[3] = {0};
  for (int lag = -max_lag; lag <= max_lag; ++lag) {
    double s = 0.0;
    for (size_t i = (size_t)max_lag + 1; i + (size_t)max_lag < n; ++i) {
      const size_t j = (size_t)((long)i + lag);
      s += (double)(x[i] - x[i - 1]) * (double)(y[j] - y[j - 1]);
    }
    if (s > best) {
      best = s;
      at = lag;
    }
  }
  for (int d = -1; d <= 1; ++d) {
    const int lag = at + d;
    double s = 0.0;
    for (size_t i = (size_t)max_lag + 1; i + (size_t)max_lag < n; ++i) {
      const size_t j = (size_t)((long)i + lag);
      s += (double)(x[i] - x[i - 1]) * (double)(y[j] - y[j - 1]);
    }
    c[d + 1] = s;
  }
  const double denom = c[0] - 2.0 * c[1] + c[2];
  return at + (denom != 0.0 ? 0.5 * (c[0] - c[2]) / denom : 0.0);
}

// Renders the instrument alone for 3 s and correlates its first 1.5 s at
// the two microphones (levels over the 3 s).
static void check_delay(GsBandInstrument inst, GsBandPart near, GsBandPart far, double *level_db)
{
  GsBand *b = render(2, 3.0, 1u << inst);
  const size_t n = gs_band_n_samples(b);
  const float *x = gs_band_samples(b, near), *y = gs_band_samples(b, far);
  const double lag = best_lag(x, y, n / 2, 120);
  const double expect = (gs_band_distance_m(far, inst) - gs_band_distance_m(near, inst)) /
                        GS_BAND_SPEED_OF_SOUND_M_PER_S * RATE;
  // Both in pascal: undo the parts' calibrations.
  const double gx = pow(10.0, gs_band_fullscale_level(near) / 20.0);
  const double gy = pow(10.0, gs_band_fullscale_level(far) / 20.0);
  *level_db = 20.0 * log10(rms(y, n) * gy / (rms(x, n) * gx));
  print_message("%s: %s %.3f m, %s %.3f m: %s lags by %.2f samples (%.3f ms; distance gives "
                "%.2f), %+.1f dB\n",
                gs_band_instrument_name(inst), gs_band_part_name(near),
                gs_band_distance_m(near, inst), gs_band_part_name(far),
                gs_band_distance_m(far, inst), gs_band_part_name(far), lag, lag / RATE * 1e3,
                expect, *level_db);
  GS_ASSERT_NEAR(lag, expect, 1.0);
  gs_band_free(b);
}

// The first sample of x louder than 1/1000 of its peak (-60 dB).
static size_t first_arrival(const float *x, size_t n)
{
  float peak = 0.0f;
  for (size_t i = 0; i < n; ++i) {
    peak = fmaxf(peak, fabsf(x[i]));
  }
  size_t i = 0;
  while (i < n && fabsf(x[i]) <= 1e-3f * peak) {
    ++i;
  }
  return i;
}

static void test_bleed(void **state)
{
  (void)state;
  double db;
  // The kick alone: its bleed into the snare mic arrives later and lower.
  check_delay(GS_BAND_INST_KICK, GS_BAND_KICK, GS_BAND_SNARE, &db);
  GS_ASSERT_BELOW(db, -15.0);
  // The snare alone: into the kick mic (through the shell), much lower.
  check_delay(GS_BAND_INST_SNARE, GS_BAND_SNARE, GS_BAND_KICK, &db);
  GS_ASSERT_BELOW(db, -20.0);
  // The snare at the overheads: the right one is farther, so later and lower.
  check_delay(GS_BAND_INST_SNARE, GS_BAND_OVERHEAD_L, GS_BAND_OVERHEAD_R, &db);
  GS_ASSERT_BELOW(db, -0.5);
  GS_ASSERT_ABOVE(db, -6.0);
  // The crash: nearer the right overhead.
  check_delay(GS_BAND_INST_CRASH, GS_BAND_OVERHEAD_R, GS_BAND_OVERHEAD_L, &db);
  GS_ASSERT_BELOW(db, -1.0);
  // The kit at the room mic: much later, where the room's reflections and
  // tail blur any correlation: the first hit's arrival.
  GsBand *b = render(2, 3.0, 1u << GS_BAND_INST_SNARE);
  const size_t n = gs_band_n_samples(b);
  const size_t near = first_arrival(gs_band_samples(b, GS_BAND_OVERHEAD_L), n);
  const size_t far = first_arrival(gs_band_samples(b, GS_BAND_ROOM), n);
  const double expect = (gs_band_distance_m(GS_BAND_ROOM, GS_BAND_INST_SNARE) -
                         gs_band_distance_m(GS_BAND_OVERHEAD_L, GS_BAND_INST_SNARE)) /
                        GS_BAND_SPEED_OF_SOUND_M_PER_S * RATE;
  print_message("snare: first arrival at overhead-l sample %zu, at room %zu: %.0f later "
                "(distance gives %.1f)\n",
                near, far, (double)far - (double)near, expect);
  GS_ASSERT_NEAR((double)far - (double)near, expect, 10.0);
  gs_band_free(b);
}

// ---- Pitch ----------------------------------------------------------------

// YIN (A. de Cheveigne and H. Kawahara, JASA 111(4), 2002): the period of
// x[0, w) in samples, from the cumulative-mean-normalised difference with a
// threshold of 0.1 and parabolic interpolation; 0 if none.
static double yin_period(const float *x, size_t w, size_t max_tau)
{
  double *d = calloc(max_tau + 1, sizeof(double));
  double sum = 0.0;
  size_t found = 0;
  for (size_t tau = 1; tau <= max_tau; ++tau) {
    double s = 0.0;
    for (size_t j = 0; j < w; ++j) {
      const double e = (double)x[j] - (double)x[j + tau];
      s += e * e;
    }
    sum += s;
    d[tau] = s * (double)tau / sum;
  }
  for (size_t tau = 2; tau < max_tau; ++tau) {
    if (d[tau] < 0.1) {
      while (tau + 1 < max_tau && d[tau + 1] < d[tau]) {
        ++tau;
      }
      found = tau;
      break;
    }
  }
  double period = 0.0;
  if (found) {
    const double a = d[found - 1], b = d[found], c = d[found + 1];
    const double denom = a - 2.0 * b + c;
    period = (double)found + (denom != 0.0 ? 0.5 * (a - c) / denom : 0.0);
  }
  free(d);
  return period;
}

static int compare_double(const void *a, const void *b)
{
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

// The median pitch over frames of frame_s every hop_s in [t0, t1), Hz.
static double median_pitch(const float *x, size_t n, double t0, double t1, double frame_s,
                           double hop_s, double min_hz)
{
  const size_t w = (size_t)(frame_s * RATE);
  const size_t max_tau = (size_t)(RATE / min_hz);
  double f[256];
  size_t count = 0;
  for (double t = t0; t + frame_s + (double)max_tau / RATE < t1 && count < 256; t += hop_s) {
    const size_t at = (size_t)(t * RATE);
    if (at + w + max_tau >= n) {
      break;
    }
    const double period = yin_period(x + at, w, max_tau);
    if (period > 0.0) {
      f[count++] = RATE / period;
    }
  }
  if (count == 0) {
    return 0.0;
  }
  qsort(f, count, sizeof(double), compare_double);
  return f[count / 2];
}

static void test_bass_pitch(void **state)
{
  (void)state;
  GsBand *b = render(1, 0.0, 1u << GS_BAND_INST_BASS);
  size_t count, tested = 0;
  const GsBandNote *notes = gs_band_notes(b, GS_BAND_BASS, &count);
  const float *x = gs_band_samples(b, GS_BAND_BASS);
  double worst = 0.0;
  for (size_t i = 0; i < count; ++i) {
    if (notes[i].duration_s < 0.25) {
      continue;
    }
    const double t0 = notes[i].start_s + 0.04, t1 = notes[i].start_s + notes[i].duration_s;
    const double f = median_pitch(x, gs_band_n_samples(b), t0, t1, 0.03, 0.1, 35.0);
    print_message("bass note %2zu MIDI %d %.2f s long: %.2f Hz (score %.2f Hz)\n", i, notes[i].midi, notes[i].duration_s, f, notes[i].freq_hz);
    const double err = fabs(f / notes[i].freq_hz - 1.0);
    worst = fmax(worst, err);
    ++tested;
    if (err > 0.01) {
      print_error("bass note %zu (MIDI %d) at %.2f s: %.2f Hz, expected %.2f Hz\n", i,
                  notes[i].midi, notes[i].start_s, f, notes[i].freq_hz);
    }
  }
  print_message("bass: %zu notes of 0.25 s or more; worst pitch error %.3f%%\n", tested,
                100.0 * worst);
  GS_ASSERT_ABOVE((double)tested, 3.0);
  GS_ASSERT_BELOW(worst, 0.01);
  gs_band_free(b);
}

// The frequency of the strongest spectral peak within +-3% of f_hz in
// x[0, n), by a zero-padded Hann-windowed FFT with parabolic interpolation.
static double peak_near(const float *x, size_t n, double f_hz)
{
  const size_t m = 1u << 18;  // 0.18 Hz bins at 48 kHz
  double *in = fftw_alloc_real(m);
  fftw_complex *spec = fftw_alloc_complex(m / 2 + 1);
  fftw_plan plan = fftw_plan_dft_r2c_1d((int)m, in, spec, FFTW_ESTIMATE);
  for (size_t i = 0; i < m; ++i) {
    in[i] = i < n ? x[i] * (0.5 - 0.5 * cos(2.0 * M_PI * (double)i / (double)n)) : 0.0;
  }
  fftw_execute(plan);
  const double bin_hz = RATE / (double)m;
  size_t best = 0;
  double best_mag = -1.0;
  for (size_t k = (size_t)(0.97 * f_hz / bin_hz); k <= (size_t)(1.03 * f_hz / bin_hz); ++k) {
    const double mag = hypot(spec[k][0], spec[k][1]);
    if (mag > best_mag) {
      best_mag = mag;
      best = k;
    }
  }
  const double a = log(hypot(spec[best - 1][0], spec[best - 1][1]));
  const double b = log(best_mag);
  const double c = log(hypot(spec[best + 1][0], spec[best + 1][1]));
  const double f = ((double)best + 0.5 * (a - c) / (a - 2.0 * b + c)) * bin_hz;
  fftw_destroy_plan(plan);
  fftw_free(in);
  fftw_free(spec);
  return f;
}

static void test_guitar_pitch(void **state)
{
  (void)state;
  GsBand *b = render(1, 0.0, 1u << GS_BAND_INST_GUITAR);
  size_t count, tested = 0;
  const GsBandNote *notes = gs_band_notes(b, GS_BAND_GUITAR, &count);
  const float *x = gs_band_samples(b, GS_BAND_GUITAR);
  double worst = 0.0;
  // Every string of every chord that rings 0.3 s or more: its spectral peak.
  for (size_t i = 0; i < count; ++i) {
    if (notes[i].duration_s < 0.3) {
      continue;
    }
    const size_t at = (size_t)((notes[i].start_s + 0.04) * RATE);
    const size_t len = (size_t)((notes[i].duration_s - 0.06) * RATE);
    const double f = peak_near(x + at, len, notes[i].freq_hz);
    const double err = fabs(f / notes[i].freq_hz - 1.0);
    worst = fmax(worst, err);
    ++tested;
    if (err > 0.01) {
      print_error("guitar note %zu (MIDI %d) at %.2f s: %.2f Hz, expected %.2f Hz\n", i,
                  notes[i].midi, notes[i].start_s, f, notes[i].freq_hz);
    }
  }
  print_message("guitar: %zu strings ringing 0.3 s or more; worst peak error %.3f%%\n", tested,
                100.0 * worst);
  GS_ASSERT_ABOVE((double)tested, 6.0);
  GS_ASSERT_BELOW(worst, 0.01);
  gs_band_free(b);
}

static void test_vocal_pitch(void **state)
{
  (void)state;
  // The full mix: the vocal mic hears the kit too (behind screens).
  GsBand *b = song1;
  size_t count, tested = 0;
  const GsBandNote *notes = gs_band_notes(b, GS_BAND_VOCAL, &count);
  const float *x = gs_band_samples(b, GS_BAND_VOCAL);
  double worst = 0.0, sum = 0.0;
  for (size_t i = 0; i < count; ++i) {
    if (notes[i].duration_s < 0.3) {
      continue;
    }
    const double t0 = notes[i].start_s + 0.1, t1 = notes[i].start_s + notes[i].duration_s - 0.05;
    const double f = median_pitch(x, gs_band_n_samples(b), t0, t1, 0.02, 0.02, 100.0);
    const double err = fabs(f / notes[i].freq_hz - 1.0);
    worst = fmax(worst, err);
    sum += err;
    ++tested;
    print_message("vocal note %2zu MIDI %d '%s' %.2f s long: %.1f Hz (score %.1f Hz, %+.2f%%)\n",
                  i, notes[i].midi, notes[i].vowel, notes[i].duration_s, f, notes[i].freq_hz,
                  100.0 * (f / notes[i].freq_hz - 1.0));
  }
  print_message("vocal: %zu notes of 0.3 s or more; mean error %.2f%%, worst %.2f%%\n", tested,
                100.0 * sum / (double)tested, 100.0 * worst);
  GS_ASSERT_ABOVE((double)tested, 5.0);
  GS_ASSERT_BELOW(worst, 0.02);  // vibrato and flutter: +-30 cents (1.7%) swing
}

// ---- Formants -------------------------------------------------------------

// Linear prediction (autocorrelation method, Levinson-Durbin) of order p on
// x[0, n); a[0] = 1.
static void lpc(const double *x, size_t n, unsigned p, double *a)
{
  double r[32], tmp[32];
  for (unsigned k = 0; k <= p; ++k) {
    r[k] = 0.0;
    for (size_t i = k; i < n; ++i) {
      r[k] += x[i] * x[i - k];
    }
  }
  r[0] *= 1.0 + 1e-9;
  a[0] = 1.0;
  for (unsigned k = 1; k <= p; ++k) {
    a[k] = 0.0;
  }
  double e = r[0];
  for (unsigned i = 1; i <= p; ++i) {
    double acc = r[i];
    for (unsigned j = 1; j < i; ++j) {
      acc += a[j] * r[i - j];
    }
    const double k = -acc / e;
    for (unsigned j = 1; j < i; ++j) {
      tmp[j] = a[j] + k * a[i - j];
    }
    for (unsigned j = 1; j < i; ++j) {
      a[j] = tmp[j];
    }
    a[i] = k;
    e *= 1.0 - k * k;
  }
}

// F1 and F2 of x (48 kHz) from the peaks of an order-12 LPC envelope at
// 12 kHz (decimated by 4 through a 5 kHz windowed-sinc low-pass).
static void formants(const float *x, size_t n, double *f1, double *f2)
{
  const double rate = RATE / 4.0;
  const size_t m = n / 4 - 32;
  double *y = calloc(m, sizeof(double));
  const int half = 64;
  for (size_t i = 0; i < m; ++i) {
    double s = 0.0;
    const size_t c = 4 * i + (size_t)half;
    for (int k = -half; k <= half; ++k) {
      const double t = k * 5000.0 / RATE * 2.0;  // sinc argument for cut-off 5 kHz
      const double sinc = k == 0 ? 1.0 : sin(M_PI * t) / (M_PI * t);
      const double win = 0.54 + 0.46 * cos(M_PI * k / half);
      s += x[(size_t)((long)c + k)] * sinc * win;
    }
    y[i] = s;
  }
  // Pre-emphasis, then a Hamming window.
  for (size_t i = m - 1; i > 0; --i) {
    y[i] -= 0.9 * y[i - 1];
  }
  for (size_t i = 0; i < m; ++i) {
    y[i] *= 0.54 - 0.46 * cos(2.0 * M_PI * (double)i / (double)(m - 1));
  }
  double a[13];
  lpc(y, m, 12, a);
  free(y);
  *f1 = *f2 = 0.0;
  double prev2 = 0.0, prev = 0.0;
  for (double f = 0.0; f < 5000.0; f += 5.0) {
    double re = 0.0, im = 0.0;
    for (int k = 0; k <= 12; ++k) {
      re += a[k] * cos(2.0 * M_PI * f * k / rate);
      im -= a[k] * sin(2.0 * M_PI * f * k / rate);
    }
    const double env = -10.0 * log10(re * re + im * im);
    if (f >= 10.0 && prev > prev2 && prev > env && f - 5.0 > 200.0) {
      if (*f1 == 0.0) {
        *f1 = f - 5.0;
      } else if (*f2 == 0.0) {
        *f2 = f - 5.0;
      }
    }
    prev2 = prev;
    prev = env;
  }
}

static void test_vocal_formants(void **state)
{
  (void)state;
  GsBand *b = render(1, 0.0, 1u << GS_BAND_INST_VOICE);
  size_t count, tested = 0;
  const GsBandNote *notes = gs_band_notes(b, GS_BAND_VOCAL, &count);
  const float *x = gs_band_samples(b, GS_BAND_VOCAL);
  for (size_t i = 0; i < count; ++i) {
    if (notes[i].duration_s < 0.4) {
      continue;  // long notes: an open vowel, held
    }
    const size_t at = (size_t)((notes[i].start_s + 0.12) * RATE);
    double f1, f2;
    formants(x + at, (size_t)(0.2 * RATE), &f1, &f2);
    print_message("vocal note %2zu '%s' at %.1f Hz: F1 %.0f Hz (target %.0f), F2 %.0f Hz (target "
                  "%.0f)\n",
                  i, notes[i].vowel, notes[i].freq_hz, f1, notes[i].formants_hz[0], f2,
                  notes[i].formants_hz[1]);
    GS_ASSERT_ABOVE(f1, 300.0);
    GS_ASSERT_BELOW(f1, 900.0);
    GS_ASSERT_ABOVE(f2, 800.0);
    GS_ASSERT_BELOW(f2, 2500.0);
    GS_ASSERT_NEAR(f1 / notes[i].formants_hz[0], 1.0, 0.2);
    GS_ASSERT_NEAR(f2 / notes[i].formants_hz[1], 1.0, 0.2);
    ++tested;
  }
  GS_ASSERT_ABOVE((double)tested, 3.0);
  gs_band_free(b);
}

// ---- Speed, settings, allocation -----------------------------------------

static void test_generation_time(void **state)
{
  (void)state;
  double best = INFINITY;
  for (int run = 0; run < 3; ++run) {
    const double t0 = now_s();
    GsBand *b = render(1, 12.0, GS_BAND_ALL_INSTRUMENTS);
    best = fmin(best, now_s() - t0);
    gs_band_free(b);
  }
  print_message("12 s of all 8 parts at 48 kHz: %.3f s (best of 3, %.0fx real time)\n", best,
                12.0 / best);
  GS_ASSERT_BELOW(best, 3.0);  // about 0.2 s on the development machine; slack for CI
}

static void test_bad_settings(void **state)
{
  (void)state;
  const struct {
    double rate_hz, seconds;
    unsigned instruments;
    const char *says;
  } cases[] = {
    {8000.0, 0.0, GS_BAND_ALL_INSTRUMENTS, "rate_hz 8000 is out of range (22050 to 192000 Hz)"},
    {NAN, 0.0, GS_BAND_ALL_INSTRUMENTS, "rate_hz nan is out of range"},
    {48000.0, 0.5, GS_BAND_ALL_INSTRUMENTS, "seconds 0.5 is out of range"},
    {48000.0, 61.0, GS_BAND_ALL_INSTRUMENTS, "seconds 61 is out of range"},
    {48000.0, -1.0, GS_BAND_ALL_INSTRUMENTS, "seconds -1 is out of range"},
    {48000.0, 0.0, 0x100u, "instruments 0x100"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
    GsBandConfig c = gs_band_config_default();
    c.rate_hz = cases[i].rate_hz;
    c.seconds = cases[i].seconds;
    c.instruments = cases[i].instruments;
    GsBand *b = (GsBand *)&c;  // must come back NULL
    GsError err = {{0}};
    assert_int_equal(gs_band_new(&c, &b, &err), GS_ERR_RANGE);
    assert_null(b);
    print_message("%s\n", err.message);
    assert_non_null(strstr(err.message, cases[i].says));
  }
  // Silence is allowed, and every rate in range works.
  GsBand *b = render(1, 1.0, 0u);
  for (int p = 0; p < GS_BAND_N_PARTS; ++p) {
    assert_true(rms(gs_band_samples(b, (GsBandPart)p), gs_band_n_samples(b)) == 0.0);
    assert_true(isinf(gs_band_peak_level(b, (GsBandPart)p)));
  }
  gs_band_free(b);
  for (int r = 0; r < 2; ++r) {
    GsBandConfig c = gs_band_config_default();
    c.rate_hz = r ? 192000.0 : 22050.0;
    c.seconds = 2.0;
    GsError err;
    assert_int_equal(gs_band_new(&c, &b, &err), GS_OK);
    print_message("%.0f Hz: kick peak %.1f dB SPL, vocal %.1f dB SPL\n", c.rate_hz,
                  gs_band_peak_level(b, GS_BAND_KICK), gs_band_peak_level(b, GS_BAND_VOCAL));
    for (int p = 0; p < GS_BAND_N_PARTS; ++p) {
      const float *x = gs_band_samples(b, (GsBandPart)p);
      for (size_t i = 0; i < gs_band_n_samples(b); ++i) {
        assert_true(isfinite(x[i]) && fabsf(x[i]) < 1.0f);
      }
    }
    gs_band_free(b);
  }
  gs_band_free(NULL);
}

static void test_names(void **state)
{
  (void)state;
  for (int p = 0; p < GS_BAND_N_PARTS; ++p) {
    const GsBandPart part = (GsBandPart)p;
    print_message("%-10s %-6s %-13s %s\n", gs_band_part_name(part), gs_band_part_unit(part),
                  gs_band_part_transducer(part), gs_band_part_description(part));
    const bool mic = gs_band_part_kind(part) == GS_SOURCE_MIC;
    assert_string_equal(gs_band_part_unit(part), mic ? "dB SPL" : "dBu");
    assert_true(mic == (p != GS_BAND_BASS && p != GS_BAND_GUITAR));
    if (mic) {
      assert_non_null(gs_mic_model_find(gs_band_part_transducer(part)));
    } else {
      assert_non_null(gs_pickup_model_find(gs_band_part_transducer(part)));
    }
    // The calibration is one a source accepts (60 to 160 dB SPL, -60 to +40 dBu).
    const double fs = gs_band_fullscale_level(part);
    assert_true(mic ? fs >= 60.0 && fs <= 160.0 : fs >= -60.0 && fs <= 40.0);
  }
  assert_string_equal(gs_band_instrument_name(GS_BAND_INST_HIHAT), "hi-hat");
}

// The samples feed a source as they are: a kick mic through a dynamic-421
// gives the volts its sensitivity says.
static void test_feeds_a_source(void **state)
{
  (void)state;
  GsBand *b = render(1, 4.0, GS_BAND_ALL_INSTRUMENTS);
  GsSourceConfig c = gs_source_config_mic(gs_band_part_transducer(GS_BAND_KICK));
  c.samples = gs_band_samples(b, GS_BAND_KICK);
  c.n_samples = gs_band_n_samples(b);
  c.fullscale_level = gs_band_fullscale_level(GS_BAND_KICK);
  c.self_noise = false;
  GsSource *s = NULL;
  GsError err;
  assert_int_equal(gs_source_new(&c, &s, &err), GS_OK);
  const size_t n = gs_band_n_samples(b);
  float *v = malloc(n * sizeof(float));
  gs_source_process(s, v, (uint32_t)n);
  float peak = 0.0f;
  for (size_t i = 0; i < n; ++i) {
    peak = fmaxf(peak, fabsf(v[i]));
  }
  // Peak pressure = sqrt(2) x the RMS pascal of the peak level.
  const double level = gs_band_peak_level(b, GS_BAND_KICK);
  const double expect = sqrt(2.0) * pow(10.0, (level - 94.0) / 20.0) *
                        gs_mic_model_find("dynamic-421")->sens_mv_per_pa * 1e-3;
  print_message("kick peak %.2f dB SPL through a dynamic-421: %.4f V peak (expected %.4f V)\n",
                level, (double)peak, expect);
  GS_ASSERT_NEAR(peak / expect, 1.0, 1e-4);
  free(v);
  gs_source_free(s);
  gs_band_free(b);
}

static void test_allocation_failure(void **state)
{
  (void)state;
  int n_fail = 0;
  for (int k = 0;; ++k) {
    fail_after = k;
    GsBand *b = (GsBand *)&n_fail;
    GsError err = {{0}};
    GsBandConfig c = gs_band_config_default();
    c.seconds = 1.0;
    const GsStatus st = gs_band_new(&c, &b, &err);
    fail_after = -1;
    if (st == GS_OK) {
      gs_band_free(b);
      break;
    }
    assert_int_equal(st, GS_ERR_NOMEM);
    assert_null(b);
    assert_non_null(strstr(err.message, "out of memory"));
    ++n_fail;
    assert_true(k < 100);
  }
  print_message("gs_band_new failed cleanly at each of its first %d allocations\n", n_fail);
  GS_ASSERT_ABOVE((double)n_fail, 10.0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_same_seed_same_output),
    cmocka_unit_test(test_instruments_independent),
    cmocka_unit_test(test_song),
    cmocka_unit_test(test_long_render_repeats_form),
    cmocka_unit_test(test_parts_finite_and_sound),
    cmocka_unit_test(test_peak_levels),
    cmocka_unit_test(test_spectra),
    cmocka_unit_test(test_bleed),
    cmocka_unit_test(test_bass_pitch),
    cmocka_unit_test(test_guitar_pitch),
    cmocka_unit_test(test_vocal_pitch),
    cmocka_unit_test(test_vocal_formants),
    cmocka_unit_test(test_generation_time),
    cmocka_unit_test(test_bad_settings),
    cmocka_unit_test(test_names),
    cmocka_unit_test(test_feeds_a_source),
    cmocka_unit_test(test_allocation_failure),
  };
  return cmocka_run_group_tests(tests, setup_song1, teardown_song1);
}
