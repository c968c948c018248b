// SPDX-License-Identifier: ISC
// Sound files into file-backed sources: reading, channels, resampling (level
// and frequency kept), calibration through a source, and errors that name
// the file.

#include "check.h"

#include "dsp/analysis.h"
#include "gainstage/source.h"
#include "gainstage/units.h"
#include "io/audiofile.h"

#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static int make_dir(void **state)
{
  (void)state;
  snprintf(dir, sizeof(dir), "/tmp/gs-test-audiofile-XXXXXX");
  return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
  (void)state;
  char cmd[128];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  return system(cmd);
}

static const char *path_of(const char *name)
{
  static char path[128];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  return path;
}

// Writes channels of sines: channel c is amp[c] sin(2 pi freq[c] t), for
// seconds at rate, in format.
static void write_sines(const char *path, int rate, int channels, const double *amp,
                        const double *freq, double seconds, int format)
{
  SF_INFO info = {.samplerate = rate, .channels = channels, .format = format};
  SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
  assert_non_null(sf);
  const size_t n = (size_t)(seconds * rate);
  float *x = malloc(sizeof(float) * n * (size_t)channels);
  for (size_t i = 0; i < n; ++i) {
    for (int c = 0; c < channels; ++c) {
      x[i * (size_t)channels + (size_t)c] =
        (float)(amp[c] * sin(2.0 * M_PI * freq[c] * (double)i / rate));
    }
  }
  assert_int_equal(sf_writef_float(sf, x, (sf_count_t)n), (sf_count_t)n);
  sf_close(sf);
  free(x);
}

// Mean frequency from upward zero crossings (linearly interpolated) in x.
static double zero_crossing_hz(const float *x, size_t n, double rate_hz)
{
  double first = -1.0, last = 0.0;
  size_t count = 0;
  for (size_t i = 1; i < n; ++i) {
    if (x[i - 1] < 0.0f && x[i] >= 0.0f) {
      const double t = (double)(i - 1) + (double)x[i - 1] / ((double)x[i - 1] - (double)x[i]);
      if (first < 0.0) {
        first = t;
      }
      last = t;
      ++count;
    }
  }
  return (double)(count - 1) / (last - first) * rate_hz;
}

static void test_read(void **state)
{
  (void)state;
  // A stereo 24-bit FLAC at 48 kHz: channel 1 comes back as written.
  const double amp[2] = {0.25, 0.5}, freq[2] = {440.0, 1000.0};
  const char *path = path_of("stereo.flac");
  write_sines(path, 48000, 2, amp, freq, 0.5, SF_FORMAT_FLAC | SF_FORMAT_PCM_24);
  GsAudioFile f;
  GsError err = {{0}};
  assert_int_equal(gs_audiofile_read(path, 1, 48000.0, &f, &err), GS_OK);
  assert_int_equal(f.n_frames, 24000);
  assert_int_equal(f.channels, 2);
  assert_false(f.resampled);
  assert_string_equal(f.note, "");
  for (size_t i = 0; i < f.n_frames; ++i) {
    GS_ASSERT_NEAR(f.samples[i], 0.5 * sin(2.0 * M_PI * 1000.0 * (double)i / 48000.0),
                   2.0 / 8388608.0);  // written at 2^23 - 1 per unit, read at 2^23, rounded
  }
  gs_audiofile_free(&f);
  gs_audiofile_free(&f);  // empty: a no-op
  assert_int_equal(gs_audiofile_read(path, 2, 48000.0, &f, &err), GS_ERR_RANGE);
  print_message("error: %s\n", err.message);
  assert_non_null(strstr(err.message, "stereo.flac: no channel 2 (the file has 2 channels: 0 to 1)"));
  assert_null(f.samples);
}

