// SPDX-License-Identifier: ISC
// The demo band: renders the score's instruments, places them in the room
// and calibrates each input's part in dB SPL or dBu.
//
// Levels. Each acoustic instrument's loudest moment is set at 1 m on its
// axis (LEVEL_1M); the room then decides what each microphone hears (1/r,
// directivity, reflections, the diffuse tail), so the close microphones'
// levels follow from where they stand. Published figures for drum kits
// (peaks of 110-120 dB SPL near the kit, 125-140 dB SPL inside a kick drum)
// and for singing (80-90 dB SPL at 1 m when singing loudly) guided the
// choice; docs/demo-band.md lists what each microphone measures. The
// pickups' EMF peaks are set directly: a passive bass played hard reaches
// about 0 dBu, a guitar somewhat less.

#include "model/band.h"

#include "error.h"

#include "dsp/denormal.h"
#include "model/band_room.h"
#include "model/band_synth.h"
#include "model/mic.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

// Peak at 1 m on axis, as the RMS level of the sine with that peak, dB SPL.
static const double LEVEL_1M_DB_SPL[GS_BAND_N_INSTRUMENTS] = {
  [GS_BAND_INST_KICK] = 108.0,
  [GS_BAND_INST_SNARE] = 106.0,
  [GS_BAND_INST_HIHAT] = 101.0,
  [GS_BAND_INST_CRASH] = 106.0,
  [GS_BAND_INST_VOICE] = 86.0,
};

// Peak EMF of the pickups, dBu (sine with the same peak).
static const double EMF_PEAK_DBU[GS_BAND_N_INSTRUMENTS] = {
  [GS_BAND_INST_BASS] = -4.0,
  [GS_BAND_INST_GUITAR] = -8.0,
};

typedef struct {
  const char *name;
  const char *description;
  const char *transducer;
  GsSourceKind kind;
  double fullscale_level;  // 0 dBFS: at least 6 dB above the part's peak
} PartInfo;

static const PartInfo PARTS[GS_BAND_N_PARTS] = {
  [GS_BAND_KICK] = {"kick", "dynamic mic 8 cm inside the kick drum, facing the beater",
                    "dynamic-421", GS_SOURCE_MIC, 140.0},
  [GS_BAND_SNARE] = {"snare", "dynamic mic 12 cm over the snare's batter head, at the rim",
                     "dynamic-57", GS_SOURCE_MIC, 135.0},
  [GS_BAND_OVERHEAD_L] = {"overhead-l", "small condenser 1.1 m over the snare, hi-hat side",
                          "condenser-sd", GS_SOURCE_MIC, 125.0},
  [GS_BAND_OVERHEAD_R] = {"overhead-r", "small condenser 0.8 m right of the left one, crash side",
                          "condenser-sd", GS_SOURCE_MIC, 125.0},
  [GS_BAND_BASS] = {"bass", "passive bass pickup, fingers, into the Hi-Z input (EMF)",
                    "bass-passive", GS_SOURCE_INSTRUMENT, 6.0},
  [GS_BAND_GUITAR] = {"guitar", "single-coil guitar pickup, picked power chords, DI (EMF)",
                      "guitar-single", GS_SOURCE_INSTRUMENT, 6.0},
  [GS_BAND_VOCAL] = {"vocal", "large condenser 15 cm from the singer, who faces the kit from behind screens",
                     "condenser-ld", GS_SOURCE_MIC, 120.0},
  [GS_BAND_ROOM] = {"room", "omni condenser 4.3 m in front of the kit, 2 m up",
                    "condenser-ld", GS_SOURCE_MIC, 120.0},
};

static const char *const INSTRUMENT_NAMES[GS_BAND_N_INSTRUMENTS] = {
  "kick", "snare", "hi-hat", "crash", "bass", "guitar", "voice",
};

struct GsBand {
  GsBandConfig config;
  GsBandScore score;
  size_t n;
  float *parts[GS_BAND_N_PARTS];
  double peak_level[GS_BAND_N_PARTS];
};

GsBandConfig gs_band_config_default(void)
{
  return (GsBandConfig){
    .rate_hz = 48000.0, .seconds = 0.0, .seed = 1, .instruments = GS_BAND_ALL_INSTRUMENTS};
}

GsBandSong gs_band_song(uint64_t seed)
{
  return gs_band_score_song(seed, 0.0);
}

