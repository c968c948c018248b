// SPDX-License-Identifier: ISC
// gainstage process, run as a user runs it: real files through libsndfile,
// the real command, its exit status, its messages and what it leaves behind.

#include "check.h"
#include "cli_run.h"

#include <dirent.h>
#include <jansson.h>
#include <sndfile.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define RATE 48000

// No temporary output file may be left behind.
static void assert_no_tmp_files(void)
{
  DIR *d = opendir(dir);
  assert_non_null(d);
  for (struct dirent *e; (e = readdir(d));) {
    if (strstr(e->d_name, ".tmp-")) {
      print_error("left behind: %s\n", e->d_name);
      fail();
    }
  }
  closedir(d);
}

static void assert_one_line_error(const char *must_contain)
{
  const char *err = slurp("stderr.txt");
  const char *nl = strchr(err, '\n');
  if (!strstr(err, must_contain) || !nl || nl[1] != '\0') {
    print_error("stderr was: [%s], expected one line containing [%s]\n", err, must_contain);
    fail();
  }
}

// A sine plus a little deterministic noise, written as a file.
static void write_signal(const char *name, int format, int channels, double rate, double seconds,
                         double amplitude)
{
  SF_INFO info = {.samplerate = (int)rate, .channels = channels, .format = format};
  SNDFILE *sf = sf_open(path(name), SFM_WRITE, &info);
  assert_non_null(sf);
  const sf_count_t n = (sf_count_t)(rate * seconds);
  float *x = malloc(sizeof(float) * (size_t)(n * channels));
  unsigned s = 12345;
  for (sf_count_t i = 0; i < n; ++i) {
    for (int c = 0; c < channels; ++c) {
      s = s * 1664525u + 1013904223u;
      const double noise = ((double)(s >> 8) / 16777216.0 - 0.5) * amplitude * 0.01;
      x[i * channels + c] =
        (float)(amplitude * sin(2 * M_PI * (997.0 + 100.0 * c) * (double)i / rate) + noise);
    }
  }
  assert_int_equal(sf_writef_float(sf, x, n), n);
  sf_close(sf);
  free(x);
}

// Largest difference relative to the largest reference sample, in dB.
static double error_db(const float *a, const float *ref, size_t n)
{
  double worst = 0.0, peak = 0.0;
  for (size_t i = 0; i < n; ++i) {
    worst = fmax(worst, fabs((double)a[i] - ref[i]));
    peak = fmax(peak, fabs((double)ref[i]));
  }
  return worst > 0 ? 20.0 * log10(worst / peak) : -300.0;
}

