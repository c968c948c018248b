// SPDX-License-Identifier: ISC
// gainstage process: one channel strip over a sound file.

#include "cli/commands.h"
#include "cli/say.h"
#include "cli/interrupt.h"
#include "cli/progress.h"
#include "cli/report.h"
#include "cli/soundfile.h"
#include "cli/trackfile.h"
#include "gainstage/preamp.h"
#include "gainstage/units.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK 4096
#define MAX_CHANNELS 64
#define EXIT_FAILURE_IO 1
#define PROGRESS_MIN_S 5.0  // inputs shorter than this finish before a bar helps

// One line on stderr, "gainstage process: ..."; bad() returns the bad-input status.
#define bad(...) gs_cli_bad("process", __VA_ARGS__)

static const char usage[] =
  "usage: gainstage process [options] IN OUT\n"
  "Runs one channel strip (pad, high-pass, preamp model, converter) over a sound file.\n"
  "\n"
  "  -m, --model NAME     preamp model (default clean); --list-models lists them\n"
  "  -g, --gain DB        preamp gain (default 0); DB,DB,... sets each channel\n"
  "      --pad            -20 dB pad before the preamp\n"
  "      --hpf HZ         12 dB/octave high-pass filter (10 to 1000 Hz)\n"
  "      --polarity       invert the polarity\n"
  "      --bass DB, --mid DB, --treble DB\n"
  "                       tone controls of the bass and guitar models (-15 to +15)\n"
  "      --oversample N   auto (the model's choice), 1, 2, 4 or 8\n"
  "      --noise          add the model's equivalent input noise\n"
  "      --seed N         noise and dither seed (default 1)\n"
  "      --input-ref DBU  level of a full-scale sine in IN (default +18 dBu = 0 dBFS)\n"
  "      --output-ref DBU converter reference for OUT (default: the input reference)\n"
  "      --bits B         16, 24 (default) or 32f\n"
  "      --dither D       tpdf (default for 16 and 24 bits) or none\n"
  "      --format F       wav, rf64, w64, aiff, flac or caf (default: OUT's extension)\n"
  "      --link           report the channels as one linked strip (one row)\n"
  "      --json           print the report as JSON\n"
  "  -q, --quiet          print no report\n"
  "      --list-models    list the models with their ranges and exit\n"
  "  -h, --help           show this help\n"
  "\n"
  "Exit status: 0 on success, 2 for bad arguments or input, 1 when writing fails.\n"
  "OUT appears only when it is complete.\n";

typedef struct {
  const char *model;
  const char *gain_arg;
  double gain_db[MAX_CHANNELS];
  unsigned n_gains;
  bool pad, invert, noise, link, json, quiet, list_models;
  double hpf_hz, bass_db, mid_db, treble_db;
  unsigned oversample;
  double input_ref_dbu, output_ref_dbu;
  bool output_ref_set;
  const char *bits;
  const char *dither;
  const char *format;
  uint64_t seed;
} Options;

static bool parse_number(const char *opt, const char *text, double *out)
{
  return gs_cli_number("process", opt, text, out);
}

static bool parse_gains(Options *o, const char *text)
{
  o->gain_arg = text;
  o->n_gains = 0;
  char buf[1024];
  if (strlen(text) >= sizeof(buf)) {
    bad("--gain: too long");
    return false;
  }
  strcpy(buf, text);
  // Split at every comma (strtok would merge ",," and hide a missing value).
  for (char *tok = buf, *next; tok; tok = next) {
    next = strchr(tok, ',');
    if (next) {
      *next++ = '\0';
    }
    if (o->n_gains == MAX_CHANNELS) {
      bad("--gain: more than %d values", MAX_CHANNELS);
      return false;
    }
    if (!*tok) {
      bad("--gain %s: a value is missing", text);
      return false;
    }
    if (!parse_number("--gain", tok, &o->gain_db[o->n_gains++])) {
      return false;
    }
  }
  if (!o->n_gains) {
    bad("--gain %s: no value", text);
    return false;
  }
  return true;
}