static GsStatus validate(const GsBandConfig *c, GsError *err)
{
  if (!(c->rate_hz >= 22050.0 && c->rate_hz <= 192000.0)) {
    return gs_fail(err, GS_ERR_RANGE, "band: rate_hz %g is out of range (22050 to 192000 Hz)",
                c->rate_hz);
  }
  if (!(c->seconds == 0.0 || (c->seconds >= 1.0 && c->seconds <= 60.0))) {
    return gs_fail(err, GS_ERR_RANGE,
                "band: seconds %g is out of range (0 for the whole song, or 1 to 60 s)",
                c->seconds);
  }
  if (c->instruments & ~GS_BAND_ALL_INSTRUMENTS) {
    return gs_fail(err, GS_ERR_RANGE,
                "band: instruments 0x%x names an instrument that does not exist (mask 0x0 to 0x%x)",
                c->instruments, GS_BAND_ALL_INSTRUMENTS);
  }
  return GS_OK;
}

static bool plays(const GsBand *b, GsBandInstrument instrument)
{
  return (b->config.instruments >> instrument) & 1u;
}

static void scale(float *x, size_t n, double gain)
{
  const float g = (float)gain;
  for (size_t i = 0; i < n; ++i) {
    x[i] *= g;
  }
}

// Renders the acoustic instruments into stems (pascal at 1 m) and the room
// into the microphone parts (pascal).
static void render_room(GsBand *b, float *const stems[GS_BAND_N_INSTRUMENTS], float *work)
{
  const double fs = b->config.rate_hz;
  const uint64_t seed = b->config.seed;
  for (unsigned s = 0; s < GS_BAND_N_INSTRUMENTS; ++s) {
    if (!stems[s]) {
      continue;
    }
    if (s == GS_BAND_INST_VOICE) {
      gs_band_render_voice(&b->score, seed, fs, stems[s], b->n);
    } else {
      gs_band_render_drum((GsBandInstrument)s, &b->score, seed, fs, stems[s], b->n);
    }
    scale(stems[s], b->n, sqrt(2.0) * gs_spl_to_pa(LEVEL_1M_DB_SPL[s]));
  }
  float *mics[GS_BAND_N_PARTS] = {0};
  for (unsigned p = 0; p < GS_BAND_N_PARTS; ++p) {
    mics[p] = gs_band_room_is_mic((GsBandPart)p) ? b->parts[p] : NULL;
  }
  gs_band_room_mix((const float *const *)stems, fs, b->n, mics, work);
  for (unsigned p = 0; p < GS_BAND_N_PARTS; ++p) {
    if (mics[p]) {  // pascal to samples: a full-scale sine peaks at sqrt(2) x its RMS
      scale(mics[p], b->n, 1.0 / (sqrt(2.0) * gs_spl_to_pa(PARTS[p].fullscale_level)));
    }
  }
}

static void render_strings(GsBand *b, GsBandInstrument instrument, GsBandPart part, float *work)
{
  if (!plays(b, instrument)) {
    return;
  }
  gs_band_render_strings(instrument, &b->score, b->config.seed, b->config.rate_hz,
                         b->parts[part], b->n, work);
  scale(b->parts[part], b->n, pow(10.0, (EMF_PEAK_DBU[instrument] - PARTS[part].fullscale_level) / 20.0));
}

static void measure_peaks(GsBand *b)
{
  for (unsigned p = 0; p < GS_BAND_N_PARTS; ++p) {
    float peak = 0.0f;
    for (size_t i = 0; i < b->n; ++i) {
      peak = fmaxf(peak, fabsf(b->parts[p][i]));
    }
    b->peak_level[p] = peak > 0.0f ? PARTS[p].fullscale_level + 20.0 * log10(peak) : -INFINITY;
  }
}

static GsStatus render(GsBand *b, GsError *err)
{
  float *stems[GS_BAND_N_INSTRUMENTS] = {0};
  float *work = calloc(GS_BAND_ROOM_WORK > GS_BAND_STRING_WORK ? GS_BAND_ROOM_WORK
                                                               : GS_BAND_STRING_WORK,
                       sizeof(float));
  GsStatus st = work ? GS_OK : GS_ERR_NOMEM;
  for (unsigned s = 0; s < GS_BAND_N_INSTRUMENTS && !st; ++s) {
    if (gs_band_room_is_acoustic((GsBandInstrument)s) && plays(b, (GsBandInstrument)s)) {
      stems[s] = calloc(b->n, sizeof(float));
      st = stems[s] ? GS_OK : GS_ERR_NOMEM;
    }
  }
  if (!st) {
    const GsFpMode mode = gs_denormals_off();
    render_room(b, stems, work);
    render_strings(b, GS_BAND_INST_BASS, GS_BAND_BASS, work);
    render_strings(b, GS_BAND_INST_GUITAR, GS_BAND_GUITAR, work);
    gs_denormals_restore(mode);
    measure_peaks(b);
  }
  for (unsigned s = 0; s < GS_BAND_N_INSTRUMENTS; ++s) {
    free(stems[s]);
  }
  free(work);
  return st ? gs_fail(err, st, "band: out of memory rendering %zu samples of work", b->n) : GS_OK;
}

