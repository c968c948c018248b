// SPDX-License-Identifier: ISC
// The LV2 bundle in real hosts and tools: lv2info, lv2apply against gainstage process, lv2_validate, an install.
//
// usage: test_lv2_tools GAINSTAGE LV2_FOLDER BUILD_ROOT MESON LV2DIR PREFIX PRELOAD HOSTS
//   LV2_FOLDER  the folder holding gainstage.lv2 in the build (LV2_PATH)
//   LV2DIR      where `meson install` puts bundles (absolute, before DESTDIR)
//   PRELOAD     a sanitizer runtime a host must preload to load this build's
//               plugin (the ASan build: libasan), or "-"
//   HOSTS       1 to run lv2apply; 0 in the RealtimeSanitizer build, whose
//               plugin needs a runtime only executables link statically
//               (Debian's clang-22 ships no shared librtsan): lv2apply cannot
//               load it there, so that build drives run() through the
//               in-process host (test_lv2_host) instead. lv2info and
//               lv2_validate only read Turtle and run in every build.

#include "cli_run.h"

#include "gainstage/preamp.h"

#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

static const char *lv2_folder, *build_root, *meson, *lv2dir, *prefix, *preload;
static bool hosts;

// Runs a shell command line in the folder with LV2_PATH set (and the
// sanitizer runtime preloaded for hosts that load the plugin); stdout and
// stderr go to out.txt and err.txt. Returns the exit status.
static int sh(const char *lv2_path, bool loads_plugin, const char *fmt, ...)
{
  char line[8192], cmd[12288];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  char env[1024] = "";
  if (loads_plugin && strcmp(preload, "-")) {
    // The host itself is not instrumented; its own leaks are not ours.
    snprintf(env, sizeof(env), "LD_PRELOAD='%s' ASAN_OPTIONS=detect_leaks=0 ", preload);
  }
  snprintf(cmd, sizeof(cmd), "cd '%s' && %sLV2_PATH='%s' %s >out.txt 2>err.txt", dir, env,
           lv2_path, line);
  const int st = system(cmd);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static size_t count(const char *text, const char *needle)
{
  size_t n = 0;
  for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle)) {
    ++n;
  }
  return n;
}

// The number after "key" in lv2info's block for the port with symbol.
static double port_field(const char *info, const char *symbol, const char *key)
{
  char want[128];
  snprintf(want, sizeof(want), "Symbol:      %s\n", symbol);
  const char *p = strstr(info, want);
  if (!p) {
    fail_msg("lv2info: no port '%s'", symbol);
  }
  const char *end = strstr(p, "\n\n");
  const char *k = strstr(p, key);
  if (!k || (end && k > end)) {
    fail_msg("lv2info: port '%s' has no %s", symbol, key);
  }
  return strtod(k + strlen(key), NULL);
}