// 44.1 kHz to 48 kHz keeps a 1 kHz sine's level and frequency.
static void test_resample(void **state)
{
  (void)state;
  const double amp[1] = {0.5}, freq[1] = {1000.0};
  const char *path = path_of("sine44.wav");
  write_sines(path, 44100, 1, amp, freq, 3.0, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  GsAudioFile f;
  GsError err = {{0}};
  assert_int_equal(gs_audiofile_read(path, 0, 48000.0, &f, &err), GS_OK);
  print_message("%s; %zu frames\n", f.note, f.n_frames);
  assert_true(f.resampled);
  assert_non_null(strstr(f.note, "sine44.wav: resampled from 44100 Hz to 48000 Hz"));
  GS_ASSERT_NEAR((double)f.n_frames, 3.0 * 48000.0, 2.0);
  // One second from the middle holds exactly 1000 cycles at 48 kHz: bin 1000.
  const size_t n = 48000;
  const float *mid = f.samples + 48000;
  double a = 0.0, phase = 0.0;
  assert_int_equal(gs_analysis_bin(mid, n, 1000, &a, &phase), GS_OK);
  const double level_db = 20.0 * log10(a / 0.5);
  const double hz = zero_crossing_hz(mid, n, 48000.0);
  print_message("after resampling: level %+.6f dB, frequency %.6f Hz\n", level_db, hz);
  GS_ASSERT_NEAR(level_db, 0.0, 0.01);
  GS_ASSERT_NEAR(hz, 1000.0, 0.01);
  gs_audiofile_free(&f);
}

// A file through a source: its calibration decides the level at the jack.
static void test_calibration(void **state)
{
  (void)state;
  const size_t k = 1000;  // 1 kHz in a 48000-sample window at 48 kHz
  // A vocal recording: 1 kHz at -26 dBFS (peak 0.05), 0 dBFS = 120 dB SPL,
  // so 94 dB SPL (1 Pa) at a condenser-ld of 20 mV/Pa: 20 mV RMS.
  const double amp[1] = {0.05011872336272722}, freq[1] = {1000.0};
  const char *path = path_of("vocal.wav");
  write_sines(path, 48000, 1, amp, freq, 1.0, SF_FORMAT_WAV | SF_FORMAT_PCM_24);
  GsAudioFile f;
  GsError err = {{0}};
  assert_int_equal(gs_audiofile_read(path, 0, 48000.0, &f, &err), GS_OK);
  GsSourceConfig c = gs_source_config_mic("condenser-ld");
  c.self_noise = false;
  c.samples = f.samples;
  c.n_samples = f.n_frames;
  c.fullscale_level = 120.0;
  GsSource *s = NULL;
  assert_int_equal(gs_source_new(&c, &s, &err), GS_OK);
  gs_audiofile_free(&f);
  gs_source_set_phantom(s, true);
  gs_source_reset(s);
  float *x = malloc(sizeof(float) * 48000);
  gs_source_process(s, x, 48000);
  double a = 0.0, phase = 0.0;
  gs_analysis_bin(x, 48000, k, &a, &phase);
  print_message("vocal.wav at -26 dBFS, 0 dBFS = 120 dB SPL, condenser-ld: %.5f mV RMS "
                "(expected 20)\n",
                a / sqrt(2.0) * 1e3);
  GS_ASSERT_NEAR(a / sqrt(2.0) * 1e3, 20.0, 20.0 * 2e-5);  // 24-bit rounding
  assert_true(gs_source_finished(s));
  gs_source_free(s);

  // A line recording aligned to EBU R 68 (-18 dBFS = +4 dBu): the default
  // calibration of a +4 dBu line source.
  const double amp2[1] = {pow(10.0, -18.0 / 20.0)};
  path = path_of("line.aiff");
  write_sines(path, 48000, 1, amp2, freq, 1.0, SF_FORMAT_AIFF | SF_FORMAT_FLOAT);
  assert_int_equal(gs_audiofile_read(path, 0, 48000.0, &f, &err), GS_OK);
  c = gs_source_config_line(GS_LINE_PRO);
  c.samples = f.samples;
  c.n_samples = f.n_frames;
  assert_int_equal(gs_source_new(&c, &s, &err), GS_OK);
  gs_audiofile_free(&f);
  gs_source_process(s, x, 48000);
  gs_analysis_bin(x, 48000, k, &a, &phase);
  print_message("line.aiff at -18 dBFS, +4 dBu line: %.6f V RMS (%+.4f dBu)\n", a / sqrt(2.0),
                gs_volts_to_dbu(a / sqrt(2.0)));
  GS_ASSERT_NEAR(gs_volts_to_dbu(a / sqrt(2.0)), 4.0, 1e-4);
  gs_source_free(s);
  free(x);
}

static void test_errors(void **state)
{
  (void)state;
  GsAudioFile f;
  GsError err = {{0}};
  const char *missing = path_of("missing.wav");
  assert_int_equal(gs_audiofile_read(missing, 0, 48000.0, &f, &err), GS_ERR_IO);
  print_message("error: %s\n", err.message);
  assert_non_null(strstr(err.message, "missing.wav: cannot open: No such file or directory"));
  assert_null(f.samples);

  // A .wav of text.
  const char *corrupt = path_of("corrupt.wav");
  FILE *fp = fopen(corrupt, "wb");
  assert_non_null(fp);
  fputs("RIFF this is not a sound file, only text pretending to be one.\n", fp);
  fclose(fp);
  assert_int_equal(gs_audiofile_read(corrupt, 0, 48000.0, &f, &err), GS_ERR_FORMAT);
  print_message("error: %s\n", err.message);
  assert_non_null(strstr(err.message, "corrupt.wav: not a sound file libsndfile can read"));

  // A valid file with no frames.
  const char *empty = path_of("empty.wav");
  SF_INFO info = {.samplerate = 48000, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
  SNDFILE *sf = sf_open(empty, SFM_WRITE, &info);
  assert_non_null(sf);
  sf_close(sf);
  assert_int_equal(gs_audiofile_read(empty, 0, 48000.0, &f, &err), GS_ERR_FORMAT);
  print_message("error: %s\n", err.message);
  assert_non_null(strstr(err.message, "empty.wav: the file holds no audio (0 frames)"));

  // A folder.
  assert_int_equal(gs_audiofile_read(dir, 0, 48000.0, &f, &err), GS_ERR_IO);
  print_message("error: %s\n", err.message);
  assert_non_null(strstr(err.message, ": is a folder, not a sound file"));

  assert_int_equal(gs_audiofile_read(missing, 0, 1000.0, &f, &err), GS_ERR_RANGE);
  assert_non_null(strstr(err.message, "sample rate 1000 Hz is out of range (8000 to 384000 Hz)"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_read),
    cmocka_unit_test(test_resample),
    cmocka_unit_test(test_calibration),
    cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
