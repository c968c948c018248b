// SPDX-License-Identifier: ISC
// The demo band's arrangement: a rock groove in E minor, eight bars a section,
// chosen and humanised from a seed.
//
// Every section plays one chord a bar from a progression of the E natural
// minor (aeolian) scale; the drums play eighth-note hi-hats, a kick pattern,
// snare on 2 and 4 and a fill into the next section; the bass plays the roots
// in eighths with an approach note into each bar; the guitar plays power
// chords (root, fifth, octave), palm-muted eighths for four bars, then open
// strums; the voice sings a two-bar phrase at a time, chord tones on the
// beats and scale steps between, and takes a breath between phrases. After
// the last bar a final downbeat on E minor rings out.

#include "model/band_score.h"

#include <math.h>
#include <stdlib.h>

#define ENDING_S 2.5         // the final downbeat rings this long
#define FORM_BARS 8u         // bars in a section
#define MAX_HITS_PER_BAR 24u // 8 hi-hats + 8 kicks + 7 snares + 1 crash
#define KEY_BASS 28          // E1, the bass's open low string
#define KEY_GUITAR 40        // E2, the guitar's open low string
#define VOCAL_LO 52          // E3 to G4: a tenor's comfortable range
#define VOCAL_HI 67

// Semitones above E of the E natural minor (aeolian) scale.
static const int SCALE[7] = {0, 2, 3, 5, 7, 8, 10};

// Chord progressions as scale degrees (0 = Em, 2 = G, 3 = Am, 5 = C, 6 = D);
// each ends on a chord that leads back to Em.
static const int PROGRESSIONS[4][4] = {{0, 5, 2, 6}, {0, 6, 5, 6}, {0, 3, 5, 6}, {0, 2, 3, 6}};

// Kick patterns over the eight eighths of a bar (bit e: a kick on eighth e).
static const unsigned KICKS[4] = {0x31u, 0x19u, 0x51u, 0x13u};

// Vowels sung: Peterson and Barney (1952), average formants of men, Hz.
typedef struct {
  const char *name;
  double f_hz[3];
} Vowel;
static const Vowel VOWELS[7] = {
  {"ah", {730.0, 1090.0, 2440.0}}, {"uh", {640.0, 1190.0, 2390.0}},
  {"ae", {660.0, 1720.0, 2410.0}}, {"eh", {530.0, 1840.0, 2480.0}},
  {"ih", {390.0, 1990.0, 2550.0}}, {"oh", {570.0, 840.0, 2410.0}},
  {"oo", {440.0, 1020.0, 2240.0}},  // as in "book": sung, an /u/ opens towards it
};
#define N_OPEN_VOWELS 4  // the first four: where a long note is sung

// Phrase rhythms over two bars: (start eighth, length in eighths) pairs,
// ending in a long note and leaving at least an eighth for a breath.
typedef struct {
  unsigned n;
  unsigned at[10][2];
} Rhythm;
static const Rhythm RHYTHMS[3] = {
  {9, {{1, 1}, {2, 1}, {3, 1}, {4, 2}, {6, 2}, {8, 1}, {9, 1}, {10, 2}, {12, 3}}},
  {9, {{0, 2}, {2, 1}, {3, 1}, {4, 2}, {6, 1}, {7, 1}, {8, 2}, {10, 2}, {12, 3}}},
  {10, {{1, 1}, {2, 1}, {3, 2}, {5, 1}, {6, 2}, {8, 1}, {9, 1}, {10, 1}, {11, 1}, {12, 3}}},
};

void gs_band_prng(GsPrng *rng, uint64_t seed, unsigned stream)
{
  // splitmix64 (in gs_prng_seed) scatters nearby seeds; the golden-ratio
  // step keeps streams of one seed apart.
  gs_prng_seed(rng, seed + 0x9e3779b97f4a7c15u * (uint64_t)(stream + 1u));
}

