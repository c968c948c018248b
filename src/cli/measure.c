// SPDX-License-Identifier: ISC
// gainstage measure: a measurement bench for a model, a session's strip or
// an LV2 plugin: options, the device, the measurements, the output.

#include "cli/commands.h"
#include "cli/measure_report.h"
#include "cli/say.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define bad(...) gs_cli_bad("measure", __VA_ARGS__)
#define MAX_SET 64

static const char usage[] =
  "usage: gainstage measure [WHAT...] DEVICE [options]\n"
  "       gainstage measure models-doc\n"
  "Measures a preamp model, a session's strip or an LV2 plugin as an audio analyser does.\n"
  "\n"
  "WHAT (default all):\n"
  "  response    frequency response, phase and group delay (log sweep, 20 Hz to 20 kHz\n"
  "              or the sweep's end, 0.48 x rate, when lower)\n"
  "  thd-level   THD and THD+N at 1 kHz from 66 dB below the top level up to it\n"
  "  thd-freq    THD and THD+N from 20 Hz to 10 kHz at --level\n"
  "  thd         both;  spectrum   harmonics H1 to H10 at --freq and --level\n"
  "  noise       noise A-weighted and 22 Hz to 22 kHz (to 0.48 x rate when lower),\n"
  "              EIN, max level, dynamic range\n"
  "  aliasing    5, 10, 15 kHz (those below 0.45 x rate) driven 12 dB past saturation,\n"
  "              at 1x 2x 4x 8x for a model or strip, one row (own) for a plugin\n"
  "  latency     by cross-correlation and by the phase at 1 kHz\n"
  "  all         everything;  models-doc   every model's figures for docs/models.md\n"
  "\n"
  "DEVICE, one of:\n"
  "  -m, --model NAME     a preamp model's strip, in dBu (see gainstage models), with\n"
  "      --gain DB --pad --hpf HZ --polarity --bass DB --mid DB --treble DB\n"
  "      --oversample auto|1|2|4|8   as gainstage process takes (these strip options\n"
  "                       are for --model only)\n"
  "      --session FILE --strip N|NAME   a session's strip, input to converter (dBu in,\n"
  "                       dBFS out, reported in dBu through the session's reference;\n"
  "                       the session sets the rate and the strip's settings)\n"
  "      --lv2 URI        an installed LV2 plugin, in dBFS (lv2ls lists them)\n"
  "      --set SYMBOL=VALUE   a control port of the plugin (repeat for more)\n"
  "\n"
  "Options:\n"
  "      --level L        input level for thd-freq and spectrum (default: the device's\n"
  "                       moderate level: the model's first documented THD point)\n"
  "      --response-level L   the sweep's level (default: 20 dB below saturation)\n"
  "      --rate HZ        sample rate for --model and --lv2, 8000 to 384000 (default 48000)\n"
  "      --freq HZ        the spectrum's frequency, 20 Hz to 0.45 x rate (default 1000)\n"
  "      --from L, --to L, --step DB   thd-level's range: from <= to, step above 0,\n"
  "                       at most 200 levels (default 66 dB below the top, 3 dB steps)\n"
  "      --alias-level L  level of the aliasing sines\n"
  "      --csv, --json    print CSV or JSON instead of tables\n"
  "      --svg DIR        also write plots: response.svg, phase.svg, group-delay.svg,\n"
  "                       thd-level.svg, thd-frequency.svg, spectrum.svg (those measured)\n"
  "  -h, --help           show this help\n"
  "\n"
  "Levels are sine RMS: dBu at a model's or strip's input, dBFS for a plugin.\n"
  "Exit status: 0 on success; 2 for bad arguments, an unknown device or a session\n"
  "file that cannot be read; 1 when a measurement fails or an output (report or\n"
  "plot) cannot be written.\n";