enum {
  OPT_PAD = 256, OPT_HPF, OPT_POLARITY, OPT_BASS, OPT_MID, OPT_TREBLE, OPT_OVERSAMPLE,
  OPT_NOISE, OPT_SEED, OPT_INPUT_REF, OPT_OUTPUT_REF, OPT_BITS, OPT_DITHER, OPT_FORMAT,
  OPT_LINK, OPT_JSON, OPT_LIST_MODELS,
};

static const struct option long_options[] = {
  {"model", required_argument, NULL, 'm'},
  {"gain", required_argument, NULL, 'g'},
  {"pad", no_argument, NULL, OPT_PAD},
  {"hpf", required_argument, NULL, OPT_HPF},
  {"polarity", no_argument, NULL, OPT_POLARITY},
  {"bass", required_argument, NULL, OPT_BASS},
  {"mid", required_argument, NULL, OPT_MID},
  {"treble", required_argument, NULL, OPT_TREBLE},
  {"oversample", required_argument, NULL, OPT_OVERSAMPLE},
  {"noise", no_argument, NULL, OPT_NOISE},
  {"seed", required_argument, NULL, OPT_SEED},
  {"input-ref", required_argument, NULL, OPT_INPUT_REF},
  {"output-ref", required_argument, NULL, OPT_OUTPUT_REF},
  {"bits", required_argument, NULL, OPT_BITS},
  {"dither", required_argument, NULL, OPT_DITHER},
  {"format", required_argument, NULL, OPT_FORMAT},
  {"link", no_argument, NULL, OPT_LINK},
  {"json", no_argument, NULL, OPT_JSON},
  {"quiet", no_argument, NULL, 'q'},
  {"list-models", no_argument, NULL, OPT_LIST_MODELS},
  {"help", no_argument, NULL, 'h'},
  {NULL, 0, NULL, 0},
};

// Returns -1 to go on, else the exit status.
static int parse_options(Options *o, int argc, char **argv)
{
  *o = (Options){.model = "clean", .gain_arg = "0", .n_gains = 1, .input_ref_dbu = 18.0,
                 .bits = "24", .dither = NULL, .seed = 1};
  opterr = 0;
  optind = 1;
  int c;
  while ((c = getopt_long(argc, argv, ":m:g:qh", long_options, NULL)) != -1) {
    switch (c) {
    case 'm': o->model = optarg; break;
    case 'g': if (!parse_gains(o, optarg)) return GS_CLI_BAD_INPUT; break;
    case OPT_PAD: o->pad = true; break;
    case OPT_POLARITY: o->invert = true; break;
    case OPT_NOISE: o->noise = true; break;
    case OPT_LINK: o->link = true; break;
    case OPT_JSON: o->json = true; break;
    case 'q': o->quiet = true; break;
    case OPT_LIST_MODELS: o->list_models = true; break;
    case 'h': fputs(usage, stdout); return 0;
    case OPT_HPF: if (!parse_number("--hpf", optarg, &o->hpf_hz)) return GS_CLI_BAD_INPUT; break;
    case OPT_BASS: if (!parse_number("--bass", optarg, &o->bass_db)) return GS_CLI_BAD_INPUT; break;
    case OPT_MID: if (!parse_number("--mid", optarg, &o->mid_db)) return GS_CLI_BAD_INPUT; break;
    case OPT_TREBLE:
      if (!parse_number("--treble", optarg, &o->treble_db)) return GS_CLI_BAD_INPUT;
      break;
    case OPT_INPUT_REF:
      if (!parse_number("--input-ref", optarg, &o->input_ref_dbu)) return GS_CLI_BAD_INPUT;
      break;
    case OPT_OUTPUT_REF:
      if (!parse_number("--output-ref", optarg, &o->output_ref_dbu)) return GS_CLI_BAD_INPUT;
      o->output_ref_set = true;
      break;
    case OPT_SEED: {
      char *end = NULL;
      errno = 0;
      const unsigned long long seed = strtoull(optarg, &end, 10);
      if (end == optarg || *end || errno || optarg[0] == '-') {
        return bad("--seed %s: expected a whole number from 0 to %llu", optarg, ULLONG_MAX);
      }
      o->seed = seed;
      break;
    }
    case OPT_OVERSAMPLE:
      if (!gs_cli_oversample("process", optarg, &o->oversample)) {
        return GS_CLI_BAD_INPUT;
      }
      break;
    case OPT_BITS: o->bits = optarg; break;
    case OPT_DITHER:
      if (strcmp(optarg, "tpdf") && strcmp(optarg, "none")) {
        return bad("--dither %s: not valid (tpdf or none)", optarg);
      }
      o->dither = optarg;
      break;
    case OPT_FORMAT: o->format = optarg; break;
    case ':': return bad("%s needs a value (see --help)", argv[optind - 1]);
    default: return bad("unknown option '%s' (see --help)", argv[optind - 1]);
    }
  }
  if (!(o->input_ref_dbu >= -40.0 && o->input_ref_dbu <= 40.0)) {
    return bad("--input-ref %g: out of range (-40 to +40 dBu)", o->input_ref_dbu);
  }
  if (!o->output_ref_set) {
    o->output_ref_dbu = o->input_ref_dbu;
  } else if (!(o->output_ref_dbu >= -40.0 && o->output_ref_dbu <= 40.0)) {
    return bad("--output-ref %g: out of range (-40 to +40 dBu)", o->output_ref_dbu);
  }
  if (!o->dither) {
    o->dither = strcmp(o->bits, "32f") ? "tpdf" : "none";
  } else if (!strcmp(o->bits, "32f") && !strcmp(o->dither, "tpdf")) {
    return bad("--dither tpdf: 32-bit float output is not dithered (use --bits 16 or 24, or "
               "--dither none)");
  }
  if (o->link && o->n_gains > 1) {
    return bad("--link: linked channels share one gain (got %u values)", o->n_gains);
  }
  return -1;
}

