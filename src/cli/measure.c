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
  "  response    frequency response, phase and group delay (log sweep, 20 Hz to 20 kHz)\n"
  "  thd-level   THD and THD+N at 1 kHz from 66 dB below the top level up to it\n"
  "  thd-freq    THD and THD+N from 20 Hz to 10 kHz at --level\n"
  "  thd         both;  spectrum   harmonics H1 to H10 at --freq and --level\n"
  "  noise       noise A-weighted and 22 Hz to 22 kHz, EIN, max level, dynamic range\n"
  "  aliasing    5, 10, 15 kHz driven 12 dB past saturation, at 1x 2x 4x 8x\n"
  "  latency     by cross-correlation and by the phase at 1 kHz\n"
  "  all         everything;  models-doc   every model's figures for docs/models.md\n"
  "\n"
  "DEVICE, one of:\n"
  "  -m, --model NAME     a preamp model's strip, in dBu (see gainstage models), with\n"
  "      --gain DB --pad --hpf HZ --polarity --bass DB --mid DB --treble DB\n"
  "      --oversample auto|1|2|4|8 --input-ref DBU --rate HZ   as gainstage process takes\n"
  "      --session FILE --strip N|NAME   a session's strip, input to converter (dBu in,\n"
  "                       dBFS out, reported in dBu through the session's reference)\n"
  "      --lv2 URI        an installed LV2 plugin, in dBFS (lv2ls lists them)\n"
  "      --set SYMBOL=VALUE   a control port of the plugin (repeat for more)\n"
  "\n"
  "Options:\n"
  "      --level L        input level for thd-freq and spectrum (default: the device's\n"
  "                       moderate level: the model's first documented THD point)\n"
  "      --response-level L   the sweep's level (default: 20 dB below saturation)\n"
  "      --freq HZ        the spectrum's frequency (default 1000)\n"
  "      --from L, --to L, --step DB   thd-level's range (default 3 dB steps)\n"
  "      --alias-level L  level of the aliasing sines\n"
  "      --csv, --json    print CSV or JSON instead of tables\n"
  "      --svg DIR        also write plots (response, THD vs level and frequency, spectrum)\n"
  "  -h, --help           show this help\n"
  "\n"
  "Levels are sine RMS: dBu at a model's or strip's input, dBFS for a plugin.\n"
  "Exit status: 0 on success, 2 for bad arguments or an unknown device, 1 when a\n"
  "measurement or a file fails.\n";

typedef struct {
  unsigned what;
  bool models_doc, csv, json;
  const char *svg_dir;
  const char *model, *session, *strip, *lv2;
  GsPreampConfig strip_config;
  double input_ref_dbu;
  GsDutControl set[MAX_SET];
  size_t n_set;
  GsMeasureSettings settings;
} Options;

static bool number(const char *opt, const char *text, double *out)
{
  char *end = NULL;
  errno = 0;
  const double v = strtod(text, &end);
  if (end == text || *end || errno || !isfinite(v)) {
    bad("%s %s: not a number", opt, text);
    return false;
  }
  *out = v;
  return true;
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
  if (!number("--set", eq + 1, &o->set[o->n_set].value)) {
    return false;
  }
  o->set[o->n_set++].symbol = strndup(text, (size_t)(eq - text));
  return true;
}

// A numeric option into *out, or the bad-input status.
#define NUM(name, out)                                                                           \
  if (!number(name, optarg, out)) return GS_CLI_BAD_INPUT;                                     \
  break

static int parse(Options *o, int argc, char **argv)
{
  *o = (Options){.strip_config = gs_preamp_config_default(), .input_ref_dbu = 18.0,
                 .settings = gs_measure_settings_default()};
  o->strip_config.model = NULL;
  opterr = 0;
  optind = 1;
  int c;
  while ((c = getopt_long(argc, argv, ":m:h", long_options, NULL)) != -1) {
    GsPreampConfig *sc = &o->strip_config;
    switch (c) {
    case 'm': o->model = optarg; break;
    case OPT_GAIN: NUM("--gain", &sc->gain_db);
    case OPT_PAD: sc->pad = true; break;
    case OPT_HPF: NUM("--hpf", &sc->hpf_hz);
    case OPT_POLARITY: sc->invert = true; break;
    case OPT_BASS: NUM("--bass", &sc->bass_db);
    case OPT_MID: NUM("--mid", &sc->mid_db);
    case OPT_TREBLE: NUM("--treble", &sc->treble_db);
    case OPT_INPUT_REF: NUM("--input-ref", &o->input_ref_dbu);
    case OPT_RATE: NUM("--rate", &sc->rate_hz);
    case OPT_OVERSAMPLE:
      if (!strcmp(optarg, "auto")) {
        sc->oversample = 0;
      } else if (!strcmp(optarg, "1") || !strcmp(optarg, "2") || !strcmp(optarg, "4") ||
                 !strcmp(optarg, "8")) {
        sc->oversample = (unsigned)atoi(optarg);
      } else {
        return bad("--oversample %s: not valid (auto, 1, 2, 4 or 8)", optarg);
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
    return n_devices || o->what ? bad("models-doc measures every model and takes no device "
                                      "or other measurement")
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
  if (o->n_set && !o->lv2) {
    return bad("--set is for an LV2 plugin's controls (--lv2 URI)");
  }
  if (o->csv + o->json > 1) {
    return bad("--csv and --json: choose one");
  }
  if (!(o->settings.step > 0)) {
    return bad("--step %g: must be above 0 dB", o->settings.step);
  }
  if (!(o->settings.spectrum_hz >= 20.0 && o->settings.spectrum_hz <= 20000.0)) {
    return bad("--freq %g: out of range (20 to 20000 Hz)", o->settings.spectrum_hz);
  }
  return -1;
}

static int make_device(const Options *o, GsDut **dut)
{
  GsError err = {{0}};
  GsStatus st;
  if (o->model) {
    if (!(o->input_ref_dbu >= -40.0 && o->input_ref_dbu <= 40.0)) {
      return bad("--input-ref %g: out of range (-40 to +40 dBu)", o->input_ref_dbu);
    }
    GsPreampConfig c = o->strip_config;
    c.model = o->model;
    st = gs_dut_model_new(&c, o->input_ref_dbu, dut, &err);
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
    GsMeasurement m;
    GsError err = {{0}};
    if (gs_measure_all(dut, &o.settings, &m, &err)) {
      fprintf(stderr, "gainstage measure: %s\n", err.message);
      rc = 1;
    } else {
      if (o.json) {
        rc = gs_measure_print_json(stdout, dut, &m) ? 1 : 0;
      } else if (o.csv) {
        gs_measure_print_csv(stdout, dut, &m);
        rc = 0;
      } else {
        gs_measure_print_table(stdout, dut, &m);
        rc = 0;
      }
      if (o.svg_dir && gs_measure_write_svg(o.svg_dir, dut, &m, &err)) {
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