double gs_band_uniform(GsPrng *rng)
{
  return (double)(gs_prng_next(rng) >> 8) * 0x1p-24;
}

double gs_band_midi_hz(double midi)
{
  return 440.0 * pow(2.0, (midi - 69.0) / 12.0);
}

// Uniform integer in [0, n).
static unsigned pick(GsPrng *rng, unsigned n)
{
  return (unsigned)(gs_band_uniform(rng) * n);
}

// Uniform in [-1, 1).
static double jitter(GsPrng *rng)
{
  return 2.0 * gs_band_uniform(rng) - 1.0;
}

GsBandSong gs_band_score_song(uint64_t seed, double seconds)
{
  GsPrng rng;
  gs_band_prng(&rng, seed, 0);
  GsBandSong s;
  s.tempo_bpm = 100.0 + (double)pick(&rng, 21);
  s.bar_s = 4.0 * 60.0 / s.tempo_bpm;
  const double section_s = FORM_BARS * s.bar_s;
  const double sections = seconds > ENDING_S ? ceil((seconds - ENDING_S) / section_s) : 1.0;
  s.bars = FORM_BARS * (unsigned)fmax(1.0, sections);
  s.song_s = s.bars * s.bar_s + ENDING_S;
  return s;
}

// The MIDI note of scale degree (any integer; 7 is the octave) nearest to near.
static int scale_note_near(int degree, int near)
{
  const int d = ((degree % 7) + 7) % 7;
  int m = KEY_BASS + SCALE[d];
  while (m + 6 < near) {
    m += 12;
  }
  while (m - 6 > near) {
    m -= 12;
  }
  return m;
}

// The scale degree (0 to 6) of a MIDI note in the scale, or -1.
static int degree_of(int midi)
{
  const int pc = ((midi - KEY_BASS) % 12 + 12) % 12;
  for (int d = 0; d < 7; ++d) {
    if (SCALE[d] == pc) {
      return d;
    }
  }
  return -1;
}

typedef struct {
  GsPrng rng;
  const GsBandSong *song;
  int chords[4];
  unsigned kick_pattern;
  unsigned bass_pattern;
  unsigned strum_pattern;
  GsBandScore *out;
} Writer;

static int chord_of_bar(const Writer *w, unsigned bar)
{
  return w->chords[bar % 4u];
}

static double eighth_s(const Writer *w)
{
  return w->song->bar_s / 8.0;
}

static void add_hit(Writer *w, GsBandInstrument drum, double time_s, double velocity,
                    double open_s)
{
  const double tight = drum == GS_BAND_INST_HIHAT ? 0.004 : 0.003;  // humanised timing, s
  GsBandHit *h = &w->out->hits[w->out->n_hits++];
  h->drum = drum;
  h->time_s = fmax(0.0, time_s + tight * jitter(&w->rng));
  h->velocity = fmin(1.0, velocity * (1.0 + 0.08 * jitter(&w->rng)));
  h->open_s = open_s;
}