// lv2info lists each of the 12 plugins with every port in order, the ranges
// of the model table, the latency port, and (in its Turtle, -p) the units.
static void test_lv2info(void **state)
{
  (void)state;
  static const char *const mono[] = {"in", "out"};
  static const char *const stereo[] = {"in_l", "in_r", "out_l", "out_r"};
  static const char *const controls[] = {"gain", "pad", "hpf", "hpf_freq", "polarity",
                                         "output", "oversample", "input_ref", "noise",
                                         "latency", "bass", "mid", "treble"};
  for (size_t mi = 0; mi < gs_preamp_model_count(); ++mi) {
    const GsPreampInfo *m = gs_preamp_model_info(mi);
    for (int st = 0; st < 2; ++st) {
      char uri[128];
      snprintf(uri, sizeof(uri), "https://gainstage.org/lv2/%s%s", m->name, st ? "-stereo" : "");
      // With -p lv2info writes the plugin's Turtle instead of its listing.
      remove(path("plugin.ttl"));
      assert_int_equal(sh(lv2_folder, false, "lv2info -p plugin.ttl %s", uri), 0);
      static char ttl[1 << 16];
      snprintf(ttl, sizeof(ttl), "%s", slurp("plugin.ttl"));
      assert_int_equal(sh(lv2_folder, false, "lv2info %s", uri), 0);
      const char *info = slurp("out.txt");
      // Every port, in order: audio first, then the controls.
      const char *at = info;
      const unsigned n_audio = st ? 4 : 2;
      const unsigned n_controls = m->has_tone ? 13 : 10;
      for (unsigned i = 0; i < n_audio + n_controls; ++i) {
        const char *sym = i < n_audio ? (st ? stereo[i] : mono[i]) : controls[i - n_audio];
        char want[160];
        snprintf(want, sizeof(want), "Port %u:\n", i);
        at = strstr(at, want);
        assert_non_null(at);
        snprintf(want, sizeof(want), "Symbol:      %s\n", sym);
        // The symbol must be inside this port's block.
        const char *s = strstr(at, want), *next = strstr(at + 1, "\tPort ");
        if (!s || (next && s > next)) {
          fail_msg("%s: port %u is not '%s'", uri, i, sym);
        }
      }
      char next_port[32];
      snprintf(next_port, sizeof(next_port), "Port %u:", n_audio + n_controls);
      assert_null(strstr(info, next_port));
      // Ranges from the model table.
      GS_ASSERT_NEAR(port_field(info, "gain", "Minimum:"), m->gain_min_db, 1e-6);
      GS_ASSERT_NEAR(port_field(info, "gain", "Maximum:"), m->gain_max_db, 1e-6);
      GS_ASSERT_NEAR(port_field(info, "gain", "Default:"), m->gain_default_db, 1e-6);
      GS_ASSERT_NEAR(port_field(info, "hpf_freq", "Minimum:"), 10.0, 1e-6);
      GS_ASSERT_NEAR(port_field(info, "hpf_freq", "Maximum:"), 1000.0, 1e-6);
      GS_ASSERT_NEAR(port_field(info, "input_ref", "Default:"), 18.0, 1e-6);
      if (m->has_tone) {
        GS_ASSERT_NEAR(port_field(info, "treble", "Minimum:"), -m->tone_range_db, 1e-6);
        GS_ASSERT_NEAR(port_field(info, "bass", "Maximum:"), m->tone_range_db, 1e-6);
      }
      char latency[64];
      snprintf(latency, sizeof(latency), "Has latency:       yes, reported by port %u",
               n_audio + 9);
      assert_non_null(strstr(info, latency));
      assert_non_null(strstr(info, "http://lv2plug.in/ns/ext/state#interface"));
      // Units, from the Turtle lv2info writes back.
      const size_t db = count(ttl, "units#unit> <http://lv2plug.in/ns/extensions/units#db>");
      const size_t hz = count(ttl, "units#unit> <http://lv2plug.in/ns/extensions/units#hz>");
      const size_t dbu = count(ttl, "units#unit> <https://gainstage.org/lv2#dBu>");
      const size_t frame =
        count(ttl, "units#unit> <http://lv2plug.in/ns/extensions/units#frame>");
      if (!strcmp(m->name, "tube") && !st) {
        printf("tube: gain %g to %g dB (default %g), %zu ports in dB, %zu in Hz, %zu in dBu, "
               "%zu in frames\n",
               port_field(info, "gain", "Minimum:"), port_field(info, "gain", "Maximum:"),
               port_field(info, "gain", "Default:"), db, hz, dbu, frame);
        GS_ASSERT_NEAR(port_field(info, "gain", "Maximum:"), 60.0, 0);  // docs/models.md
      }
      assert_int_equal(db, m->has_tone ? 5 : 2);  // gain, output (, bass, mid, treble)
      assert_int_equal(hz, 1);
      assert_int_equal(dbu, 1);
      assert_int_equal(frame, 1);
    }
  }
}