// The strip settings the options give, at the file's rate; the gain is the
// first channel's.
static GsPreampConfig strip_config(const Options *o, double rate_hz)
{
  GsPreampConfig cfg = gs_preamp_config_default();
  cfg.model = o->model;
  cfg.rate_hz = rate_hz;
  cfg.gain_db = o->gain_db[0];
  cfg.pad = o->pad;
  cfg.hpf_hz = o->hpf_hz;
  cfg.invert = o->invert;
  cfg.bass_db = o->bass_db;
  cfg.mid_db = o->mid_db;
  cfg.treble_db = o->treble_db;
  cfg.oversample = o->oversample;
  cfg.noise = o->noise;
  cfg.seed = o->seed;  // channel c's noise uses seed + c
  return cfg;
}

static void list_models(void)
{
  printf("%-12s %-14s %-10s %-11s %s\n", "model", "gain dB", "rail dBu", "EIN dBu(A)",
         "imitates");
  for (size_t i = 0; i < gs_preamp_model_count(); ++i) {
    const GsPreampInfo *m = gs_preamp_model_info(i);
    char range[32];
    snprintf(range, sizeof(range), "%g to %g", m->gain_min_db, m->gain_max_db);
    printf("%-12s %-14s %+-10g %-11g %s%s\n", m->name, range, m->rail_dbu, m->ein_dbu_a,
           m->imitates, m->has_tone ? " (tone: --bass --mid --treble)" : "");
  }
}

// Everything one run holds, so one cleanup path can release it.
typedef struct {
  SNDFILE *in;
  GsTrackFile out;
  GsPreampBank *bank;  // all channels' strips, processed together
  GsStripConverter *conv;  // their converters
  GsReport report;
  float *frames;       // interleaved, BLOCK frames
  float *planar;       // every channel, BLOCK samples each
} Run;

static void run_free(Run *r)
{
  if (r->in) {
    sf_close(r->in);
  }
  gs_trackfile_abort(&r->out);
  gs_preamp_bank_free(r->bank);
  gs_strip_converter_free(r->conv);
  gs_report_free(&r->report);
  free(r->frames);
  free(r->planar);
}

