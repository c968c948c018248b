// SPDX-License-Identifier: ISC
// gainstage measure, run as a user runs it: a model (its numbers match the
// model table), a session's strip, a real LV2 plugin (eg-amp from Debian's
// lv2-examples), the docs/models.md section it generates, and bad input.

#include "cli_run.h"

#include <jansson.h>
#include <string.h>

static json_t *report(void)
{
  json_error_t jerr;
  json_t *root = json_loads(slurp("stdout.txt"), 0, &jerr);
  if (!root) {
    print_error("stdout is not JSON: %s\n%s\n", jerr.text, slurp("stderr.txt"));
    fail();
  }
  return root;
}

static double num(json_t *o, const char *path)
{
  char buf[256];
  snprintf(buf, sizeof(buf), "%s", path);
  json_t *v = o;
  for (char *tok = strtok(buf, "."); tok && v; tok = strtok(NULL, ".")) {
    v = json_object_get(v, tok);
  }
  if (!json_is_number(v)) {
    print_error("%s: not a number in the report\n", path);
    fail();
  }
  return json_number_value(v);
}

// One line on stderr, naming what was asked, and nothing on stdout.
static void one_line(const char *must_contain)
{
  const char *err = slurp("stderr.txt");
  const char *nl = strchr(err, '\n');
  if (!strstr(err, must_contain) || !nl || nl[1] != '\0') {
    print_error("stderr should be one line with '%s', got:\n%s", must_contain, err);
    fail();
  }
  assert_string_equal(slurp("stdout.txt"), "");
}

// The tube model at its defaults: THD at +4 dBu 0.69 % (+-1 dB), EIN
// -124 dBu(A) (+-0.5 dB), latency 5.17 samples (+-0.05), flat response
// (20 kHz within 0.05 dB of 1 kHz): docs/models.md's row.
static void test_model_matches_table(void **state)
{
  (void)state;
  assert_int_equal(run("measure --model tube --json"), 0);
  json_t *r = report();
  const double thd = num(r, "spectrum.thd_percent");
  const double ein = num(r, "noise.ein_a");
  const double latency = num(r, "latency.phase_1k_samples");
  json_t *pts = json_object_get(json_object_get(r, "response"), "points");
  const double top = num(json_array_get(pts, json_array_size(pts) - 1), "gain_db");
  print_message("tube: THD %.3f %% at %+.0f dBu, EIN %.2f dBu(A), latency %.3f, 20 kHz %+.3f "
                "dB, %.2f s\n",
                thd, num(r, "spectrum.level_in"), ein, latency, top, num(r, "seconds"));
  GS_ASSERT_NEAR(num(r, "spectrum.level_in"), 4.0, 0.0);
  GS_ASSERT_NEAR(20.0 * log10(thd / 0.69), 0.0, 1.0);
  GS_ASSERT_NEAR(ein, -124.0, 0.5);
  GS_ASSERT_NEAR(latency, 5.17, 0.05);
  GS_ASSERT_NEAR(top - num(r, "response.gain_1k_db"), 0.0, 0.05);
  GS_ASSERT_BELOW(num(r, "seconds"), 10.0);  // "a few seconds at most" (slack for sanitizers)
  json_decref(r);
  // The table and the plots.
  assert_int_equal(run("measure --model tube --svg plots response thd spectrum"), 0);
  assert_non_null(strstr(slurp("stdout.txt"), "THD vs level at 1 kHz"));
  assert_non_null(strstr(slurp("plots/response.svg"), "tube model, gain 0 dB, 4x"));
  assert_true(exists("plots/phase.svg") && exists("plots/group-delay.svg") &&
              exists("plots/thd-level.svg") && exists("plots/thd-frequency.svg") &&
              exists("plots/spectrum.svg"));
  assert_false(exists("plots/response.svg.tmp") || exists("plots/spectrum.svg.tmp"));
  // The clean model at 1x has no latency: every method says 0, as the CSV's
  // values (correlation to its 0.001-sample rounding).
  assert_int_equal(run("measure --model clean --csv latency"), 0);
  const char *csv = slurp("stdout.txt");
  assert_non_null(strstr(csv, "section,x,x_unit,quantity,value,unit\n"));
  double corr = NAN, phase = NAN, reported = NAN;
  const char *at = strstr(csv, "latency,,,correlation,");
  assert_non_null(at);
  corr = strtod(at + strlen("latency,,,correlation,"), NULL);
  assert_non_null(at = strstr(csv, "latency,,,phase_1k,"));
  phase = strtod(at + strlen("latency,,,phase_1k,"), NULL);
  assert_non_null(at = strstr(csv, "latency,,,reported,"));
  reported = strtod(at + strlen("latency,,,reported,"), NULL);
  print_message("clean CSV latency: %g by correlation, %g by phase, %g reported\n", corr, phase,
                reported);
  GS_ASSERT_NEAR(corr, 0.0, 0.01);
  GS_ASSERT_NEAR(phase, 0.0, 0.01);
  GS_ASSERT_NEAR(reported, 0.0, 0.0);
}