// A test signal: tones and decaying noise bursts, peaking near -8 dBFS.
static void write_input(const char *name, int channels, int frames)
{
  SF_INFO info = {.samplerate = 48000, .channels = channels,
                  .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
  SNDFILE *f = sf_open(path(name), SFM_WRITE, &info);
  assert_non_null(f);
  float *x = malloc(sizeof(float) * (size_t)(frames * channels));
  uint32_t s = 1;
  for (int i = 0; i < frames; ++i) {
    for (int c = 0; c < channels; ++c) {
      s = s * 1664525u + 1013904223u;
      const double t = i / 48000.0;
      const double burst = exp(-fmod(t, 0.2) * 25.0) * ((double)(s >> 8) / 16777216.0 - 0.5);
      x[i * channels + c] = (float)(0.15 * sin(2 * M_PI * (82.0 + 30 * c) * t) +
                                    0.08 * sin(2 * M_PI * 3100.0 * t) + 0.3 * burst);
    }
  }
  assert_int_equal(sf_writef_float(f, x, frames), frames);
  sf_close(f);
  free(x);
}

static float *read_all(const char *name, SF_INFO *info)
{
  *info = (SF_INFO){0};
  SNDFILE *f = sf_open(path(name), SFM_READ, info);
  if (!f) {
    fail_msg("%s: %s", name, sf_strerror(NULL));
  }
  float *x = malloc(sizeof(float) * (size_t)(info->frames * info->channels));
  assert_int_equal(sf_readf_float(f, x, info->frames), info->frames);
  sf_close(f);
  return x;
}

typedef struct {
  const char *model;
  int channels;
  const char *process_args;  // options of gainstage process
  const char *lv2_args;      // lv2apply -c SYMBOL VALUE ...
} Case;

// lv2apply with the plugin equals gainstage process with the same settings
// (32-bit float, no dither) sample for sample (the issue asks for better than
// -120 dB; one code path, independent of block sizes, gives every bit), once
// lv2apply's output is moved back by the latency process compensates, which
// is what the plugin's latency port reports.
static void test_lv2apply_equals_process(void **state)
{
  (void)state;
  if (!hosts) {
    skip();
  }
  static const Case cases[] = {
    {"tube", 1, "--gain 30 --pad --hpf 100", "-c gain 30 -c pad 1 -c hpf 1 -c hpf_freq 100"},
    {"tube", 2, "--gain 30 --pad --hpf 100", "-c gain 30 -c pad 1 -c hpf 1 -c hpf_freq 100"},
    {"guitar", 1, "--gain 30 --bass 6 --mid -4 --treble 3 --hpf 80",
     "-c gain 30 -c bass 6 -c mid -4 -c treble 3 -c hpf 1 -c hpf_freq 80"},
    {"guitar", 2, "--gain 30 --bass 6 --mid -4 --treble 3 --polarity",
     "-c gain 30 -c bass 6 -c mid -4 -c treble 3 -c polarity 1"},
    {"bass", 1, "--gain 20 --bass 9 --treble -6 --noise --input-ref 12",
     "-c gain 20 -c bass 9 -c treble -6 -c noise 1 -c input_ref 12"},
    {"transformer", 2, "--gain 40 --pad --oversample 2", "-c gain 40 -c pad 1 -c oversample 2"},
    {"clean", 2, "--gain 20", "-c gain 20"},
  };
  enum { FRAMES = 24000 };
  write_input("in1.wav", 1, FRAMES);
  write_input("in2.wav", 2, FRAMES);
  for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); ++k) {
    const Case *c = &cases[k];
    const char *in = c->channels == 1 ? "in1.wav" : "in2.wav";
    assert_int_equal(sh(lv2_folder, false,
                        "'%s' process --model %s %s --bits 32f --dither none --json %s p.wav",
                        gainstage, c->model, c->process_args, in),
                     0);
    const char *json = slurp("out.txt");
    const char *comp_at = strstr(json, "\"latency_compensated_samples\":");
    assert_non_null(comp_at);
    const long comp = strtol(strchr(comp_at, ':') + 1, NULL, 10);
    const int rc = sh(lv2_folder, true, "lv2apply -i %s -o l.wav %s https://gainstage.org/lv2/%s%s",
                      in, c->lv2_args, c->model, c->channels == 2 ? "-stereo" : "");
    if (rc) {
      fail_msg("lv2apply failed (%d): %s", rc, slurp("err.txt"));
    }
    SF_INFO pi, li;
    float *p = read_all("p.wav", &pi), *l = read_all("l.wav", &li);
    assert_int_equal(pi.channels, c->channels);
    assert_int_equal(li.channels, c->channels);
    assert_int_equal(pi.frames, FRAMES);
    assert_int_equal(li.frames, FRAMES);
    double err = 0, sig = 0;
    long differ = 0;
    const int ch = c->channels;
    for (long i = 0; i + comp < FRAMES; ++i) {
      for (int j = 0; j < ch; ++j) {
        const double d = (double)l[(i + comp) * ch + j] - p[i * ch + j];
        if (d != 0.0 && !differ++) {
          printf("first difference: frame %ld, channel %d: lv2apply %.9g, process %.9g\n", i, j,
                 (double)l[(i + comp) * ch + j], (double)p[i * ch + j]);
        }
        err += d * d;
        sig += (double)p[i * ch + j] * p[i * ch + j];
      }
    }
    const double db = err > 0 ? 10 * log10(err / sig) : -INFINITY;
    printf("%-11s %s, %s: latency %ld samples, lv2apply vs process %.1f dB (signal %.1f dBFS RMS)\n",
           c->model, ch == 2 ? "stereo" : "mono", c->process_args, comp, db,
           10 * log10(sig / (double)((FRAMES - comp) * ch)));
    printf("  %ld of %ld samples differ\n", differ, (long)(FRAMES - comp) * ch);
    GS_ASSERT_BELOW(db, -120.0);
    assert_int_equal(differ, 0);
    GS_ASSERT_ABOVE(sig, 1.0);  // there was a signal to compare
    free(p);
    free(l);
  }
}