int gs_cli_process(int argc, char **argv)
{
  Options o;
  int rc = parse_options(&o, argc, argv);
  if (rc >= 0) {
    return rc;
  }
  if (o.list_models) {
    list_models();
    return 0;
  }
  if (argc - optind != 2) {
    return bad("expected IN and OUT, got %d file name%s (see --help)", argc - optind,
               argc - optind == 1 ? "" : "s");
  }
  const char *in_path = argv[optind];
  const char *out_path = argv[optind + 1];
  // Settings errors first, before any file is touched: every channel's gain
  // is checked as a strip checks it (the rate is checked once the file is
  // open).
  GsError err = {{0}};
  GsPreampConfig cfg = strip_config(&o, 48000.0);
  for (unsigned i = 0; i < o.n_gains; ++i) {
    GsPreamp *probe = NULL;
    cfg.gain_db = o.gain_db[i];
    if (gs_preamp_new(&cfg, &probe, &err)) {
      return bad("%s", err.message);
    }
    gs_preamp_free(probe);
  }

  const int major = gs_cli_format(o.format, out_path, &err);
  if (!major) {
    return bad("%s", err.message);
  }
  const int subtype = gs_cli_subtype(major, o.bits, &err);
  if (!subtype) {
    return bad("%s", err.message);
  }
  const unsigned bits = subtype == SF_FORMAT_PCM_16 ? 16 : subtype == SF_FORMAT_PCM_24 ? 24 : 0;

  if (access(in_path, F_OK)) {
    return bad("%s: no such file", in_path);
  }
  if (gs_cli_same_file(in_path, out_path)) {
    return bad("%s: OUT is the same file as IN; choose another output name", out_path);
  }

  Run r = {0};
  SF_INFO in_info = {0};
  r.in = sf_open(in_path, SFM_READ, &in_info);
  if (!r.in) {
    return bad("%s: cannot read it as a sound file: %s", in_path, sf_strerror(NULL));
  }
  const unsigned channels = (unsigned)in_info.channels;
  if (channels > MAX_CHANNELS) {
    run_free(&r);
    return bad("%s: %u channels; at most %d are supported", in_path, channels, MAX_CHANNELS);
  }
  if (o.n_gains > 1 && o.n_gains != channels) {
    run_free(&r);
    return bad("--gain %s: %u values for %u channels (give one, or one per channel)", o.gain_arg,
               o.n_gains, channels);
  }

  cfg = strip_config(&o, in_info.samplerate);
  if (gs_preamp_bank_new(&cfg, channels, &r.bank, &err)) {
    // The settings passed the check above, so it is the file's rate.
    run_free(&r);
    return bad("%s: %s", in_path, err.message);
  }
  for (unsigned c = 0; o.n_gains > 1 && c < channels; ++c) {
    gs_preamp_bank_set_gain_db(r.bank, c, o.gain_db[c]);
  }
  gs_preamp_bank_reset(r.bank);  // every channel starts at its own gain, no glide
  if (gs_strip_converter_new(in_info.samplerate, channels, &r.conv, &err)) {
    run_free(&r);
    return bad("%s: %s", in_path, err.message);
  }
  // The strip's delay and the converter's (a whole number of samples).
  const double latency = gs_preamp_bank_latency(r.bank) + gs_strip_converter_latency(r.conv);
  const long comp = lround(latency);

  r.frames = malloc(sizeof(float) * BLOCK * channels);
  r.planar = malloc(sizeof(float) * BLOCK * channels);
  if (!r.frames || !r.planar ||
      gs_report_init(&r.report, channels, in_info.samplerate, &err)) {
    run_free(&r);
    fprintf(stderr, "gainstage process: out of memory\n");
    return EXIT_FAILURE_IO;
  }

  SF_INFO out_info = {.samplerate = in_info.samplerate, .channels = in_info.channels,
                      .format = major | subtype};
  if (!sf_format_check(&out_info)) {
    run_free(&r);
    return bad("%s: this format cannot hold %u channels at %d Hz (wav, w64, rf64 and caf can)",
               out_path, channels, in_info.samplerate);
  }
  // Installed before the output exists, so no signal can strand a temporary file.
  gs_cli_catch_interrupts();

  if (gs_trackfile_open(&r.out, out_path, major, channels, in_info.samplerate, bits ? bits : 32,
                        !strcmp(o.dither, "tpdf"), o.seed, BLOCK, &err)) {
    run_free(&r);
    return bad("%s", err.message);
  }

  GsProgress progress;
  const bool long_input = (double)in_info.frames > PROGRESS_MIN_S * in_info.samplerate;
  gs_progress_init(&progress, stderr, !o.quiet && long_input, "processing",
                   (uint64_t)in_info.frames);

  sf_count_t read_total = 0, skip = comp, tail = comp;
  bool ok = true;
  while (!gs_cli_interrupted) {
    sf_count_t n = sf_readf_float(r.in, r.frames, BLOCK);
    if (n < 0 || (n < BLOCK && sf_error(r.in))) {
      gs_progress_finish(&progress);
      const int code = bad("%s: read error after %lld frames: %s", in_path,
                           (long long)read_total, sf_strerror(r.in));
      run_free(&r);
      return code;
    }
    read_total += n;
    if (n < BLOCK && tail > 0) {  // flush the filters so the output keeps its length
      const sf_count_t z = tail < BLOCK - n ? tail : BLOCK - n;
      memset(r.frames + n * channels, 0, sizeof(float) * (size_t)(z * channels));
      n += z;
      tail -= z;
    }
    if (n == 0) {
      break;
    }
    float *in_ch[MAX_CHANNELS];
    for (unsigned c = 0; c < channels; ++c) {
      float *x = in_ch[c] = r.planar + (size_t)c * BLOCK;
      for (sf_count_t i = 0; i < n; ++i) {
        x[i] = r.frames[i * channels + c];
      }
    }
    // Samples to volts, the strip, the converter (one code path with the LV2 plugins).
    uint64_t clipped[MAX_CHANNELS] = {0};
    gs_preamp_bank_process_samples(r.bank, r.conv, o.input_ref_dbu, o.output_ref_dbu,
                                   (const float *const *)in_ch, in_ch, (uint32_t)n, clipped);
    for (unsigned c = 0; c < channels; ++c) {
      const float *x = in_ch[c];
      r.report.ch[c].clipped += clipped[c];
      for (sf_count_t i = 0; i < n; ++i) {
        r.frames[i * channels + c] = x[i];
      }
    }
    const sf_count_t from = skip < n ? skip : n;
    skip -= from;
    gs_report_add(&r.report, r.frames + from * channels, (uint32_t)(n - from));
    if (n > from && gs_trackfile_write(&r.out, r.frames + from * channels, (uint32_t)(n - from),
                                       &err)) {
      ok = false;
      break;
    }
    gs_progress_update(&progress, (uint64_t)read_total);
  }
  gs_progress_finish(&progress);

  if (gs_cli_interrupted) {
    run_free(&r);
    fprintf(stderr, "gainstage process: interrupted; %s was not written\n", out_path);
    return 128 + gs_cli_interrupted;
  }
  if (!ok) {
    fprintf(stderr, "gainstage process: %s\n", err.message);
    run_free(&r);
    return EXIT_FAILURE_IO;
  }
  if (gs_trackfile_commit(&r.out, &err)) {
    fprintf(stderr, "gainstage process: %s\n", err.message);
    run_free(&r);
    return EXIT_FAILURE_IO;
  }

  const GsReportSettings settings = {
    .input = in_path, .output = out_path, .model = o.model, .gain = o.gain_arg,
    .oversample = gs_preamp_bank_oversample(r.bank), .latency_samples = latency,
    .compensated = comp, .rate_hz = in_info.samplerate, .frames = (uint64_t)read_total,
    .bits = o.bits, .dither = o.dither, .linked = o.link,
  };
  if (o.json) {
    gs_report_print_json(&r.report, &settings, stdout);
  } else if (!o.quiet) {
    gs_report_print(&r.report, &settings, stdout);
  }
  run_free(&r);
  return 0;
}