// At 32 kHz the sweep ends at 0.48 x 32 kHz = 15.36 kHz: the table stops at
// the 12.5 kHz row (16 kHz and 20 kHz are above it), the JSON's last point
// is 15.36 kHz, and the noise band is 22 Hz to 15.36 kHz.
static void test_low_rate(void **state)
{
  (void)state;
  assert_int_equal(run("measure --model clean --rate 32000 response noise"), 0);
  const char *table = slurp("stdout.txt");
  assert_non_null(strstr(table, "\n     12500 "));
  assert_null(strstr(table, "\n     16000 "));
  assert_null(strstr(table, "\n     20000 "));
  assert_non_null(strstr(table, "no signal, 22 Hz to 15.36 kHz)"));
  assert_int_equal(run("measure --model clean --rate 32000 --json response"), 0);
  json_t *r = report();
  json_t *pts = json_object_get(json_object_get(r, "response"), "points");
  GS_ASSERT_NEAR(num(json_array_get(pts, json_array_size(pts) - 1), "freq_hz"), 15360.0, 1e-6);
  json_decref(r);
}

// docs/models.md carries exactly what `measure models-doc` prints.
static void test_models_doc_is_current(void **state)
{
  (void)state;
  assert_int_equal(run("measure models-doc"), 0);
  char *gen = strdup(slurp("stdout.txt"));
  FILE *f = fopen(GS_SOURCE_DIR "/docs/models.md", "r");
  assert_non_null(f);
  static char doc[1 << 16];
  doc[fread(doc, 1, sizeof(doc) - 1, f)] = '\0';
  fclose(f);
  const char *start = strstr(doc, "<!-- generated by `gainstage measure models-doc`");
  const char *end = strstr(doc, "<!-- end of generated section -->\n");
  assert_non_null(start);
  assert_non_null(end);
  end += strlen("<!-- end of generated section -->\n");
  if (strlen(gen) != (size_t)(end - start) || strncmp(gen, start, (size_t)(end - start))) {
    print_error("docs/models.md's generated section differs from `gainstage measure "
                "models-doc`; run scripts/models-doc. The command prints:\n%s",
                gen);
    fail();
  }
  free(gen);
}