// The bundle's Turtle validates against the LV2 schemas (lv2_validate runs
// sord_validate over /usr/lib/lv2's specifications), and the validation is
// real: a copy with a misspelt property, a wrong datatype or an unknown
// unit fails it.
static void test_turtle_validates(void **state)
{
  (void)state;
  char bundle[1024];
  snprintf(bundle, sizeof(bundle), "%s/gainstage.lv2", lv2_folder);
  const int rc0 = sh(lv2_folder, false, "lv2_validate '%s/manifest.ttl' '%s/gainstage.ttl'",
                     bundle, bundle);
  const char *out = slurp("out.txt");
  printf("lv2_validate: %s", strstr(out, "Found ") ? strstr(out, "Found ") : out);
  assert_non_null(strstr(out, "Found 0 errors"));
  assert_int_equal(rc0, 0);
  static const char *const breaks[][2] = {
    {"lv2:minimum", "lv2:minimun"},
    {"lv2:index 2 ;", "lv2:index \"two\" ;"},
    {"units:unit units:db", "units:unit units:decibel"},
  };
  char good_path[2048];
  snprintf(good_path, sizeof(good_path), "%s/gainstage.ttl", bundle);
  FILE *f = fopen(good_path, "rb");
  assert_non_null(f);
  static char good[1 << 20];
  const size_t n = fread(good, 1, sizeof(good) - 1, f);
  fclose(f);
  good[n] = '\0';
  for (size_t i = 0; i < 3; ++i) {
    // The good file with the first occurrence replaced.
    const char *at = strstr(good, breaks[i][0]);
    assert_non_null(at);
    FILE *bad = fopen(path("bad.ttl"), "wb");
    assert_non_null(bad);
    fwrite(good, 1, (size_t)(at - good), bad);
    fputs(breaks[i][1], bad);
    fputs(at + strlen(breaks[i][0]), bad);
    fclose(bad);
    const int rc = sh(lv2_folder, false, "lv2_validate '%s/manifest.ttl' bad.ttl", bundle);
    out = slurp("out.txt");
    const char *found = strstr(out, "Found ");
    printf("broken (%s -> %s): exit %d, %s", breaks[i][0], breaks[i][1], rc,
           found ? found : "no summary\n");
    assert_int_not_equal(rc, 0);
    assert_non_null(found);
    GS_ASSERT_ABOVE(strtol(found + strlen("Found "), NULL, 10), 0);
  }
}

static bool installed_file(const char *root, const char *rel)
{
  char p[4096];
  snprintf(p, sizeof(p), "%s%s", root, rel);
  struct stat st;
  const bool ok = stat(p, &st) == 0;
  if (!ok) {
    print_error("missing: %s\n", p);
  }
  return ok;
}