static void test_clean_gain_equals_exact_gain(void **state)
{
  (void)state;
  write_signal("in.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 1, RATE, 1.0, 0.003);
  assert_int_equal(run("process -q --model clean --gain 30 --bits 32f in.wav out.wav"), 0);
  SF_INFO a, b;
  float *in = read_audio("in.wav", &a);
  float *out = read_audio("out.wav", &b);
  assert_int_equal(a.frames, b.frames);
  const double g = pow(10.0, 30.0 / 20.0);
  for (sf_count_t i = 0; i < a.frames; ++i) {
    in[i] = (float)(in[i] * g);
  }
  const double err = error_db(out, in, (size_t)a.frames);
  print_message("clean +30 dB vs exact: %.1f dB\n", err);
  GS_ASSERT_BELOW(err, -120.0);
  free(in);
  free(out);
}

static void test_clean_gain_equals_sox(void **state)
{
  (void)state;
  if (system("command -v sox >/dev/null 2>&1")) {
    skip();
  }
  write_signal("in.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 1, RATE, 1.0, 0.003);
  assert_int_equal(run("process -q --model clean --gain 30 --bits 32f in.wav out.wav"), 0);
  char cmd[1024];
  snprintf(cmd, sizeof(cmd), "cd '%s' && sox -V1 in.wav -e floating-point -b 32 sox.wav gain 30",
           dir);
  assert_int_equal(system(cmd), 0);
  SF_INFO a, b;
  float *ours = read_audio("out.wav", &a);
  float *sox = read_audio("sox.wav", &b);
  assert_int_equal(a.frames, b.frames);
  const double err = error_db(ours, sox, (size_t)a.frames);
  print_message("clean +30 dB vs sox gain 30: %.1f dB\n", err);
  GS_ASSERT_BELOW(err, -120.0);
  free(ours);
  free(sox);
}

static void test_every_format_and_channel_count(void **state)
{
  (void)state;
  static const struct {
    const char *name;
    int major;
  } formats[] = {
    {"out.wav", SF_FORMAT_WAV}, {"out.aiff", SF_FORMAT_AIFF}, {"out.flac", SF_FORMAT_FLAC},
    {"out.w64", SF_FORMAT_W64}, {"out.rf64", SF_FORMAT_RF64}, {"out.caf", SF_FORMAT_CAF},
  };
  write_signal("stereo.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_24, 2, 44100, 0.5, 0.1);
  for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); ++i) {
    char args[256];
    snprintf(args, sizeof(args), "process -q --model tube --gain 6 stereo.wav %s",
             formats[i].name);
    assert_int_equal(run(args), 0);
    SF_INFO info;
    float *x = read_audio(formats[i].name, &info);
    const int major = info.format & SF_FORMAT_TYPEMASK;
    // .wav is written as RF64 that downgrades itself to WAV (extensible
    // header) when it stays under 4 GiB.
    if (major != formats[i].major &&
        !(formats[i].major == SF_FORMAT_WAV && major == SF_FORMAT_WAVEX)) {
      print_error("%s: format 0x%x, expected 0x%x\n", formats[i].name, major, formats[i].major);
      fail();
    }
    assert_int_equal(info.format & SF_FORMAT_SUBMASK, SF_FORMAT_PCM_24);
    assert_int_equal(info.channels, 2);
    assert_int_equal(info.samplerate, 44100);
    assert_int_equal(info.frames, 22050);
    free(x);
  }
  // --format overrides the extension; 16-bit output lands on the 16-bit grid.
  assert_int_equal(run("process -q --format flac --bits 16 stereo.wav out.snd"), 0);
  SF_INFO info;
  float *x = read_audio("out.snd", &info);
  assert_int_equal(info.format, SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
  free(x);
}

// Each channel its own gain, exact from the first sample (no glide).
static void test_per_channel_gain(void **state)
{
  (void)state;
  write_signal("stereo-f.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 2, RATE, 0.2, 0.01);
  assert_int_equal(run("process -q --gain 6,20 --bits 32f stereo-f.wav out.wav"), 0);
  SF_INFO a, b;
  float *in = read_audio("stereo-f.wav", &a);
  float *out = read_audio("out.wav", &b);
  assert_int_equal(a.frames, b.frames);
  const double g[2] = {pow(10.0, 6.0 / 20.0), pow(10.0, 20.0 / 20.0)};
  for (int c = 0; c < 2; ++c) {
    double worst = 0.0;
    for (sf_count_t i = 0; i < a.frames; ++i) {
      worst = fmax(worst, fabs(out[i * 2 + c] - in[i * 2 + c] * g[c]));
    }
    GS_ASSERT_BELOW(worst, 1e-6);
  }
  free(in);
  free(out);
}

// Output sample i over input sample i (the linear gain the command applied),
// taken at the input's largest sample.
static double applied_gain(const char *args)
{
  char cmd[512];
  snprintf(cmd, sizeof(cmd), "process -q --bits 32f %s in.wav out.wav", args);
  assert_int_equal(run(cmd), 0);
  SF_INFO a, b;
  float *in = read_audio("in.wav", &a);
  float *out = read_audio("out.wav", &b);
  sf_count_t at = 0;
  for (sf_count_t i = 0; i < a.frames; ++i) {
    at = fabs(in[i]) > fabs(in[at]) ? i : at;
  }
  const double g = (double)out[at] / in[at];
  free(in);
  free(out);
  return g;
}

// The options reach the strip and the converter.
static void test_options_take_effect(void **state)
{
  (void)state;
  write_signal("in.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 1, RATE, 0.5, 0.01);
  GS_ASSERT_NEAR(applied_gain("--gain 20"), 10.0, 1e-4);
  GS_ASSERT_NEAR(applied_gain("--gain 20 --polarity"), -10.0, 1e-4);
  GS_ASSERT_NEAR(applied_gain("--gain 20 --pad"), 1.0, 1e-5);
  // A full-scale sine in IN is +18 dBu; OUT's converter takes +24 dBu to
  // full scale, so the file reads 6 dB lower.
  GS_ASSERT_NEAR(applied_gain("--gain 20 --output-ref 24"), 10.0 * pow(10.0, -6.0 / 20.0), 1e-4);
  GS_ASSERT_NEAR(applied_gain("--gain 20 --input-ref 12 --output-ref 18"),
                 10.0 * pow(10.0, -6.0 / 20.0), 1e-4);
  // 997 Hz through a 1 kHz Butterworth high-pass: -3.0 dB (RMS of the
  // second half, once the filter has settled).
  assert_int_equal(run("process -q --bits 32f --hpf 1000 in.wav out.wav"), 0);
  SF_INFO a, b;
  float *x = read_audio("in.wav", &a);
  float *y = read_audio("out.wav", &b);
  double px = 0.0, py = 0.0;
  for (sf_count_t i = a.frames / 2; i < a.frames; ++i) {
    px += (double)x[i] * x[i];
    py += (double)y[i] * y[i];
  }
  GS_ASSERT_NEAR(10.0 * log10(py / px), -3.0, 0.1);
  free(x);
  free(y);

  // Noise: silence comes out as the model's noise, the same for the same seed.
  SF_INFO info = {.samplerate = RATE, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_24};
  SNDFILE *sf = sf_open(path("silence.wav"), SFM_WRITE, &info);
  static float zeros[RATE / 2];
  sf_writef_float(sf, zeros, RATE / 2);
  sf_close(sf);
  assert_int_equal(run("process -q --bits 32f --gain 60 --noise silence.wav n1.wav"), 0);
  assert_int_equal(run("process -q --bits 32f --gain 60 --noise silence.wav n2.wav"), 0);
  assert_int_equal(run("process -q --bits 32f --gain 60 --noise --seed 9 silence.wav n3.wav"), 0);
  SF_INFO i1, i2, i3;
  float *n1 = read_audio("n1.wav", &i1), *n2 = read_audio("n2.wav", &i2), *n3 = read_audio("n3.wav", &i3);
  double p1 = 0.0, d12 = 0.0, d13 = 0.0;
  for (sf_count_t i = 0; i < i1.frames; ++i) {
    p1 += (double)n1[i] * n1[i];
    d12 += fabs(n1[i] - n2[i]);
    d13 += fabs(n1[i] - n3[i]);
  }
  // clean's EIN is -129 dBu(A); +60 dB puts it near -69 dBu, about -87 dBFS
  // at +18 dBu = 0 dBFS (a little more unweighted).
  const double rms_dbfs = 10.0 * log10(p1 / (double)i1.frames) + 3.01;
  GS_ASSERT_NEAR(rms_dbfs, -85.0, 3.0);
  GS_ASSERT_NEAR(d12, 0.0, 0.0);
  GS_ASSERT_ABOVE(d13, 0.0);
  free(n1);
  free(n2);
  free(n3);
}

static void test_json_report(void **state)
{
  (void)state;
  // A -40 dBFS sine with 20 dB of gain: the output peak is -20 dBFS (the
  // 1 % of noise in the test signal may add up to 0.09 dB).
  write_signal("in.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 1, RATE, 2.0, 0.01);
  assert_int_equal(run("process --json --gain 20 --bits 32f in.wav out.wav"), 0);
  json_error_t jerr;
  json_t *root = json_loads(slurp("stdout.txt"), 0, &jerr);
  if (!root) {
    print_error("not JSON: %s\n", jerr.text);
    fail();
  }
  json_t *ch = json_array_get(json_object_get(root, "channels"), 0);
  GS_ASSERT_NEAR(json_real_value(json_object_get(ch, "peak_dbfs")), -20.0, 0.1);
  GS_ASSERT_NEAR(json_real_value(json_object_get(ch, "rms_dbfs")), -23.01, 0.02);
  GS_ASSERT_NEAR(json_real_value(json_object_get(ch, "true_peak_dbfs")), -20.0, 0.15);
  // BS.1770: a 0 dBFS 1 kHz sine in one channel reads -3.01 LUFS, so this
  // -20 dBFS one reads -23.0 (the K-weighting is within 0.05 dB of 0 at 1 kHz).
  GS_ASSERT_NEAR(json_real_value(json_object_get(root, "integrated_lufs")), -23.0, 0.15);
  assert_int_equal(json_integer_value(json_object_get(ch, "clipped")), 0);
  assert_string_equal(json_string_value(json_object_get(root, "model")), "clean");
  json_decref(root);
}

static void test_clipping_is_counted(void **state)
{
  (void)state;
  write_signal("in.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 1, RATE, 0.5, 0.5);
  assert_int_equal(run("process --json --gain 12 in.wav out.wav"), 0);
  json_t *root = json_loads(slurp("stdout.txt"), 0, NULL);
  assert_non_null(root);
  GS_ASSERT_ABOVE(json_integer_value(json_object_get(root, "clipped")), 1000);
  json_decref(root);
}

static void test_oversampled_output_is_aligned(void **state)
{
  (void)state;
  // The strip's latency is compensated: at 4x a low-level sine comes out in
  // phase with the input to within a fraction of a sample.
  write_signal("in.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 1, RATE, 0.5, 0.01);
  assert_int_equal(run("process -q --oversample 4 --bits 32f in.wav out.wav"), 0);
  SF_INFO a, b;
  float *in = read_audio("in.wav", &a);
  float *out = read_audio("out.wav", &b);
  assert_int_equal(a.frames, b.frames);
  int best_lag = 99;
  double best = -1.0;
  for (int lag = -8; lag <= 8; ++lag) {
    double dot = 0.0;
    for (sf_count_t i = 100; i < a.frames - 100; ++i) {
      dot += (double)in[i] * out[i + lag];
    }
    if (dot > best) {
      best = dot;
      best_lag = lag;
    }
  }
  assert_int_equal(best_lag, 0);
  free(in);
  free(out);
}

static void test_bad_input(void **state)
{
  (void)state;
  write_signal("in.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, RATE, 0.2, 0.1);
  unlink(path("out.wav"));  // left by the tests before
  unlink(path("out.flac"));
  FILE *f = fopen(path("corrupt.wav"), "w");
  fputs("RIFF\x10\0\0\0WAVEfmt garbage that is not a header", f);
  fclose(f);
  fclose(fopen(path("empty.wav"), "w"));
  write_signal("nine.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 9, RATE, 0.1, 0.1);
  write_signal("slow.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 4000, 0.1, 0.1);
  mkdir(path("folder.wav"), 0755);

  static const struct {
    const char *args;
    const char *message;
  } cases[] = {
    {"process missing.wav out.wav", "missing.wav: no such file"},
    {"process corrupt.wav out.wav", "corrupt.wav: cannot read it as a sound file"},
    {"process empty.wav out.wav", "empty.wav: cannot read it as a sound file"},
    {"process slow.wav out.wav", "slow.wav: sample rate 4000 Hz is out of range (8000 to 384000 Hz)"},
    {"process folder.wav out.wav", "folder.wav: cannot read it as a sound file"},
    {"process --model fuzz in.wav out.wav", "models: clean, console, transformer, tube, bass"},
    {"process --gain 200 in.wav out.wav", "gain 200 dB is out of range for model 'clean' (0 to 66 dB)"},
    {"process --gain loud in.wav out.wav", "--gain loud: not a number"},
    {"process --model tube --bass 3 in.wav out.wav", "has no tone controls"},
    {"process --model guitar --treble 40 in.wav out.wav", "treble 40 dB is out of range"},
    {"process --hpf 5 in.wav out.wav", "high-pass frequency 5 Hz is out of range"},
    {"process --oversample 3 in.wav out.wav", "--oversample 3: not valid (auto, 1, 2, 4 or 8)"},
    {"process --bits 20 in.wav out.wav", "--bits 20: not valid (16, 24 or 32f)"},
    {"process --bits 32f in.wav out.flac", "FLAC holds 16 or 24 bits"},
    {"process in.wav out.xyz", "unknown extension '.xyz'"},
    {"process --dither rect in.wav out.wav", "--dither rect: not valid (tpdf or none)"},
    {"process in.wav in.wav", "OUT is the same file as IN"},
    {"process in.wav ./in.wav", "OUT is the same file as IN"},
    {"process in.wav", "expected IN and OUT, got 1 file name"},
    {"process --frobnicate in.wav out.wav", "unknown option '--frobnicate'"},
    {"process --gain 1,2 in.wav out.wav", "2 values for 1 channels"},
    {"process in.wav no/such/dir/out.wav", "cannot create the output file"},
    {"process --gain 10,,20 in.wav out.wav", "--gain 10,,20: a value is missing"},
    {"process --seed 1e30 in.wav out.wav", "--seed 1e30: expected a whole number"},
    {"process --seed -1 in.wav out.wav", "--seed -1: expected a whole number"},
    {"process --bits 32f --dither tpdf in.wav out.wav", "32-bit float output is not dithered"},
    {"process nine.wav out.flac", "out.flac: this format cannot hold 9 channels at 48000 Hz"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
    const int code = run(cases[i].args);
    if (code != 2) {
      print_error("'%s' exited %d, expected 2\n", cases[i].args, code);
      fail();
    }
    assert_one_line_error(cases[i].message);
    if (exists("out.wav") || exists("out.flac")) {
      print_error("'%s' left an output file behind\n", cases[i].args);
      fail();
    }
    assert_no_tmp_files();
  }
  // IN is untouched by the attempt to overwrite it.
  SF_INFO info;
  float *x = read_audio("in.wav", &info);
  assert_int_equal(info.frames, RATE / 5);
  free(x);
}

static void test_existing_output_survives_a_failed_run(void **state)
{
  (void)state;
  write_signal("in.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, RATE, 0.2, 0.1);
  assert_int_equal(run("process -q in.wav keep.wav"), 0);
  struct stat before, after;
  assert_int_equal(stat(path("keep.wav"), &before), 0);
  assert_int_equal(run("process --gain 500 in.wav keep.wav"), 2);
  assert_int_equal(stat(path("keep.wav"), &after), 0);
  assert_int_equal(before.st_size, after.st_size);
  assert_int_equal(before.st_mtime, after.st_mtime);
  assert_no_tmp_files();
}

// Stopped mid-run (SIGTERM here: a background job of a script ignores
// SIGINT, as a shell sets it up): the command stops, says so, and leaves no
// file.
static void test_interrupt_leaves_nothing(void **state)
{
  (void)state;
  write_signal("long.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 1, RATE, 120.0, 0.01);
  unlink(path("out.wav"));
  char cmd[8192];
  snprintf(cmd, sizeof(cmd),
           "cd '%s' && { '%s' process -q --model guitar --oversample 8 long.wav out.wav "
           "2>stderr.txt & pid=$!; sleep 0.3; kill -TERM $pid; wait $pid; echo $? >status.txt; }",
           dir, gainstage);
  assert_int_equal(system(cmd), 0);
  const int status = atoi(slurp("status.txt"));
  assert_int_equal(status, 128 + 15);
  assert_one_line_error("interrupted; out.wav was not written");
  assert_false(exists("out.wav"));
  assert_no_tmp_files();
  unlink(path("long.wav"));
}

// The disk fills up mid-write (a file size limit stands in for it): exit 1,
// a message naming the file, and neither OUT nor a temporary file remains.
static void test_write_failure(void **state)
{
  (void)state;
  write_signal("in.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 1, RATE, 2.0, 0.1);
  unlink(path("out.wav"));
  char cmd[8192];
  snprintf(cmd, sizeof(cmd),
           "cd '%s' && (trap '' XFSZ; ulimit -f 64; exec '%s' process -q in.wav out.wav) "
           "2>stderr.txt; echo $? >status.txt",
           dir, gainstage);
  assert_int_equal(system(cmd), 0);
  assert_int_equal(atoi(slurp("status.txt")), 1);
  assert_one_line_error("out.wav: writing failed");
  assert_false(exists("out.wav"));
  assert_no_tmp_files();
}

// Nine channels: each its own strip (one SIMD group of 8 and one more), the
// report says loudness was not measured rather than calling it silence.
static void test_many_channels(void **state)
{
  (void)state;
  write_signal("nine-f.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 9, RATE, 0.5, 0.01);
  assert_int_equal(run("process --gain 0,1,2,3,4,5,6,7,8 --bits 32f nine-f.wav out.w64"), 0);
  assert_non_null(strstr(slurp("stdout.txt"), "not measured (more than 8 channels)"));
  SF_INFO a, b;
  float *in = read_audio("nine-f.wav", &a);
  float *out = read_audio("out.w64", &b);
  assert_int_equal(b.channels, 9);
  for (int c = 0; c < 9; ++c) {
    const double g = pow(10.0, c / 20.0);
    double worst = 0.0;
    for (sf_count_t i = 0; i < a.frames; ++i) {
      worst = fmax(worst, fabs(out[i * 9 + c] - in[i * 9 + c] * g));
    }
    GS_ASSERT_BELOW(worst, 1e-6);
  }
  free(in);
  free(out);
}

static void test_help_and_models(void **state)
{
  (void)state;
  assert_int_equal(run("process --help"), 0);
  assert_non_null(strstr(slurp("stdout.txt"), "usage: gainstage process"));
  assert_int_equal(run("process --list-models"), 0);
  const char *list = slurp("stdout.txt");
  assert_non_null(strstr(list, "guitar"));
  assert_non_null(strstr(list, "transformer"));
  assert_int_equal(run("bogus"), 2);
  assert_one_line_error("unknown command 'bogus'");
}

int main(int argc, char **argv)
{
  if (!cli_setup(argc, argv, "test-process")) {
    return 1;
  }
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_clean_gain_equals_exact_gain),
    cmocka_unit_test(test_clean_gain_equals_sox),
    cmocka_unit_test(test_every_format_and_channel_count),
    cmocka_unit_test(test_per_channel_gain),
    cmocka_unit_test(test_options_take_effect),
    cmocka_unit_test(test_json_report),
    cmocka_unit_test(test_clipping_is_counted),
    cmocka_unit_test(test_oversampled_output_is_aligned),
    cmocka_unit_test(test_bad_input),
    cmocka_unit_test(test_existing_output_survives_a_failed_run),
    cmocka_unit_test(test_interrupt_leaves_nothing),
    cmocka_unit_test(test_write_failure),
    cmocka_unit_test(test_many_channels),
    cmocka_unit_test(test_help_and_models),
  };
  return cli_teardown(cmocka_run_group_tests(tests, NULL, NULL));
}
