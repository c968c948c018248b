// SPDX-License-Identifier: ISC
// gainstage render: a session played through the interface offline, faster
// than real time: a track per armed input, a stereo file per mix, and a
// gain-staging report.

#include "cli/band_source.h"
#include "cli/commands.h"
#include "cli/say.h"
#include "cli/interrupt.h"
#include "cli/progress.h"
#include "cli/render_html.h"
#include "cli/render_report.h"
#include "cli/session_sources.h"
#include "cli/soundfile.h"
#include "cli/trackfile.h"
#include "gainstage/converter.h"
#include "gainstage/engine.h"
#include "gainstage/headphones.h"
#include "gainstage/session.h"
#include "gainstage/source.h"
#include "gainstage/units.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_SECONDS 10.0  // a session of generators only

// One line on stderr, "gainstage render: ..."; bad() returns the bad-input status.
#define bad(...) gs_cli_bad("render", __VA_ARGS__)

static const char usage[] =
  "usage: gainstage render [options] SESSION\n"
  "Plays a session through the interface offline: writes a track for every armed\n"
  "input and a stereo file for every mix, and reports the gain staging.\n"
  "\n"
  "  -o, --output DIR   folder for the files (default: SESSION without .yaml, plus -render)\n"
  "      --auto-gain    set every strip's gain so its peaks land at the session's target\n"
  "                     (auto_gain_target_dbfs, default -12 dBFS)\n"
  "      --save-session FILE\n"
  "                     write the session as rendered (the gains auto gain set) to FILE\n"
  "      --seconds S    length (default: the session's, else its longest source)\n"
  "      --format F     wav (default), flac, w64, rf64 or caf\n"
  "      --json         print the report as JSON\n"
  "  -q, --quiet        print no report\n"
  "  -h, --help         show this help\n"
  "\n"
  "Exit status: 0 on success, 2 for a bad session or arguments, 1 when writing fails.\n"
  "Each file appears only when it is complete.\n";

typedef struct {
  const char *session_path;
  const char *out_dir;
  double seconds;
  const char *format;
  bool json, quiet;
  bool auto_gain;   ///< every strip, as if the session said auto_gain: true
  const char *save_session;  ///< write the session as rendered (after auto gain) here
} Options;

// Everything a render holds, released in one place.
typedef struct {
  GsSession session;
  GsEngine *engine;
  GsSource **sources;
  GsBandSource band;
  float **in;         // per strip (volts) then per return (silence)
  float **cap;        // per strip
  float **mix;        // 2 per mix
  float *frames;      // interleaved scratch for a stereo mix
  GsTrackFile *tracks;  // per strip (only armed ones open)
  GsTrackFile *safety;  // per strip (armed ones with a safety track)
  GsTrackFile *mixes;   // per mix
  GsRenderReport report;
  unsigned n_in;
  // Per mix with headphones: a DAC and a headphone amp per side, and the
  // loudest one-second window at the headphones so far.
  GsDac **dac;
  GsHpAmp **amp;
  float *volts;
  double *window_sum, *window_max, *peak_v;
  uint64_t *window_n;
} Render;

static void render_free(Render *r)
{
  const GsEngineConfig *ec = &r->session.engine;
  for (unsigned s = 0; r->sources && s < ec->n_strips; ++s) {
    gs_source_free(r->sources[s]);
  }
  for (unsigned i = 0; r->in && i < r->n_in; ++i) {
    free(r->in[i]);
  }
  for (unsigned s = 0; r->cap && s < ec->n_strips; ++s) {
    free(r->cap[s]);
  }
  for (unsigned m = 0; r->mix && m < 2 * ec->n_mixes; ++m) {
    free(r->mix[m]);
  }
  for (unsigned s = 0; r->tracks && s < ec->n_strips; ++s) {
    gs_trackfile_abort(&r->tracks[s]);
    gs_trackfile_abort(&r->safety[s]);
  }
  free(r->safety);
  for (unsigned m = 0; r->mixes && m < ec->n_mixes; ++m) {
    gs_trackfile_abort(&r->mixes[m]);
  }
  for (unsigned m = 0; r->dac && m < 2 * ec->n_mixes; ++m) {
    gs_dac_free(r->dac[m]);
    gs_hpamp_free(r->amp[m]);
  }
  free(r->dac);
  free(r->amp);
  free(r->volts);
  free(r->window_sum);
  free(r->window_max);
  free(r->window_n);
  free(r->peak_v);
  free(r->sources);
  free(r->in);
  free(r->cap);
  free(r->mix);
  free(r->frames);
  free(r->tracks);
  free(r->mixes);
  gs_render_report_free(&r->report);
  gs_band_source_free(&r->band);
  gs_engine_free(r->engine);
  gs_session_free(&r->session);
}