GsStatus gs_band_new(const GsBandConfig *config, GsBand **out, GsError *err)
{
  *out = NULL;
  GsStatus st = validate(config, err);
  if (st) {
    return st;
  }
  GsBand *b = calloc(1, sizeof(GsBand));
  if (!b) {
    return gs_fail(err, GS_ERR_NOMEM, "band: out of memory");
  }
  b->config = *config;
  const GsBandSong song = gs_band_score_song(config->seed, config->seconds);
  const double seconds = config->seconds > 0.0 ? config->seconds : song.song_s;
  b->n = (size_t)llround(seconds * config->rate_hz);
  st = gs_band_score_new(config->seed, &song, &b->score);
  for (unsigned p = 0; p < GS_BAND_N_PARTS && !st; ++p) {
    b->parts[p] = calloc(b->n, sizeof(float));
    st = b->parts[p] ? GS_OK : GS_ERR_NOMEM;
  }
  if (st) {
    const size_t n = b->n;
    gs_band_free(b);
    return gs_fail(err, st, "band: out of memory for %zu samples of %u parts", n,
                (unsigned)GS_BAND_N_PARTS);
  }
  st = render(b, err);
  if (st) {
    gs_band_free(b);
    return st;
  }
  *out = b;
  return GS_OK;
}

GsStatus gs_band_render(double rate_hz, double seconds, uint64_t seed, GsBand **out,
                        GsError *err)
{
  GsBandConfig c = gs_band_config_default();
  c.rate_hz = rate_hz;
  c.seconds = seconds;
  c.seed = seed;
  return gs_band_new(&c, out, err);
}

void gs_band_free(GsBand *band)
{
  if (!band) {
    return;
  }
  for (unsigned p = 0; p < GS_BAND_N_PARTS; ++p) {
    free(band->parts[p]);
  }
  gs_band_score_free(&band->score);
  free(band);
}

double gs_band_rate_hz(const GsBand *band)
{
  return band->config.rate_hz;
}

size_t gs_band_n_samples(const GsBand *band)
{
  return band->n;
}

GsBandSong gs_band_song_of(const GsBand *band)
{
  return band->score.song;
}

static GsBandPart clamp_part(GsBandPart part)
{
  return (unsigned)part < GS_BAND_N_PARTS ? part : GS_BAND_KICK;
}

const float *gs_band_samples(const GsBand *band, GsBandPart part)
{
  return (unsigned)part < GS_BAND_N_PARTS ? band->parts[part] : NULL;
}

double gs_band_fullscale_level(GsBandPart part)
{
  return PARTS[clamp_part(part)].fullscale_level;
}

double gs_band_peak_level(const GsBand *band, GsBandPart part)
{
  return band->peak_level[clamp_part(part)];
}

GsSourceKind gs_band_part_kind(GsBandPart part)
{
  return PARTS[clamp_part(part)].kind;
}

const char *gs_band_part_unit(GsBandPart part)
{
  return gs_band_part_kind(part) == GS_SOURCE_MIC ? "dB SPL" : "dBu";
}

const char *gs_band_part_name(GsBandPart part)
{
  return (unsigned)part < GS_BAND_N_PARTS ? PARTS[part].name : "unknown";
}

const char *gs_band_part_description(GsBandPart part)
{
  return (unsigned)part < GS_BAND_N_PARTS ? PARTS[part].description : "unknown";
}

const char *gs_band_part_transducer(GsBandPart part)
{
  return (unsigned)part < GS_BAND_N_PARTS ? PARTS[part].transducer : "unknown";
}

const char *gs_band_instrument_name(GsBandInstrument instrument)
{
  return (unsigned)instrument < GS_BAND_N_INSTRUMENTS ? INSTRUMENT_NAMES[instrument] : "unknown";
}

const GsBandNote *gs_band_notes(const GsBand *band, GsBandPart part, size_t *count)
{
  const GsBandScore *s = &band->score;
  switch (part) {
  case GS_BAND_BASS: *count = s->n_bass; return s->bass;
  case GS_BAND_GUITAR: *count = s->n_guitar; return s->guitar;
  case GS_BAND_VOCAL: *count = s->n_vocal; return s->vocal;
  default: *count = 0; return NULL;
  }
}

const GsBandHit *gs_band_hits(const GsBand *band, size_t *count)
{
  *count = band->score.n_hits;
  return band->score.hits;
}

double gs_band_distance_m(GsBandPart part, GsBandInstrument instrument)
{
  return gs_band_room_distance_m(part, instrument);
}