// meson install into a DESTDIR puts the bundle in LV2DIR, the command in
// bin, the library, the headers and the docs in share/doc/gainstage; lv2info
// finds the installed bundle there and names its installed binary.
static void test_install(void **state)
{
  (void)state;
  char dest[512];
  snprintf(dest, sizeof(dest), "%s/dest", dir);
  assert_int_equal(sh(lv2_folder, false, "'%s' install -C '%s' --no-rebuild --quiet --destdir '%s'",
                      meson, build_root, dest),
                   0);
  char rel[2048];
  snprintf(rel, sizeof(rel), "%s/gainstage.lv2/manifest.ttl", lv2dir);
  assert_true(installed_file(dest, rel));
  snprintf(rel, sizeof(rel), "%s/gainstage.lv2/gainstage.ttl", lv2dir);
  assert_true(installed_file(dest, rel));
  snprintf(rel, sizeof(rel), "%s/gainstage.lv2/gainstage.so", lv2dir);
  assert_true(installed_file(dest, rel));
  snprintf(rel, sizeof(rel), "%s/bin/gainstage", prefix);
  assert_true(installed_file(dest, rel));
  snprintf(rel, sizeof(rel), "%s/include/gainstage/preamp.h", prefix);
  assert_true(installed_file(dest, rel));
  snprintf(rel, sizeof(rel), "%s/share/doc/gainstage/lv2.md", prefix);
  assert_true(installed_file(dest, rel));
  snprintf(rel, sizeof(rel), "%s/share/doc/gainstage/process.md", prefix);
  assert_true(installed_file(dest, rel));
  snprintf(rel, sizeof(rel), "%s/share/doc/gainstage/measure.md", prefix);
  assert_true(installed_file(dest, rel));
  snprintf(rel, sizeof(rel), "%s/share/doc/gainstage/measure/response.svg", prefix);
  assert_true(installed_file(dest, rel));  // the plots measure.md shows
  assert_int_equal(sh(lv2_folder, false, "find '%s' -name 'libgainstage.so*' -o -name 'libgainstage.a'", dest), 0);
  const size_t libs = count(slurp("out.txt"), "libgainstage");
  printf("installed under %s%s: the bundle in %s, %zu library files\n", dest, prefix, lv2dir,
         libs);
  assert_true(libs >= 2);
  // The installed command runs.
  assert_int_equal(sh(lv2_folder, false, "'%s%s/bin/gainstage' process --list-models", dest,
                      prefix),
                   0);
  assert_non_null(strstr(slurp("out.txt"), "guitar"));
  // lv2info with LV2_PATH at the installed folder.
  char installed[2048];
  snprintf(installed, sizeof(installed), "%s%s", dest, lv2dir);
  assert_int_equal(sh(installed, false, "lv2info https://gainstage.org/lv2/guitar-stereo"), 0);
  const char *info = slurp("out.txt");
  char binary[4096];
  snprintf(binary, sizeof(binary), "Binary:            file://%s/gainstage.lv2/gainstage.so",
           installed);
  if (!strstr(info, binary)) {
    fail_msg("lv2info does not name the installed binary:\n%s", info);
  }
  assert_non_null(strstr(info, "Symbol:      treble"));
  if (hosts) {
    // And a host loads and runs the installed plugin.
    write_input("in2.wav", 2, 4800);
    assert_int_equal(sh(installed, true, "lv2apply -i in2.wav -o l.wav -c gain 10 "
                                         "https://gainstage.org/lv2/guitar-stereo"),
                     0);
  }
}

int main(int argc, char **argv)
{
  if (argc != 9 || !cli_setup(argc, argv, "lv2-tools")) {
    fprintf(stderr, "usage: %s GAINSTAGE LV2_FOLDER BUILD_ROOT MESON LV2DIR PREFIX PRELOAD HOSTS\n",
            argv[0]);
    return 2;
  }
  lv2_folder = argv[2];
  build_root = argv[3];
  meson = argv[4];
  lv2dir = argv[5];
  prefix = argv[6];
  preload = argv[7];
  hosts = !strcmp(argv[8], "1");
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_lv2info),
    cmocka_unit_test(test_lv2apply_equals_process),
    cmocka_unit_test(test_turtle_validates),
    cmocka_unit_test(test_install),
  };
  return cli_teardown(cmocka_run_group_tests(tests, NULL, NULL));
}