static void write_drum_bar(Writer *w, unsigned bar)
{
  const unsigned form = bar % FORM_BARS;
  const double t0 = bar * w->song->bar_s;
  const double sixteenth = eighth_s(w) / 2.0;
  const bool fill = form == FORM_BARS - 1u;
  unsigned kicks = KICKS[w->kick_pattern];
  if (form % 2u == 1u && !fill && gs_band_uniform(&w->rng) < 0.3) {
    kicks |= 0x80u;  // a pickup into the next bar
  }
  const bool crash = form == 0u || form == 4u;
  if (crash) {
    add_hit(w, GS_BAND_INST_CRASH, t0, bar == 0 ? 1.0 : 0.85, 0.0);
  }
  for (unsigned s = 0; s < 16; s += 2) {
    const double t = t0 + s * sixteenth;
    if (!(fill && s >= 12) && !(crash && s == 0)) {
      const bool open = s == 14 && form % 2u == 1u && !fill;
      add_hit(w, GS_BAND_INST_HIHAT, t, s % 4u == 0 ? 0.8 : 0.55, open ? 2.0 * sixteenth : 0.0);
    }
    if ((kicks >> (s / 2u)) & 1u && !(fill && s >= 12)) {
      add_hit(w, GS_BAND_INST_KICK, t, s == 0 ? 1.0 : 0.9, 0.0);
    }
  }
  add_hit(w, GS_BAND_INST_SNARE, t0 + 4 * sixteenth, 0.95, 0.0);
  if (fill) {
    for (unsigned s = 12; s < 16; ++s) {
      add_hit(w, GS_BAND_INST_SNARE, t0 + s * sixteenth, 0.55 + 0.15 * (s - 12), 0.0);
    }
  } else {
    add_hit(w, GS_BAND_INST_SNARE, t0 + 12 * sixteenth, 1.0, 0.0);
    if (gs_band_uniform(&w->rng) < 0.4) {
      add_hit(w, GS_BAND_INST_SNARE, t0 + (gs_band_uniform(&w->rng) < 0.5 ? 7 : 11) * sixteenth,
              0.22, 0.0);  // a ghost note
    }
  }
}

static GsBandNote *add_note(GsBandNote *n, double start_s, double duration_s, int midi,
                            double velocity)
{
  n->start_s = fmax(0.0, start_s);
  n->duration_s = duration_s;
  n->midi = midi;
  n->freq_hz = gs_band_midi_hz(midi);
  n->velocity = fmin(1.0, velocity);
  n->vowel = NULL;
  return n;
}

// Bass rhythms: (eighth, length, what) with what 0 root, 7 fifth, 12 octave,
// -1 an approach note to the next bar's root.
static const int BASS_RHYTHMS[3][8][3] = {
  {{0, 1, 0}, {1, 1, 0}, {2, 1, 0}, {3, 1, 0}, {4, 1, 0}, {5, 1, 0}, {6, 1, 0}, {7, 1, -1}},
  {{0, 3, 0}, {3, 1, 0}, {4, 2, 0}, {6, 1, 7}, {7, 1, -1}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}},
  {{0, 1, 0}, {1, 1, 0}, {2, 1, 12}, {3, 1, 0}, {4, 1, 0}, {5, 1, 0}, {6, 1, 7}, {7, 1, -1}},
};

static void write_bass_bar(Writer *w, unsigned bar)
{
  const double e = eighth_s(w);
  const double t0 = bar * w->song->bar_s;
  const int deg = chord_of_bar(w, bar);
  const int next_deg = bar + 1u < w->song->bars ? chord_of_bar(w, bar + 1u) : 0;
  const int root = KEY_BASS + SCALE[deg];
  const int next_root = KEY_BASS + SCALE[next_deg];
  for (unsigned i = 0; i < 8; ++i) {
    const int *r = BASS_RHYTHMS[w->bass_pattern][i];
    if (r[1] == 0) {
      break;
    }
    int midi = root + r[2];
    if (r[2] < 0) {
      // A scale step towards the next root, from the side the line comes from.
      midi = next_root == root ? root + 7
                               : scale_note_near(next_deg + (next_root > root ? -1 : 1), next_root);
    }
    const double start = t0 + r[0] * e + 0.003 + 0.004 * jitter(&w->rng);  // a hair behind
    const double len = r[1] * e * (r[1] > 1 ? 0.95 : 0.85);
    const double vel = (r[0] % 2 == 0 ? 0.95 : 0.85) + 0.05 * jitter(&w->rng);
    add_note(&w->out->bass[w->out->n_bass++], start, len, midi, vel);
  }
}