// Strip 7 (vocal) of the demo band: tube at 28 dB into a +18 dBu converter.
// Its gain at 1 kHz is 28.00 dB; its noise is the tube's -124 dBu(A) plus the
// converter's -120 dBFS(A) (-102 dBu(A), -130 dBu(A) at the input): -123.0.
static void test_session_strip(void **state)
{
  (void)state;
  assert_int_equal(run("measure --session " GS_SOURCE_DIR "/examples/demo-band.yaml "
                       "--strip vocal --json noise latency"),
                   0);
  json_t *r = report();
  print_message("vocal strip: gain %.3f dB, EIN %.2f dBu(A), latency %.2f by correlation, "
                "%.2f reported\n",
                num(r, "noise.gain_db"), num(r, "noise.ein_a"),
                num(r, "latency.correlation_samples"), num(r, "latency.reported_samples"));
  GS_ASSERT_NEAR(num(r, "noise.gain_db"), 28.0, 0.05);
  GS_ASSERT_NEAR(num(r, "noise.ein_a"), 10.0 * log10(pow(10.0, -12.4) + pow(10.0, -13.0)), 0.5);
  // 39 samples of converter and the tube's 5.17 at 4x, whole.
  GS_ASSERT_NEAR(num(r, "latency.reported_samples"), 44.0, 0.0);
  json_decref(r);
  // The correlation finds a pure delay to 0.01 sample (test_delay_estimate);
  // this strip's 80 Hz high-pass and the tube's 4x filters are minimum
  // phase and add their group delay (0.9 samples) to it, so the exact check
  // is on a line strip of the clean model at 1x: the converter's 39 samples,
  // by all three, within 0.05 sample -- an off-by-one in the report fails.
  static const char line[] = "session:\n  name: line\n  rate_hz: 48000\n  bits: 24\n"
                             "  block: 256\n  adc_ref_dbu: 18\nstrips:\n  - name: dry\n"
                             "    input: line\n    model: clean\n    gain_db: 0\n";
  FILE *f = fopen(path("line.yaml"), "w");
  assert_non_null(f);
  fputs(line, f);
  fclose(f);
  assert_int_equal(run("measure --session line.yaml --strip dry --json latency"), 0);
  r = report();
  print_message("line strip: latency %.3f by correlation, %.3f by phase, %.3f reported\n",
                num(r, "latency.correlation_samples"), num(r, "latency.phase_1k_samples"),
                num(r, "latency.reported_samples"));
  GS_ASSERT_NEAR(num(r, "latency.reported_samples"), 39.0, 0.0);
  GS_ASSERT_NEAR(num(r, "latency.correlation_samples"), 39.0, 0.05);
  GS_ASSERT_NEAR(num(r, "latency.phase_1k_samples"), 39.0, 0.05);
  json_decref(r);
  // A session path that is not UTF-8 (byte 0xff) still gives JSON: U+FFFD
  // for the byte in the device's name.
  assert_non_null(f = fopen(path("l\xffne.yaml"), "w"));
  fputs(line, f);
  fclose(f);
  assert_int_equal(run("measure --session 'l\xffne.yaml' --strip 1 --json latency"), 0);
  r = report();
  json_t *device = json_object_get(r, "device");
  assert_non_null(strstr(json_string_value(device), "l\xef\xbf\xbdne.yaml"));
  json_decref(r);
  assert_int_equal(run("measure --session " GS_SOURCE_DIR "/examples/demo-band.yaml --strip 9"),
                   2);
  one_line("no strip 9 (1 to 8: 1 kick");
}

// eg-amp with its gain at +6 dB: flat at +6.00 dB (+-0.01) from 20 Hz to
// 20 kHz, THD below -120 dB at every level, no latency.
static void test_lv2_eg_amp(void **state)
{
  (void)state;
  assert_int_equal(run("measure --lv2 http://lv2plug.in/plugins/eg-amp --set gain=6 --json "
                       "response thd-level latency"),
                   0);
  json_t *r = report();
  json_t *pts = json_object_get(json_object_get(r, "response"), "points");
  assert_true(json_array_size(pts) > 100);
  double lo = INFINITY, hi = -INFINITY;
  for (size_t i = 0; i < json_array_size(pts); ++i) {
    const double g = num(json_array_get(pts, i), "gain_db");
    lo = fmin(lo, g);
    hi = fmax(hi, g);
  }
  json_t *thd = json_object_get(r, "thd_vs_level");
  double worst = 0.0;
  for (size_t i = 0; i < json_array_size(thd); ++i) {
    worst = fmax(worst, num(json_array_get(thd, i), "thd_percent"));
  }
  const double worst_db = 20.0 * log10(fmax(worst / 100.0, 1e-20));
  print_message("eg-amp gain 6: response %+.4f to %+.4f dB, worst THD %.1f dB, latency %.3f\n",
                lo, hi, worst_db, num(r, "latency.correlation_samples"));
  GS_ASSERT_NEAR(lo, 6.0, 0.01);
  GS_ASSERT_NEAR(hi, 6.0, 0.01);
  GS_ASSERT_BELOW(worst_db, -120.0);
  GS_ASSERT_NEAR(num(r, "latency.correlation_samples"), 0.0, 0.01);
  GS_ASSERT_NEAR(num(r, "latency.phase_1k_samples"), 0.0, 0.01);
  json_decref(r);
}