static int parse_options(Options *o, int argc, char **argv)
{
  static const struct option opts[] = {
    {"output", required_argument, NULL, 'o'}, {"seconds", required_argument, NULL, 's'},
    {"format", required_argument, NULL, 'f'}, {"json", no_argument, NULL, 'j'},
    {"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
    {"auto-gain", no_argument, NULL, 'a'},
    {"save-session", required_argument, NULL, 'S'},
    {NULL, 0, NULL, 0},
  };
  *o = (Options){.format = "wav"};
  opterr = 0;
  optind = 1;
  int c;
  while ((c = getopt_long(argc, argv, ":o:qh", opts, NULL)) != -1) {
    switch (c) {
    case 'o': o->out_dir = optarg; break;
    case 'f': o->format = optarg; break;
    case 'j': o->json = true; break;
    case 'q': o->quiet = true; break;
    case 'a': o->auto_gain = true; break;
    case 'S': o->save_session = optarg; break;
    case 'h': fputs(usage, stdout); return 0;
    case 's': {
      char *end = NULL;
      errno = 0;
      o->seconds = strtod(optarg, &end);
      if (end == optarg || *end || errno || !(o->seconds > 0.0 && o->seconds <= 3600.0)) {
        return bad("--seconds %s: expected a length from 0 to 3600 s", optarg);
      }
      break;
    }
    case ':': return bad("%s needs a value (see --help)", argv[optind - 1]);
    default: return bad("unknown option '%s' (see --help)", argv[optind - 1]);
    }
  }
  if (argc - optind != 1) {
    return bad("expected one SESSION file, got %d (see --help)", argc - optind);
  }
  o->session_path = argv[optind];
  return -1;
}

// "band.yaml" -> "band-render"
static char *default_out_dir(const char *session_path)
{
  const size_t n = strlen(session_path);
  char *dir = malloc(n + 16);
  if (!dir) {
    return NULL;
  }
  strcpy(dir, session_path);
  char *dot = strrchr(dir, '.');
  char *slash = strrchr(dir, '/');
  if (dot && (!slash || dot > slash)) {
    *dot = '\0';
  }
  strcat(dir, "-render");
  return dir;
}

// Builds each input's source; sets *longest_s to the longest file or band part.
static GsStatus make_sources(Render *r, double *longest_s, GsError *err)
{
  const GsSession *s = &r->session;
  const unsigned n = s->engine.n_strips;
  r->sources = calloc(n, sizeof(*r->sources));
  if (!r->sources) {
    return GS_ERR_NOMEM;
  }
  *longest_s = 0.0;
  for (unsigned i = 0; i < n; ++i) {
    char note[320];
    double length_s = 0.0;
    const GsStatus st = gs_cli_session_source(s, i, s->rate_hz, false, &r->band, &r->sources[i],
                                              note, sizeof(note), &length_s, err);
    if (st) {
      return st;
    }
    if (note[0]) {
      gs_render_report_note(&r->report, "%s: %s", s->engine.strips[i].name, note);
    }
    *longest_s = fmax(*longest_s, length_s);
    char where[96], warning[256];
    snprintf(where, sizeof(where), "strip %u (%s)", i + 1, s->engine.strips[i].name);
    gs_source_warning_message(r->sources[i], where, warning, sizeof(warning));
    if (warning[0]) {
      gs_render_report_warn(&r->report, i, "%s", warning);
    }
  }
  return GS_OK;
}

static GsStatus make_buffers(Render *r, uint32_t block)
{
  const GsEngineConfig *ec = &r->session.engine;
  r->n_in = ec->n_strips + ec->n_returns;
  r->in = calloc(r->n_in, sizeof(float *));
  r->cap = calloc(ec->n_strips, sizeof(float *));
  r->mix = calloc(2 * ec->n_mixes + 1, sizeof(float *));
  r->frames = malloc(2 * sizeof(float) * block);
  if (!r->in || !r->cap || !r->mix || !r->frames) {
    return GS_ERR_NOMEM;
  }
  for (unsigned i = 0; i < r->n_in; ++i) {
    if (!(r->in[i] = calloc(block, sizeof(float)))) {
      return GS_ERR_NOMEM;
    }
  }
  for (unsigned s = 0; s < ec->n_strips; ++s) {
    if (!(r->cap[s] = calloc(block, sizeof(float)))) {
      return GS_ERR_NOMEM;
    }
  }
  for (unsigned m = 0; m < 2 * ec->n_mixes; ++m) {
    if (!(r->mix[m] = calloc(block, sizeof(float)))) {
      return GS_ERR_NOMEM;
    }
  }
  return GS_OK;
}

static GsStatus open_files(Render *r, const char *dir, const char *ext, int major, uint32_t block,
                           GsError *err)
{
  const GsSession *s = &r->session;
  const GsEngineConfig *ec = &s->engine;
  r->tracks = calloc(ec->n_strips, sizeof(*r->tracks));
  r->safety = calloc(ec->n_strips, sizeof(*r->safety));
  r->mixes = calloc(ec->n_mixes + 1, sizeof(*r->mixes));
  if (!r->tracks || !r->safety || !r->mixes) {
    return GS_ERR_NOMEM;
  }
  char path[4096], name[128];
  for (unsigned i = 0; i < ec->n_strips; ++i) {
    if (!s->inputs[i].armed) {
      continue;
    }
    gs_cli_safe_name(ec->strips[i].name, name, sizeof(name));
    snprintf(path, sizeof(path), "%s/%02u-%s.%s", dir, i + 1, name, ext);
    GsStatus st = gs_trackfile_open(&r->tracks[i], path, major, 1, (int)s->rate_hz, s->bits, true,
                                    100u + i, block, err);
    if (st) {
      return st;
    }
    gs_render_report_file(&r->report, i, path);
    if (ec->strips[i].safety_db != 0.0) {
      snprintf(path, sizeof(path), "%s/%02u-%s-safety.%s", dir, i + 1, name, ext);
      st = gs_trackfile_open(&r->safety[i], path, major, 1, (int)s->rate_hz, s->bits, true,
                             300u + i, block, err);
      if (st) {
        return st;
      }
      gs_render_report_note(&r->report, "strip %u (%s): safety track %+g dB in %s", i + 1,
                            ec->strips[i].name, ec->strips[i].safety_db, path);
    }
  }
  for (unsigned m = 0; m < ec->n_mixes; ++m) {
    gs_cli_safe_name(ec->mixes[m].name, name, sizeof(name));
    snprintf(path, sizeof(path), "%s/mix-%02u-%s.%s", dir, m + 1, name, ext);
    GsStatus st = gs_trackfile_open(&r->mixes[m], path, major, 2, (int)s->rate_hz, s->bits, true,
                                    200u + m, block, err);
    if (st) {
      return st;
    }
    gs_render_report_mix_file(&r->report, m, path);
  }
  return GS_OK;
}

// DIR/report.html, written beside and then moved into place.
static GsStatus write_html(const Render *r, const char *dir, GsError *err)
{
  const unsigned n = r->report.n_strips;
  char (*lines)[320] = calloc(n + 1, sizeof(*lines));
  const char **advice = calloc(n + 1, sizeof(*advice));
  if (!lines || !advice) {
    free(lines);
    free(advice);
    snprintf(err->message, sizeof(err->message), "out of memory");
    return GS_ERR_NOMEM;
  }
  for (unsigned i = 0; i < n; ++i) {
    gs_render_report_advice(&r->report, i, lines[i], sizeof(lines[i]));
    advice[i] = lines[i];
  }
  char path[4096], tmp[4200];
  snprintf(path, sizeof(path), "%s/report.html", dir);
  snprintf(tmp, sizeof(tmp), "%s/.report.html.tmp", dir);
  GsStatus st = gs_render_report_write_html(&r->report, tmp, advice, err);
  if (!st && rename(tmp, path)) {
    snprintf(err->message, sizeof(err->message), "%.300s: %s", path, strerror(errno));
    st = GS_ERR_IO;
  }
  if (st) {
    remove(tmp);
  }
  free(lines);
  free(advice);
  return st;
}

// Auto gain, offline: listens to the whole source first (as a hardware Auto
// Gain listens for some seconds) and sets the gain that puts its peak at the
// target, within what the input and the preamp offer; says what it did.
static void auto_gain(Render *r, bool all, uint64_t total)
{
  GsSession *s = &r->session;
  GsStripConfig *strips = (GsStripConfig *)(uintptr_t)s->engine.strips;  // the render's own copy
  const unsigned n_strips = s->engine.n_strips;
  double *peak = calloc(n_strips + 1, sizeof(double));
  if (!peak) {
    return;
  }
  // A linked pair is one unit: either side asking sets both.
  bool *wants = calloc(n_strips + 1, sizeof(bool));
  if (!wants) {
    free(peak);
    return;
  }
  for (unsigned i = 0; i < n_strips; ++i) {
    wants[i] = all || s->inputs[i].auto_gain;
  }
  for (unsigned i = 0; i + 1 < n_strips; ++i) {
    if (strips[i].link_next && (wants[i] || wants[i + 1])) {
      wants[i] = wants[i + 1] = true;
    }
  }
  float scratch[1024];
  for (unsigned i = 0; i < n_strips; ++i) {
    if (!wants[i]) {
      continue;
    }
    for (uint64_t done = 0; done < total;) {
      const uint32_t n = total - done < 1024 ? (uint32_t)(total - done) : 1024;
      gs_source_process(r->sources[i], scratch, n);
      for (uint32_t k = 0; k < n; ++k) {
        peak[i] = fmax(peak[i], fabs((double)scratch[k]));
      }
      done += n;
    }
    gs_source_reset(r->sources[i]);
  }
  // A linked pair gets one gain, set by the louder side.
  for (unsigned i = 0; i + 1 < n_strips; ++i) {
    if (strips[i].link_next) {
      peak[i] = peak[i + 1] = fmax(peak[i], peak[i + 1]);
    }
  }
  const double fs_volts = gs_fullscale_volts(s->engine.adc_ref_dbu);
  for (unsigned i = 0; i < n_strips; ++i) {
    if (!wants[i]) {
      continue;
    }
    GsStripConfig *sc = &strips[i];
    if (!(peak[i] > 0.0)) {
      gs_render_report_note(&r->report, "auto gain: strip %u (%s): no signal, gain left at %g dB",
                            i + 1, sc->name, sc->preamp.gain_db);
      continue;
    }
    double lo, hi;
    gs_input_type_gain_range(sc->type, &lo, &hi);
    const GsPreampInfo *model = gs_preamp_model_find(sc->preamp.model);
    lo = fmax(lo, model->gain_min_db);
    hi = fmin(hi, model->gain_max_db);
    const double pad = sc->preamp.pad ? 0.1 : 1.0;
    const double at_0db = 20.0 * log10(peak[i] * pad / fs_volts);  // peak dBFS at 0 dB of gain
    const double target = s->auto_gain_target_dbfs;
    const double want = round((target - at_0db) * 2.0) / 2.0;  // half-dB steps, as a knob
    const double gain = fmin(hi, fmax(lo, want));
    sc->preamp.gain_db = gain;
    if (gain == want) {
      gs_render_report_note(&r->report, "auto gain: strip %u (%s): %.1f dB puts the peaks at %.1f "
                            "dBFS", i + 1, sc->name, gain, at_0db + gain);
    } else if (gain < want) {
      gs_render_report_note(&r->report, "auto gain: strip %u (%s): at its %.0f dB maximum the "
                            "peaks reach only %.1f dBFS (target %.1f): the source is quiet for "
                            "this input", i + 1, sc->name, gain, at_0db + gain, target);
    } else {
      gs_render_report_note(&r->report, "auto gain: strip %u (%s): even at %.0f dB the peaks "
                            "reach %.1f dBFS (target %.1f): engage the pad", i + 1, sc->name,
                            gain, at_0db + gain, target);
    }
  }
  free(peak);
  free(wants);
}

// A DAC and a headphone amp for each side of every mix that drives
// headphones.
static GsStatus make_headphones(Render *r, uint32_t block, GsError *err)
{
  const GsSession *s = &r->session;
  const unsigned n = 2 * s->engine.n_mixes;
  r->dac = calloc(n + 1, sizeof(*r->dac));
  r->amp = calloc(n + 1, sizeof(*r->amp));
  r->volts = malloc(sizeof(float) * block);
  r->window_sum = calloc(n / 2 + 1, sizeof(double));
  r->window_max = calloc(n / 2 + 1, sizeof(double));
  r->window_n = calloc(n / 2 + 1, sizeof(uint64_t));
  r->peak_v = calloc(n / 2 + 1, sizeof(double));
  if (!r->dac || !r->amp || !r->volts || !r->window_sum || !r->window_max || !r->window_n ||
      !r->peak_v) {
    return GS_ERR_NOMEM;
  }
  for (unsigned m = 0; m < s->engine.n_mixes; ++m) {
    const GsHeadphones *hp = s->outputs[m].headphones
                               ? gs_headphones_find(s->outputs[m].headphones)
                               : NULL;
    if (!hp) {
      continue;
    }
    for (unsigned side = 0; side < 2; ++side) {
      GsDacConfig dc = gs_dac_config_default();
      dc.ref_dbu = s->engine.adc_ref_dbu;
      dc.rate_hz = s->rate_hz;
      GsHpAmpConfig ac = gs_hpamp_config_default();
      ac.rate_hz = s->rate_hz;
      ac.volume_db = s->outputs[m].amp_volume_db;
      ac.load_ohm = hp->impedance_ohm;
      GsStatus st = gs_dac_new(&dc, &r->dac[2 * m + side], err);
      if (!st) {
        st = gs_hpamp_new(&ac, &r->amp[2 * m + side], err);
      }
      if (st) {
        return st;
      }
    }
  }
  return GS_OK;
}

// Measures what mix m's headphones get for this block.
static void listen(Render *r, unsigned m, uint32_t n)
{
  if (!r->dac[2 * m]) {
    return;
  }
  const uint64_t window = (uint64_t)r->session.rate_hz;  // one second
  for (unsigned side = 0; side < 2; ++side) {
    gs_dac_process(r->dac[2 * m + side], r->mix[2 * m + side], r->volts, n);
    gs_hpamp_process(r->amp[2 * m + side], r->volts, r->volts, n);
    for (uint32_t i = 0; i < n; ++i) {
      const double v = r->volts[i];
      r->window_sum[m] += 0.5 * v * v;  // the mean of both sides' power
      r->peak_v[m] = fmax(r->peak_v[m], fabs(v));
    }
  }
  r->window_n[m] += n;
  if (r->window_n[m] >= window) {
    r->window_max[m] = fmax(r->window_max[m], r->window_sum[m] / (double)r->window_n[m]);
    r->window_sum[m] = 0.0;
    r->window_n[m] = 0;
  }
}

static void listen_finish(Render *r)
{
  const GsSession *s = &r->session;
  for (unsigned m = 0; m < s->engine.n_mixes; ++m) {
    if (!r->dac[2 * m]) {
      continue;
    }
    if (r->window_n[m]) {  // a render shorter than a second, or its last part
      r->window_max[m] =
        fmax(r->window_max[m], r->window_sum[m] / (double)r->window_n[m]);
    }
    const GsHeadphones *hp = gs_headphones_find(s->outputs[m].headphones);
    r->report.listen[m] = gs_listen_level(hp, sqrt(r->window_max[m]), r->peak_v[m]);
    gs_listen_message(&r->report.listen[m], s->engine.mixes[m].name, r->report.listen_msg[m],
                      sizeof(r->report.listen_msg[m]));
  }
}

// Runs the whole render; returns an exit status.
static int run(Render *r, const Options *o, const char *dir, const char *ext, int major)
{
  GsError err = {{0}};
  const GsSession *s = &r->session;
  const GsEngineConfig *ec = &s->engine;
  const uint32_t block = ec->max_block;
  double longest_s = 0.0;
  GsStatus st = make_sources(r, &longest_s, &err);
  if (st) {
    return st == GS_ERR_NOMEM ? bad("out of memory") : bad("%s", err.message);
  }
  const double seconds = o->seconds > 0   ? o->seconds
                         : s->seconds > 0 ? s->seconds
                         : longest_s > 0  ? longest_s
                                          : DEFAULT_SECONDS;
  const uint64_t total = (uint64_t)llround(seconds * s->rate_hz);
  auto_gain(r, o->auto_gain, total);
  GsEngineConfig config = *ec;
  config.adc_noise = true;
  if ((st = gs_engine_new(&config, &r->engine, &err))) {
    return bad("%s: %s", s->path, err.message);
  }
  if (make_buffers(r, block) || gs_render_report_meters(&r->report, s, r->engine, &err)) {
    return bad("out of memory");
  }
  if ((st = make_headphones(r, block, &err))) {
    return st == GS_ERR_NOMEM ? bad("out of memory") : bad("%s", err.message);
  }
  if (mkdir(dir, 0755) && errno != EEXIST) {
    return bad("%s: cannot create the output folder: %s", dir, strerror(errno));
  }
  if ((st = open_files(r, dir, ext, major, block, &err))) {
    return bad("%s", err.message);
  }

  GsProgress progress;
  gs_progress_init(&progress, stderr, !o->quiet, "rendering", total);
  // The engine delays everything by its input latency: run that much longer
  // and leave out as much at the start, so the files line up with the
  // sources and keep their length.
  const uint64_t skip = (uint64_t)llround(gs_engine_latency(r->engine).input);
  for (uint64_t done = 0; done < total + skip && !gs_cli_interrupted;) {
    const uint32_t n = total + skip - done < block ? (uint32_t)(total + skip - done) : block;
    const uint32_t from = done >= skip ? 0u : (uint32_t)(skip - done < n ? skip - done : n);
    const uint32_t keep = n - from;
    for (unsigned i = 0; i < ec->n_strips; ++i) {
      gs_source_process(r->sources[i], r->in[i], n);
      gs_render_report_source(&r->report, i, r->in[i], n);
    }
    gs_engine_process(r->engine, (const float *const *)r->in, r->cap, r->mix, n);
    for (unsigned i = 0; i < ec->n_strips; ++i) {
      gs_render_report_track(&r->report, r->engine, i, r->cap[i] + from, keep);
      if (keep && s->inputs[i].armed &&
          gs_trackfile_write(&r->tracks[i], r->cap[i] + from, keep, &err)) {
        gs_progress_finish(&progress);
        fprintf(stderr, "gainstage render: %s\n", err.message);
        return 1;
      }
      const float *safety = gs_engine_safety(r->engine, i);
      if (keep && s->inputs[i].armed && safety &&
          gs_trackfile_write(&r->safety[i], safety + from, keep, &err)) {
        gs_progress_finish(&progress);
        fprintf(stderr, "gainstage render: %s\n", err.message);
        return 1;
      }
    }
    for (unsigned m = 0; m < ec->n_mixes && keep; ++m) {
      for (uint32_t i = 0; i < keep; ++i) {
        r->frames[2 * i] = r->mix[2 * m][from + i];
        r->frames[2 * i + 1] = r->mix[2 * m + 1][from + i];
      }
      gs_render_report_mix(&r->report, m, r->frames, keep);
      listen(r, m, n);
      if (gs_trackfile_write(&r->mixes[m], r->frames, keep, &err)) {
        gs_progress_finish(&progress);
        fprintf(stderr, "gainstage render: %s\n", err.message);
        return 1;
      }
    }
    done += n;
    gs_progress_update(&progress, done > skip ? done - skip : 0);
  }
  gs_progress_finish(&progress);
  if (gs_cli_interrupted) {
    fprintf(stderr, "gainstage render: interrupted; no file was written\n");
    return 128 + gs_cli_interrupted;
  }
  // The report and the session first (they can fail on their own), then
  // every file, complete, moved into place.
  listen_finish(r);
  gs_render_report_finish(&r->report, seconds, dir);
  if (o->save_session && gs_session_write(&r->session, o->save_session, &err)) {
    fprintf(stderr, "gainstage render: %s\n", err.message);
    return 1;
  }
  if (write_html(r, dir, &err)) {
    fprintf(stderr, "gainstage render: %s\n", err.message);
    return 1;
  }
  for (unsigned i = 0; i < ec->n_strips; ++i) {
    if (s->inputs[i].armed && gs_trackfile_commit(&r->tracks[i], &err)) {
      fprintf(stderr, "gainstage render: %s\n", err.message);
      return 1;
    }
    if (s->inputs[i].armed && ec->strips[i].safety_db != 0.0 &&
        gs_trackfile_commit(&r->safety[i], &err)) {
      fprintf(stderr, "gainstage render: %s\n", err.message);
      return 1;
    }
  }
  for (unsigned m = 0; m < ec->n_mixes; ++m) {
    if (gs_trackfile_commit(&r->mixes[m], &err)) {
      fprintf(stderr, "gainstage render: %s\n", err.message);
      return 1;
    }
  }

  if (o->json) {
    gs_render_report_print_json(&r->report, stdout);
  } else if (!o->quiet) {
    gs_render_report_print(&r->report, stdout);
  }
  return 0;
}

static int render_with(const Options *opts);

int gs_cli_render(int argc, char **argv)
{
  Options o;
  const int rc = parse_options(&o, argc, argv);
  if (rc >= 0) {
    return rc;
  }
  return render_with(&o);
}

int gs_cli_render_session(const char *session, const char *out_dir, bool json, bool quiet)
{
  const Options o = {.session_path = session, .out_dir = out_dir, .format = "wav", .json = json,
                     .quiet = quiet};
  return render_with(&o);
}

static int render_with(const Options *opts)
{
  const Options o = *opts;
  GsError err = {{0}};
  const int major = gs_cli_format(o.format, NULL, &err);
  if (!major) {
    return bad("%s", err.message);
  }
  const char *ext = o.format;
  Render r = {0};
  if (gs_session_load(o.session_path, &r.session, &err)) {
    return bad("%s", err.message);
  }
  if (gs_render_report_init(&r.report, &r.session)) {
    render_free(&r);
    return bad("out of memory");
  }
  char *dir = o.out_dir ? strdup(o.out_dir) : default_out_dir(o.session_path);
  if (!dir) {
    render_free(&r);
    return bad("out of memory");
  }
  gs_cli_catch_interrupts();
  const int status = run(&r, &o, dir, ext, major);
  render_free(&r);
  free(dir);
  return status;
}