// A strum of the power chord on root: strings 12 ms apart, low to high on a
// down stroke, high to low on an up stroke.
static void strum(Writer *w, double start_s, double len_s, int root, double vel, bool down)
{
  const int chord[3] = {root, root + 7, root + 12};
  for (unsigned k = 0; k < 3; ++k) {
    const unsigned string = down ? k : 2u - k;
    const double at = start_s + 0.012 * k + 0.003 * jitter(&w->rng);
    const double v = vel * (1.0 + 0.06 * jitter(&w->rng)) * (down ? 1.0 : 0.85);
    add_note(&w->out->guitar[w->out->n_guitar++], at, len_s - 0.012 * k, chord[string], v);
  }
}

// Open strums: (eighth, length in eighths); even eighths down, odd up.
static const unsigned STRUMS[2][6][2] = {
  {{0, 3}, {3, 1}, {4, 2}, {6, 2}, {0, 0}, {0, 0}},
  {{0, 2}, {2, 1}, {3, 1}, {4, 2}, {6, 1}, {7, 1}},
};

static void write_guitar_bar(Writer *w, unsigned bar)
{
  const double e = eighth_s(w);
  const double t0 = bar * w->song->bar_s;
  const int root = KEY_GUITAR + SCALE[chord_of_bar(w, bar)];
  if (bar % FORM_BARS < FORM_BARS / 2u) {
    for (unsigned i = 0; i < 8; ++i) {  // palm-muted eighths, all down strokes
      strum(w, t0 + i * e, 0.5 * e, root, i % 2u == 0 ? 0.8 : 0.65, true);
    }
    return;
  }
  for (unsigned i = 0; i < 6; ++i) {
    const unsigned *s = STRUMS[w->strum_pattern][i];
    if (s[1] == 0) {
      break;
    }
    strum(w, t0 + s[0] * e, s[1] * e - 0.02, root, s[0] % 2u == 0 ? 0.95 : 0.75, s[0] % 2u == 0);
  }
}

// The next melody note: a chord tone (on a beat or a long note) or a scale
// step, kept within the singer's range.
static int next_pitch(Writer *w, int prev, int chord_deg, bool chord_tone)
{
  int target;
  if (chord_tone) {
    const int tone = chord_deg + 2 * (int)pick(&w->rng, 3);  // root, third or fifth
    target = scale_note_near(tone, prev + (int)pick(&w->rng, 5) - 2);
  } else {
    const int d = degree_of(prev);
    const int step = gs_band_uniform(&w->rng) < 0.5 ? -1 : 1;
    target = scale_note_near((d < 0 ? 0 : d) + step, prev + step);
  }
  while (target < VOCAL_LO) {
    target += 12;
  }
  while (target > VOCAL_HI) {
    target -= 12;
  }
  return target;
}

static void write_phrase(Writer *w, unsigned first_bar, int *prev)
{
  const Rhythm *r = &RHYTHMS[pick(&w->rng, 3)];
  const double e = eighth_s(w);
  const double t0 = first_bar * w->song->bar_s;
  const bool last = first_bar + 2u >= w->song->bars;
  for (unsigned i = 0; i < r->n; ++i) {
    const unsigned at = r->at[i][0], len = r->at[i][1];
    const int deg = chord_of_bar(w, first_bar + at / 8u);
    const bool end = i + 1u == r->n;
    int midi = next_pitch(w, *prev, deg, at % 2u == 0 || len > 1u || end);
    if (end && last) {
      midi = scale_note_near(0, *prev);  // home: E
      midi = midi < VOCAL_LO ? midi + 12 : midi;
    }
    double dur = len * e * (end ? 0.9 : 0.97);
    if (end && last) {
      dur = w->song->song_s - ENDING_S - (t0 + at * e) + 0.6 * ENDING_S;  // into the ending
    }
    GsBandNote *n = add_note(&w->out->vocal[w->out->n_vocal++], t0 + at * e + 0.01 * jitter(&w->rng),
                             dur, midi, (len > 1u ? 0.9 : 0.8) + 0.08 * jitter(&w->rng));
    const Vowel *v = &VOWELS[pick(&w->rng, len >= 3u ? N_OPEN_VOWELS : 7u)];
    n->vowel = v->name;
    for (unsigned k = 0; k < 3; ++k) {
      n->formants_hz[k] = v->f_hz[k];
    }
    *prev = midi;
  }
}

