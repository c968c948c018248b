// SPDX-License-Identifier: ISC
// A singing voice for the demo band: a glottal source through formant
// resonators, following the vocal notes, with breaths between phrases.
//
// Source-filter synthesis after D. H. Klatt, "Software for a cascade/parallel
// formant synthesizer", JASA 67(3), 1980:
// - the source is the derivative of A. E. Rosenberg's glottal flow pulse
//   ("Effect of glottal pulse shape on the quality of natural vowels", JASA
//   49(2B), 1971, pulse C): 0.5 (1 - cos(pi t / Tp)) while the folds open
//   (Tp = 40% of the period), cos(pi (t - Tp) / (2 Tn)) while they close
//   (Tn = 16%), closed for the rest; its derivative stands for the flow with
//   the lips' radiation (+6 dB/octave), as in Klatt's synthesizer;
// - the pitch glides between notes (30 ms), scoops into a phrase from 60
//   cents below, takes a 5 to 6 Hz vibrato of 30 cents on held notes, and
//   wavers: Klatt's "flutter" (D. H. Klatt and L. C. Klatt, JASA 87(2), 1990,
//   eq. 2: three slow sines) plus jitter (0.5% per period) and shimmer (4%);
// - aspiration noise follows the source; five two-pole resonators in cascade
//   (F1 to F3 from the note's vowel, gliding over 25 ms at each syllable; F4
//   and F5 fixed at Klatt's defaults) shape it;
// - a syllable inside a phrase starts with a short dip of level, as a
//   consonant would make; a phrase starts with a breath: 0.35 s of noise
//   through the tract at a neutral vowel.

#include "model/band_synth.h"

#define GLIDE_S 0.03
#define FORMANT_GLIDE_S 0.025
#define SCOOP_SEMITONES 0.6
#define VIBRATO_CENTS 30.0
#define FLUTTER_PERCENT 25.0   // Klatt and Klatt's FL
#define JITTER 0.005
#define SHIMMER 0.04
#define ASPIRATION 0.04
#define BREATH_GAIN 0.025
#define BREATH_S 0.35          // ends 80 ms before the phrase
#define CONTROL_STEP 16u       // samples between formant coefficient updates
#define OPEN_RISE 0.40         // Rosenberg's Tp, fraction of the period
#define OPEN_FALL 0.16         // Tn

// F4, F5 and the bandwidths of F1 to F5 (Klatt 1980, table I defaults,
// B1 to B3 a little wider as for a singing voice).
static const double FIXED_F_HZ[2] = {3300.0, 3750.0};
static const double BANDWIDTH_HZ[5] = {80.0, 100.0, 150.0, 250.0, 200.0};
static const double NEUTRAL_F_HZ[3] = {500.0, 1500.0, 2500.0};  // a schwa, for breaths

typedef struct {
  double rate_hz;
  GsPrng rng;
  GsBandResonator tract[5];
  double formant_hz[3];        // gliding F1 to F3
  double pitch;                // gliding MIDI note
  double level;                // gliding amplitude
  double phase;                // glottal cycle, [0, 1)
  double period_jitter, period_shimmer;
  double vibrato_phase, vibrato_hz;
} Voice;

// Rosenberg's pulse C, differentiated with respect to the phase in [0, 1).
static double glottal_derivative(double phase)
{
  if (phase < OPEN_RISE) {
    return 0.5 * (M_PI / OPEN_RISE) * sin(M_PI * phase / OPEN_RISE);
  }
  if (phase < OPEN_RISE + OPEN_FALL) {
    return -(M_PI / (2.0 * OPEN_FALL)) * sin(M_PI * (phase - OPEN_RISE) / (2.0 * OPEN_FALL));
  }
  return 0.0;
}

// Klatt and Klatt (1990) eq. 2: the slow wander of a voice's pitch, in Hz.
static double flutter_hz(double f0_hz, double t)
{
  return (FLUTTER_PERCENT / 50.0) * (f0_hz / 100.0) *
         (sin(2.0 * M_PI * 12.7 * t) + sin(2.0 * M_PI * 7.1 * t) + sin(2.0 * M_PI * 4.7 * t));
}

// An inhalation, before_s ahead of its end: noise under a sine-squared swell.
static double breath_tick(Voice *v, double before_s)
{
  if (before_s < 0.0 || before_s >= BREATH_S) {
    return 0.0;
  }
  const double s = sin(M_PI * before_s / BREATH_S);
  return BREATH_GAIN * s * s * gs_prng_uniform(&v->rng);
}

static void set_tract(Voice *v)
{
  for (unsigned k = 0; k < 5; ++k) {
    const double f = k < 3 ? v->formant_hz[k] : FIXED_F_HZ[k - 3];
    gs_band_resonator_set(&v->tract[k], f, BANDWIDTH_HZ[k], v->rate_hz);
  }
}

static bool phrase_starts(const GsBandNote *notes, size_t i)
{
  return i == 0 || notes[i].start_s > notes[i - 1].start_s + notes[i - 1].duration_s + 0.1;
}

