// SPDX-License-Identifier: ISC
// Plucked strings for the demo band's bass and guitar: the extended
// Karplus-Strong algorithm, giving a magnetic pickup's EMF.
//
// K. Karplus and A. Strong, "Digital Synthesis of Plucked-String and Drum
// Timbres", Computer Music Journal 7(2), 1983: a burst of noise one period
// long circulates in a delay line through a two-point average, which damps
// each harmonic a little more on every pass. D. A. Jaffe and J. O. Smith,
// "Extensions of the Karplus-Strong Plucked-String Algorithm", the same
// issue, add what is used here:
// - a loop gain rho per period for the decay time (section "decay shortening");
// - a first-order allpass for the fractional part of the period, so the pitch
//   is exact (section "tuning"): delay d at low frequencies for
//   C = (1 - d) / (1 + d);
// - a pick-position comb on the excitation, 1 - z^-(beta P), which removes
//   the harmonics with a node at the plucking point;
// - a one-pole "dynamic level" low-pass on the excitation: softer plucks are
//   darker. Its cut-off is a few times the fundamental, so the harmonics
//   fall as 1/k above it, as the velocity of a plucked string's triangle
//   shape does (a magnetic pickup senses velocity): white noise alone would
//   give every harmonic the same level and sound thin.
// The pickup senses the string at one point: another comb, 1 - z^-(p P), on
// the output, the same notch pattern a real pickup position gives.
// A note ends when the player damps it: the loop gain then falls to a 60 ms
// decay.

#include "model/band_synth.h"

#define RING_MASK (GS_BAND_STRING_RING - 1u)
#define RELEASE_T60_S 0.06      // damped by the fretting hand or the palm
#define RELEASE_S 0.12          // rendered after the note's end (-120 dB)
#define MUTED_BELOW_S 0.18      // guitar notes this short are palm-muted (the
                                // score's are at most 0.15 s, open strums 0.2 s or more)

typedef struct {
  double t60_s;          // ringing decay time of the fundamental
  double pluck_pos;      // beta: where the string is plucked, from the bridge
  double pickup_pos;     // p: where the pickup is, from the bridge
  double bright;         // excitation low-pass, times the fundamental, at velocity 0 ...
  double bright_vel;     // ... plus this much at velocity 1
} Voicing;

// A bass played with the fingers over a bridge pickup; a guitar picked.
static const Voicing BASS = {3.5, 0.20, 0.18, 1.5, 4.0};
static const Voicing GUITAR = {2.5, 0.13, 0.22, 3.0, 9.0};
static const Voicing MUTED = {0.25, 0.13, 0.22, 2.0, 4.0};

// The loop gain per period that gives a 60 dB decay in t60_s at freq_hz.
static double loop_gain(double freq_hz, double t60_s)
{
  return pow(10.0, -3.0 / (freq_hz * t60_s));
}

// Writes one period of excitation to exc[0, period): noise through the pick
// comb (computed backwards in place) and the dynamic low-pass.
static void excitation(GsPrng *rng, const Voicing *v, double velocity, double freq_hz,
                       double rate_hz, float *exc, size_t period)
{
  for (size_t k = 0; k < period; ++k) {
    exc[k] = gs_prng_uniform(rng);
  }
  const size_t comb = (size_t)lround(v->pluck_pos * (double)period);
  for (size_t k = period; k-- > comb && comb > 0;) {
    exc[k] -= exc[k - comb];
  }
  // One-pole low-pass, pole exp(-2 pi fc / fs).
  const double fc = fmin(freq_hz * (v->bright + v->bright_vel * velocity), 0.4 * rate_hz);
  const double pole = exp(-2.0 * M_PI * fc / rate_hz);
  double y = 0.0;
  for (size_t k = 0; k < period; ++k) {
    y = (1.0 - pole) * exc[k] + pole * y;
    exc[k] = (float)(velocity * y);
  }
}

static void pluck(const GsBandNote *note, const Voicing *v, GsPrng *rng, double rate_hz,
                  float *out, size_t n, float *work)
{
  float *line = work;                       // the string loop, and the output's history
  float *exc = work + GS_BAND_STRING_RING;  // one period of excitation
  const double period = rate_hz / note->freq_hz;
  if (!(period > 2.0 && period < GS_BAND_STRING_RING - 2.0)) {
    return;  // beyond the ring (no note of the score is, at any rate allowed)
  }
  // Loop delay: N samples + 0.5 (the two-point average) + d (the allpass),
  // with d in [0.1, 1.1) where the allpass's delay is flat enough.
  const size_t delay = (size_t)floor(period - 0.6);
  const double frac = period - 0.5 - (double)delay;
  const double c = (1.0 - frac) / (1.0 + frac);
  const size_t n_exc = (size_t)lround(period);
  const size_t pickup = (size_t)lround(v->pickup_pos * period);
  excitation(rng, v, note->velocity, note->freq_hz, rate_hz, exc, n_exc);
  for (size_t k = 0; k < GS_BAND_STRING_RING; ++k) {
    line[k] = 0.0f;
  }
  const double rho_ring = loop_gain(note->freq_hz, v->t60_s);
  const double rho_damped = loop_gain(note->freq_hz, RELEASE_T60_S);
  const size_t at = (size_t)llround(note->start_s * rate_hz);
  const size_t off = (size_t)llround(note->duration_s * rate_hz);
  const size_t len = off + (size_t)llround(RELEASE_S * rate_hz);
  double prev_tap = 0.0, ap_in = 0.0, ap_out = 0.0;
  size_t w = 0;
  for (size_t i = 0; i < len && at + i < n; ++i, ++w) {
    const double tap = line[(w - delay) & RING_MASK];
    const double rho = i < off ? rho_ring : rho_damped;
    const double avg = rho * 0.5 * (tap + prev_tap);
    prev_tap = tap;
    // First-order allpass (C + z^-1) / (1 + C z^-1).
    ap_out = c * avg + ap_in - c * ap_out;
    ap_in = avg;
    const double y = ap_out + (i < n_exc ? exc[i] : 0.0f);
    line[w & RING_MASK] = (float)y;
    out[at + i] += (float)(y - line[(w - pickup) & RING_MASK]);
  }
}

void gs_band_render_strings(GsBandInstrument instrument, const GsBandScore *score,
                            uint64_t seed, double rate_hz, float *out, size_t n, float *work)
{
  GsPrng rng;
  gs_band_prng(&rng, seed, 1u + (unsigned)instrument);
  const bool bass = instrument == GS_BAND_INST_BASS;
  const GsBandNote *notes = bass ? score->bass : score->guitar;
  const size_t count = bass ? score->n_bass : score->n_guitar;
  for (size_t i = 0; i < count; ++i) {
    const Voicing *v = bass ? &BASS : notes[i].duration_s < MUTED_BELOW_S ? &MUTED : &GUITAR;
    pluck(&notes[i], v, &rng, rate_hz, out, n, work);
  }
  gs_band_normalise(out, n);
}