// Drum hits drift out of order by their humanised timing: insertion sort
// (a few hundred hits, nearly sorted, no allocation).
static void sort_hits(GsBandHit *h, size_t n)
{
  for (size_t i = 1; i < n; ++i) {
    const GsBandHit x = h[i];
    size_t j = i;
    for (; j > 0 && h[j - 1].time_s > x.time_s; --j) {
      h[j] = h[j - 1];
    }
    h[j] = x;
  }
}

static void sort_notes(GsBandNote *n, size_t count)
{
  for (size_t i = 1; i < count; ++i) {
    const GsBandNote x = n[i];
    size_t j = i;
    for (; j > 0 && n[j - 1].start_s > x.start_s; --j) {
      n[j] = n[j - 1];
    }
    n[j] = x;
  }
}

static void write_ending(Writer *w)
{
  const double t = w->song->bars * w->song->bar_s;
  add_hit(w, GS_BAND_INST_CRASH, t, 1.0, 0.0);
  add_hit(w, GS_BAND_INST_KICK, t, 1.0, 0.0);
  add_note(&w->out->bass[w->out->n_bass++], t + 0.003, ENDING_S - 0.3, KEY_BASS, 1.0);
  strum(w, t, ENDING_S - 0.3, KEY_GUITAR, 1.0, true);
}

GsStatus gs_band_score_new(uint64_t seed, const GsBandSong *song, GsBandScore *score)
{
  *score = (GsBandScore){.song = *song};
  const size_t bars = song->bars;
  score->hits = calloc(bars * MAX_HITS_PER_BAR + 2u, sizeof(GsBandHit));
  score->bass = calloc(bars * 8u + 1u, sizeof(GsBandNote));
  score->guitar = calloc(bars * 8u * 3u + 3u, sizeof(GsBandNote));
  score->vocal = calloc(bars * 5u, sizeof(GsBandNote));
  if (!score->hits || !score->bass || !score->guitar || !score->vocal) {
    gs_band_score_free(score);
    return GS_ERR_NOMEM;
  }
  Writer w = {.song = song, .out = score};
  gs_band_prng(&w.rng, seed, 0);
  (void)gs_band_uniform(&w.rng);  // the tempo (gs_band_score_song)
  const int *prog = PROGRESSIONS[pick(&w.rng, 4)];
  for (unsigned i = 0; i < 4; ++i) {
    w.chords[i] = prog[i];
  }
  w.kick_pattern = pick(&w.rng, 4);
  w.bass_pattern = pick(&w.rng, 3);
  w.strum_pattern = pick(&w.rng, 2);
  int melody = 59;  // B3: the phrase starts mid-range
  for (unsigned bar = 0; bar < song->bars; ++bar) {
    write_drum_bar(&w, bar);
    write_bass_bar(&w, bar);
    write_guitar_bar(&w, bar);
    if (bar % 2u == 0) {
      write_phrase(&w, bar, &melody);
    }
  }
  write_ending(&w);
  sort_hits(score->hits, score->n_hits);
  sort_notes(score->bass, score->n_bass);
  sort_notes(score->guitar, score->n_guitar);
  sort_notes(score->vocal, score->n_vocal);
  return GS_OK;
}

void gs_band_score_free(GsBandScore *score)
{
  free(score->hits);
  free(score->bass);
  free(score->guitar);
  free(score->vocal);
  score->hits = NULL;
  score->bass = score->guitar = score->vocal = NULL;
  score->n_hits = score->n_bass = score->n_guitar = score->n_vocal = 0;
}