// Calf's sidechain compressor (calf-plugins, which scripts/install-deps
// installs) listening to its external sidechain, the third audio input:
// that input must hear silence, so a -12 dBFS sine passes at 0.00 dB. When
// one buffer served every unmeasured port, the sidechain heard the second
// output's last block and the gain was -1.78 dB.
static void test_lv2_sidechain_hears_silence(void **state)
{
  (void)state;
  const int rc = run("measure --lv2 http://calf.sourceforge.net/plugins/SidechainCompressor "
                     "--set sc_route=1 --json spectrum");
  if (rc) {
    fail_msg("exit %d: %s", rc, slurp("stderr.txt"));
  }
  json_t *r = report();
  const double gain = num(r, "spectrum.level_out") - num(r, "spectrum.level_in");
  print_message("calf sidechain compressor, external sidechain: gain %+.3f dB\n", gain);
  GS_ASSERT_NEAR(gain, 0.0, 0.01);
  json_decref(r);
}

static void test_bad_input(void **state)
{
  (void)state;
  assert_int_equal(run("measure --lv2 http://lv2plug.in/plugins/eg-amq"), 2);
  one_line("no LV2 plugin http://lv2plug.in/plugins/eg-amq is installed (");
  assert_non_null(strstr(slurp("stderr.txt"), "lv2ls lists them; closest: "
                                              "http://lv2plug.in/plugins/eg-amp"));
  assert_int_equal(run("measure --model nope"), 2);
  one_line("unknown model 'nope' (models: clean, console, transformer, tube, bass, guitar)");
  // eg-sampler (lv2-examples) needs the worker and default state, which
  // measure does not give; the list is sorted.
  assert_int_equal(run("measure --lv2 http://lv2plug.in/plugins/eg-sampler"), 2);
  one_line("http://lv2plug.in/plugins/eg-sampler needs features measure does not provide: "
           "http://lv2plug.in/ns/ext/state#loadDefaultState, "
           "http://lv2plug.in/ns/ext/worker#schedule (it provides urid:map, urid:unmap, "
           "options, bufsz:boundedBlockLength, log)");
  assert_int_equal(run("measure --lv2 http://lv2plug.in/plugins/eg-amp --set gian=3"), 2);
  one_line("--set gian: http://lv2plug.in/plugins/eg-amp has no such control (controls: gain)");
  assert_int_equal(run("measure --lv2 http://lv2plug.in/plugins/eg-amp --set gain=300"), 2);
  one_line("--set gain=300: out of range (-90 to 24)");
  assert_int_equal(run("measure"), 2);
  one_line("which device? give one");
  assert_int_equal(run("measure --model tube sideways"), 2);
  one_line("unknown measurement 'sideways'");
  // --rate: 1e300 made the block length overflow to 0 and hung.
  assert_int_equal(run("measure --lv2 http://lv2plug.in/plugins/eg-amp --rate 1e300 spectrum"),
                   2);
  one_line("gainstage measure: --rate 1e+300: out of range (8000 to 384000 Hz)\n");
  assert_int_equal(run("measure --model tube --rate 1"), 2);
  one_line("gainstage measure: --rate 1: out of range (8000 to 384000 Hz)\n");
  assert_int_equal(run("measure --session " GS_SOURCE_DIR "/examples/demo-band.yaml --strip 1 "
                       "--rate 44100"),
                   2);
  one_line("--rate: a session's strip runs at the session's rate");
  assert_int_equal(run("measure --model tube --rate 44100 --freq 20000"), 2);
  one_line("gainstage measure: --freq 20000: out of range (20 to 19845 Hz at 44100 Hz)\n");
  assert_int_equal(run("measure --model tube --freq 10"), 2);
  one_line("gainstage measure: --freq 10: out of range (20 to 21600 Hz at 48000 Hz)\n");
  // --from above --to, or a tiny --step, said "out of memory".
  assert_int_equal(run("measure --model tube --from 10 --to 0 thd-level"), 2);
  one_line("gainstage measure: --from 10 --to 0: --from must not be above --to\n");
  assert_int_equal(run("measure --model tube --from -60 --to 0 --step 0.01 thd-level"), 2);
  one_line("gainstage measure: --from -60 --to 0 --step 0.01: 6001 levels, at most 200 (a step "
           "of 0.301508 dB or more)\n");
  assert_int_equal(run("measure --model tube --from 40 thd-level"), 2);
  one_line("gainstage measure: --from 40 --to 34: --from must not be above --to\n");
  assert_int_equal(run("measure --model tube --step 0"), 2);
  one_line("gainstage measure: --step 0: must be above 0 dB\n");
  // Strip options belong to a model.
  assert_int_equal(run("measure --lv2 http://lv2plug.in/plugins/eg-amp --gain 6"), 2);
  one_line("gainstage measure: --gain applies to --model only; for a plugin use --set "
           "SYMBOL=VALUE\n");
  assert_int_equal(run("measure --session " GS_SOURCE_DIR "/examples/demo-band.yaml --strip 1 "
                       "--oversample 2"),
                   2);
  one_line("gainstage measure: --oversample applies to --model only; a session's strip has its "
           "settings in the session file\n");
  assert_int_equal(run("measure --model tube --input-ref 18"), 2);
  one_line("gainstage measure: --input-ref: a model is measured in volts");
  assert_int_equal(run("measure --lv2 http://lv2plug.in/plugins/eg-amp --set gain=abc"), 2);
  one_line("gainstage measure: --set gain=abc: not a number (SYMBOL=VALUE, e.g. gain=0)\n");
  assert_int_equal(run("measure --lv2 eg-amp"), 2);
  one_line("gainstage measure: --lv2 eg-amp: not a URI (a plugin's URI, e.g. "
           "http://lv2plug.in/plugins/eg-amp; lv2ls lists them)\n");
  assert_int_equal(run("measure models-doc --json"), 2);
  one_line("models-doc measures every model at fixed settings and takes no device, option");
  assert_int_equal(run("measure --session missing.yaml --strip 1"), 2);
  one_line("missing.yaml: cannot open");
  // Plots that cannot be written: exit 1, one line, and no file left.
  assert_int_equal(run("measure --model clean --svg /proc/nope spectrum"), 1);
  assert_non_null(strstr(slurp("stderr.txt"), "/proc/nope: cannot create the folder"));
  assert_int_equal(run("measure --help"), 0);
  assert_non_null(strstr(slurp("stdout.txt"), "phase.svg, group-delay.svg"));
  assert_string_equal(slurp("stderr.txt"), "");
}

int main(int argc, char **argv)
{
  if (!cli_setup(argc, argv, "test-measure")) {
    return 1;
  }
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_model_matches_table),
    cmocka_unit_test(test_models_doc_is_current),
    cmocka_unit_test(test_low_rate),
    cmocka_unit_test(test_session_strip),
    cmocka_unit_test(test_lv2_eg_amp),
    cmocka_unit_test(test_lv2_sidechain_hears_silence),
    cmocka_unit_test(test_bad_input),
  };
  return cli_teardown(cmocka_run_group_tests(tests, NULL, NULL));
}