// A raised-cosine bump of width w_s centred on 0.
static double bump(double t, double w_s)
{
  return fabs(t) < 0.5 * w_s ? 0.5 + 0.5 * cos(2.0 * M_PI * t / w_s) : 0.0;
}

// One glottal sample at f0_hz: the pulse derivative with shimmer, plus
// aspiration noise while the folds are open.
static double glottal_tick(Voice *v, double f0_hz)
{
  v->phase += f0_hz * v->period_jitter / v->rate_hz;
  if (v->phase >= 1.0) {
    v->phase -= 1.0;
    v->period_jitter = 1.0 + JITTER * (2.0 * gs_band_uniform(&v->rng) - 1.0);
    v->period_shimmer = 1.0 + SHIMMER * (2.0 * gs_band_uniform(&v->rng) - 1.0);
  }
  // d/dt = f0 d/dphase: the radiated level rises with pitch, as a voice's does.
  const double pulse = glottal_derivative(v->phase) * f0_hz / 200.0 * v->period_shimmer;
  const double open = v->phase < OPEN_RISE + OPEN_FALL ? 1.0 : 0.3;
  return pulse + ASPIRATION * open * gs_prng_uniform(&v->rng);
}

void gs_band_render_voice(const GsBandScore *score, uint64_t seed, double rate_hz, float *out,
                          size_t n)
{
  const GsBandNote *notes = score->vocal;
  const size_t count = score->n_vocal;
  if (count == 0) {
    return;
  }
  Voice v = {.rate_hz = rate_hz, .phase = 0.0, .period_jitter = 1.0, .period_shimmer = 1.0};
  gs_band_prng(&v.rng, seed, 1u + (unsigned)GS_BAND_INST_VOICE);
  v.vibrato_hz = 5.2 + 0.8 * gs_band_uniform(&v.rng);
  v.pitch = notes[0].midi - SCOOP_SEMITONES;  // the first phrase scoops in too
  for (unsigned k = 0; k < 3; ++k) {
    v.formant_hz[k] = NEUTRAL_F_HZ[k];
  }
  set_tract(&v);
  const double k_glide = 1.0 - exp(-1.0 / (GLIDE_S * rate_hz));
  const double k_formant = 1.0 - exp(-(double)CONTROL_STEP / (FORMANT_GLIDE_S * rate_hz));
  const double k_attack = 1.0 - exp(-1.0 / (0.015 * rate_hz));
  const double k_release = 1.0 - exp(-1.0 / (0.04 * rate_hz));
  GsBiquad dc;
  gs_biquad_init(&dc);
  gs_biquad_set_highpass(&dc, rate_hz, 70.0, 0.7071);
  size_t j = 0;  // the note sounding or last sounded
  for (size_t i = 0; i < n; ++i) {
    const double t = (double)i / rate_hz;
    while (j + 1 < count && t >= notes[j + 1].start_s) {
      ++j;
      if (phrase_starts(notes, j)) {
        v.pitch = notes[j].midi - SCOOP_SEMITONES;
      }
    }
    const GsBandNote *note = &notes[j];
    const double since = t - note->start_s;
    const bool voiced = since >= 0.0 && since < note->duration_s;
    // Pitch: glide, vibrato on held notes, flutter.
    v.pitch += (note->midi - v.pitch) * k_glide;
    const double vib_depth = fmin(1.0, fmax(0.0, (since - 0.25) / 0.3)) * VIBRATO_CENTS / 100.0;
    v.vibrato_phase += v.vibrato_hz / rate_hz;
    v.vibrato_phase -= floor(v.vibrato_phase);
    double f0 = gs_band_midi_hz(v.pitch + vib_depth * sin(2.0 * M_PI * v.vibrato_phase));
    f0 += flutter_hz(f0, t);
    // Level: the note's velocity, dipping at a syllable inside a phrase.
    double target = voiced ? note->velocity : 0.0;
    if (voiced && !phrase_starts(notes, j)) {
      target *= 1.0 - 0.7 * bump(since, 0.06);
    }
    v.level += (target - v.level) * (target > v.level ? k_attack : k_release);
    // Breath before the next phrase.
    const bool before_first = j == 0 && t < notes[0].start_s;
    const size_t next = before_first ? 0 : j + 1;
    const double breath = (before_first || (next < count && phrase_starts(notes, next)))
                              ? breath_tick(&v, notes[next].start_s - 0.08 - t)
                              : 0.0;
    if (i % CONTROL_STEP == 0) {
      const double *goal = voiced || v.level > 0.05 ? note->formants_hz : NEUTRAL_F_HZ;
      for (unsigned k = 0; k < 3; ++k) {
        v.formant_hz[k] += (goal[k] - v.formant_hz[k]) * k_formant;
      }
      set_tract(&v);
    }
    double x = v.level * glottal_tick(&v, f0) + breath;
    for (unsigned k = 0; k < 5; ++k) {
      x = gs_band_resonator_tick(&v.tract[k], x);
    }
    out[i] = (float)gs_band_biquad_tick(&dc, x);
  }
  gs_band_normalise(out, n);
}