typedef struct {
  unsigned what;
  bool models_doc, csv, json;
  const char *svg_dir;
  const char *model, *session, *strip, *lv2;
  GsPreampConfig strip_config;
  const char *strip_option;  // the first strip option given (--gain, --pad, ...)
  bool rate_given;
  GsDutControl set[MAX_SET];
  size_t n_set;
  GsMeasureSettings settings;
} Options;

static bool number(const char *opt, const char *text, double *out)
{
  return gs_cli_number("measure", opt, text, out);
}

static const struct {
  const char *word;
  unsigned mask;
} words[] = {
  {"response", GS_MEASURE_RESPONSE},
  {"thd-level", GS_MEASURE_THD_LEVEL},
  {"thd-freq", GS_MEASURE_THD_FREQ},
  {"thd", GS_MEASURE_THD_LEVEL | GS_MEASURE_THD_FREQ},
  {"spectrum", GS_MEASURE_SPECTRUM},
  {"noise", GS_MEASURE_NOISE},
  {"aliasing", GS_MEASURE_ALIASING},
  {"latency", GS_MEASURE_LATENCY},
  {"all", GS_MEASURE_ALL},
};

enum {
  OPT_GAIN = 256, OPT_PAD, OPT_HPF, OPT_POLARITY, OPT_BASS, OPT_MID, OPT_TREBLE, OPT_OVERSAMPLE,
  OPT_INPUT_REF, OPT_RATE, OPT_SESSION, OPT_STRIP, OPT_LV2, OPT_SET, OPT_LEVEL, OPT_RLEVEL,
  OPT_FREQ, OPT_FROM, OPT_TO, OPT_STEP, OPT_ALEVEL, OPT_CSV, OPT_JSON, OPT_SVG,
};

static const struct option long_options[] = {
  {"model", required_argument, NULL, 'm'},
  {"gain", required_argument, NULL, OPT_GAIN},
  {"pad", no_argument, NULL, OPT_PAD},
  {"hpf", required_argument, NULL, OPT_HPF},
  {"polarity", no_argument, NULL, OPT_POLARITY},
  {"bass", required_argument, NULL, OPT_BASS},
  {"mid", required_argument, NULL, OPT_MID},
  {"treble", required_argument, NULL, OPT_TREBLE},
  {"oversample", required_argument, NULL, OPT_OVERSAMPLE},
  {"input-ref", required_argument, NULL, OPT_INPUT_REF},
  {"rate", required_argument, NULL, OPT_RATE},
  {"session", required_argument, NULL, OPT_SESSION},
  {"strip", required_argument, NULL, OPT_STRIP},
  {"lv2", required_argument, NULL, OPT_LV2},
  {"set", required_argument, NULL, OPT_SET},
  {"level", required_argument, NULL, OPT_LEVEL},
  {"response-level", required_argument, NULL, OPT_RLEVEL},
  {"freq", required_argument, NULL, OPT_FREQ},
  {"from", required_argument, NULL, OPT_FROM},
  {"to", required_argument, NULL, OPT_TO},
  {"step", required_argument, NULL, OPT_STEP},
  {"alias-level", required_argument, NULL, OPT_ALEVEL},
  {"csv", no_argument, NULL, OPT_CSV},
  {"json", no_argument, NULL, OPT_JSON},
  {"svg", required_argument, NULL, OPT_SVG},
  {"help", no_argument, NULL, 'h'},
  {NULL, 0, NULL, 0},
};

static bool parse_set(Options *o, const char *text)
{
  const char *eq = strchr(text, '=');
  if (!eq || eq == text) {
    bad("--set %s: expected SYMBOL=VALUE", text);
    return false;
  }
  if (o->n_set == MAX_SET) {
    bad("--set: more than %d controls", MAX_SET);
    return false;
  }
  char *symbol = strndup(text, (size_t)(eq - text));
  if (!symbol) {
    bad("--set %s: out of memory", text);
    return false;
  }
  char *end = NULL;
  errno = 0;
  const double v = strtod(eq + 1, &end);
  if (end == eq + 1 || *end || errno || !isfinite(v)) {
    bad("--set %s=%s: not a number (SYMBOL=VALUE, e.g. %s=0)", symbol, eq + 1, symbol);
    free(symbol);
    return false;
  }
  o->set[o->n_set].value = v;
  o->set[o->n_set++].symbol = symbol;
  return true;
}

// A numeric option into *out, or the bad-input status.
#define NUM(name, out)                                                                           \
  if (!number(name, optarg, out)) return GS_CLI_BAD_INPUT;                                     \
  break

// A strip option: remembered, for it applies to --model only.
#define STRIP(name) o->strip_option = o->strip_option ? o->strip_option : (name)

// A URI starts with a scheme (RFC 3986 section 3.1: a letter, then letters,
// digits, "+", "-" or ".") and a colon; without one lilv prints its own error.
static bool has_scheme(const char *uri)
{
  if (!((*uri >= 'a' && *uri <= 'z') || (*uri >= 'A' && *uri <= 'Z'))) {
    return false;
  }
  const char *c = uri + 1;
  while ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
         *c == '+' || *c == '-' || *c == '.') {
    ++c;
  }
  return *c == ':' && c[1];
}

// thd-level's levels from->to by step: what gs_measure_all() will measure.
static int check_levels(double from, double to, double step)
{
  if (!(from <= to)) {
    return bad("--from %g --to %g: --from must not be above --to", from, to);
  }
  const double n = floor((to - from) / step + 1e-9) + 1.0;
  if (n > GS_MEASURE_MAX_LEVELS) {
    return bad("--from %g --to %g --step %g: %.0f levels, at most %d (a step of %g dB or more)",
               from, to, step, n, GS_MEASURE_MAX_LEVELS,
               (to - from) / (GS_MEASURE_MAX_LEVELS - 1));
  }
  return -1;
}

static int parse(Options *o, int argc, char **argv)
{
  *o = (Options){.strip_config = gs_preamp_config_default(),
                 .settings = gs_measure_settings_default()};
  o->strip_config.model = NULL;
  opterr = 0;
  optind = 1;
  int c;
  while ((c = getopt_long(argc, argv, ":m:h", long_options, NULL)) != -1) {
    GsPreampConfig *sc = &o->strip_config;
    switch (c) {
    case 'm': o->model = optarg; break;
    case OPT_GAIN: STRIP("--gain"); NUM("--gain", &sc->gain_db);
    case OPT_PAD: STRIP("--pad"); sc->pad = true; break;
    case OPT_HPF: STRIP("--hpf"); NUM("--hpf", &sc->hpf_hz);
    case OPT_POLARITY: STRIP("--polarity"); sc->invert = true; break;
    case OPT_BASS: STRIP("--bass"); NUM("--bass", &sc->bass_db);
    case OPT_MID: STRIP("--mid"); NUM("--mid", &sc->mid_db);
    case OPT_TREBLE: STRIP("--treble"); NUM("--treble", &sc->treble_db);
    case OPT_INPUT_REF:
      return bad("--input-ref: a model is measured in volts (dBu in and out) and has no "
                 "converter; for a converter's reference measure a session's strip "
                 "(--session FILE --strip N)");
    case OPT_RATE:
      o->rate_given = true;
      NUM("--rate", &sc->rate_hz);
    case OPT_OVERSAMPLE:
      STRIP("--oversample");
      if (!gs_cli_oversample("measure", optarg, &sc->oversample)) {
        return GS_CLI_BAD_INPUT;
      }
      break;
    case OPT_SESSION: o->session = optarg; break;
    case OPT_STRIP: o->strip = optarg; break;
    case OPT_LV2: o->lv2 = optarg; break;
    case OPT_SET: if (!parse_set(o, optarg)) return GS_CLI_BAD_INPUT; break;
    case OPT_LEVEL: NUM("--level", &o->settings.level);
    case OPT_RLEVEL: NUM("--response-level", &o->settings.response_level);
    case OPT_FREQ: NUM("--freq", &o->settings.spectrum_hz);
    case OPT_FROM: NUM("--from", &o->settings.from);
    case OPT_TO: NUM("--to", &o->settings.to);
    case OPT_STEP: NUM("--step", &o->settings.step);
    case OPT_ALEVEL: NUM("--alias-level", &o->settings.alias_level);
    case OPT_CSV: o->csv = true; break;
    case OPT_JSON: o->json = true; break;
    case OPT_SVG: o->svg_dir = optarg; break;
    case 'h': fputs(usage, stdout); return 0;
    case ':': return bad("%s needs a value (see --help)", argv[optind - 1]);
    default: return bad("unknown option '%s' (see --help)", argv[optind - 1]);
    }
  }
  for (int i = optind; i < argc; ++i) {
    bool found = !strcmp(argv[i], "models-doc");
    o->models_doc |= found;
    for (size_t w = 0; w < sizeof(words) / sizeof(words[0]) && !found; ++w) {
      if (!strcmp(argv[i], words[w].word)) {
        o->what |= words[w].mask;
        found = true;
      }
    }
    if (!found) {
      return bad("unknown measurement '%s' (response, thd-level, thd-freq, thd, spectrum, "
                 "noise, aliasing, latency, all, models-doc)",
                 argv[i]);
    }
  }
  o->settings.what = o->what ? o->what : GS_MEASURE_ALL;
  const int n_devices = !!o->model + !!o->session + !!o->lv2;
  if (o->models_doc) {
    // models-doc measures at its own fixed settings: any option would be ignored.
    const bool other = argc - optind > 1 || optind > 1;
    return n_devices || o->what || other
             ? bad("models-doc measures every model at fixed settings and takes no device, "
                   "option or other measurement (gainstage measure models-doc)")
             : -1;
  }
  if (n_devices != 1) {
    return bad("%s (--model NAME, --session FILE --strip N, or --lv2 URI; see --help)",
               n_devices ? "measures one device at a time" : "which device? give one");
  }
  if (o->session && !o->strip) {
    return bad("--session %s: which strip? add --strip N (1 for the first) or its name",
               o->session);
  }
  if (o->strip && !o->session) {
    return bad("--strip needs --session FILE");
  }
  if (o->strip_option && !o->model) {
    return o->lv2 ? bad("%s applies to --model only; for a plugin use --set SYMBOL=VALUE",
                        o->strip_option)
                  : bad("%s applies to --model only; a session's strip has its settings in "
                        "the session file",
                        o->strip_option);
  }
  if (o->rate_given && o->session) {
    return bad("--rate: a session's strip runs at the session's rate (rate_hz in %s); "
               "--rate is for --model and --lv2",
               o->session);
  }
  if (!(o->strip_config.rate_hz >= GS_MEASURE_MIN_RATE_HZ &&
        o->strip_config.rate_hz <= GS_MEASURE_MAX_RATE_HZ)) {
    return bad("--rate %g: out of range (%g to %g Hz)", o->strip_config.rate_hz,
               GS_MEASURE_MIN_RATE_HZ, GS_MEASURE_MAX_RATE_HZ);
  }
  if (o->lv2 && !has_scheme(o->lv2)) {
    return bad("--lv2 %s: not a URI (a plugin's URI, e.g. http://lv2plug.in/plugins/eg-amp; "
               "lv2ls lists them)",
               o->lv2);
  }
  if (o->n_set && !o->lv2) {
    return bad("--set is for an LV2 plugin's controls (--lv2 URI)");
  }
  if (o->csv + o->json > 1) {
    return bad("--csv and --json: choose one");
  }
  if (!(o->settings.step > 0)) {
    return bad("--step %g: must be above 0 dB", o->settings.step);
  }
  if (!isnan(o->settings.from) && !isnan(o->settings.to)) {
    const int rc = check_levels(o->settings.from, o->settings.to, o->settings.step);
    if (rc >= 0) {
      return rc;
    }
  }
  if (!(o->settings.spectrum_hz >= GS_MEASURE_MIN_FREQ_HZ &&
        (o->session ||
         o->settings.spectrum_hz <= GS_MEASURE_MAX_FREQ * o->strip_config.rate_hz))) {
    return bad("--freq %g: out of range (%g to %g Hz at %g Hz)", o->settings.spectrum_hz,
               GS_MEASURE_MIN_FREQ_HZ, GS_MEASURE_MAX_FREQ * o->strip_config.rate_hz,
               o->strip_config.rate_hz);
  }
  return -1;
}

// What depends on the device: the rate (a session's own) and the default levels.
static int check_device(const Options *o, const GsDut *dut)
{
  const double top = GS_MEASURE_MAX_FREQ * dut->rate_hz;
  if (!(o->settings.spectrum_hz <= top)) {
    return bad("--freq %g: out of range (%g to %g Hz at %g Hz)", o->settings.spectrum_hz,
               GS_MEASURE_MIN_FREQ_HZ, top, dut->rate_hz);
  }
  if (o->settings.what & GS_MEASURE_THD_LEVEL) {
    const double to = isnan(o->settings.to) ? dut->max_level : o->settings.to;
    const double from = isnan(o->settings.from) ? to - 66.0 : o->settings.from;
    return check_levels(from, to, o->settings.step);
  }
  return -1;
}

static int make_device(const Options *o, GsDut **dut)
{
  GsError err = {{0}};
  GsStatus st;
  if (o->model) {
    GsPreampConfig c = o->strip_config;
    c.model = o->model;
    st = gs_dut_model_new(&c, dut, &err);
  } else if (o->session) {
    char *end = NULL;
    const long n = strtol(o->strip, &end, 10);
    const bool by_number = end != o->strip && !*end;
    st = gs_dut_session_new(o->session, by_number ? (int)n - 1 : -1,
                            by_number ? NULL : o->strip, dut, &err);
  } else {
    st = gs_dut_lv2_new(o->lv2, o->strip_config.rate_hz, o->set, o->n_set, dut, &err);
  }
  return st ? bad("%s", err.message) : -1;
}

int gs_cli_measure(int argc, char **argv)
{
  Options o;
  int rc = parse(&o, argc, argv);
  if (rc < 0 && o.models_doc) {
    GsError err = {{0}};
    rc = gs_measure_models_doc(stdout, &err) ? (fprintf(stderr, "gainstage measure: %s\n",
                                                        err.message), 1)
                                             : 0;
  }
  GsDut *dut = NULL;
  if (rc < 0) {
    rc = make_device(&o, &dut);
  }
  if (rc < 0) {
    rc = check_device(&o, dut);
  }
  if (rc < 0) {
    GsMeasurement m;
    GsError err = {{0}};
    if (gs_measure_all(dut, &o.settings, &m, &err)) {
      fprintf(stderr, "gainstage measure: %s\n", err.message);
      rc = 1;
    } else {
      rc = 0;
      if (o.json) {
        if (gs_measure_print_json(stdout, dut, &m, &err)) {
          fprintf(stderr, "gainstage measure: %s\n", err.message);
          rc = 1;
        }
      } else if (o.csv) {
        gs_measure_print_csv(stdout, dut, &m);
      } else {
        gs_measure_print_table(stdout, dut, &m);
      }
      if (!rc && (fflush(stdout) || ferror(stdout))) {
        fprintf(stderr, "gainstage measure: cannot write the report to standard output\n");
        rc = 1;
      }
      if (!rc && o.svg_dir && gs_measure_write_svg(o.svg_dir, dut, &m, &err)) {
        fprintf(stderr, "gainstage measure: %s\n", err.message);
        rc = 1;
      }
    }
    gs_measurement_free(&m);
  }
  gs_dut_free(dut);
  for (size_t i = 0; i < o.n_set; ++i) {
    free((char *)(uintptr_t)o.set[i].symbol);
  }
  return rc;
}
