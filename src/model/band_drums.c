// SPDX-License-Identifier: ISC
// Drum synthesis for the demo band: kick, snare, hi-hat and crash, hit by hit.
//
// Subtractive and modal synthesis as analogue drum machines and their
// descendants do it:
// - kick: a sine whose pitch falls exponentially from about 2.7 times its
//   resting pitch (the head's tension relaxing after the beater), under a
//   fast attack and a 0.22 s decay, plus a high-passed noise click for the
//   beater;
// - snare: the first modes of an ideal circular membrane (ratios 1, 1.594,
//   2.136, 2.296, 2.653: zeros of the Bessel functions, P. M. Morse, Vibration
//   and Sound, 1948, section 20) as two-pole resonators struck by a short
//   pulse, one of them left to ring, plus band-passed noise for the wires;
// - hi-hat and crash: six square waves at inharmonic frequencies, the
//   metallic cluster of Roland's TR-808, with noise, high-passed, closed or
//   open (choked by the pedal) for the hi-hat, long for the crash.

#include "model/band_synth.h"

#include <stdlib.h>

// The cluster's oscillator frequencies (TR-808 service notes' values).
static const double METAL_HZ[6] = {205.3, 304.4, 369.6, 522.7, 540.0, 800.0};

// Membrane mode ratios (Morse 1948), relative amplitudes and decay times.
static const double MODE_RATIO[5] = {1.0, 1.594, 2.136, 2.296, 2.653};
static const double MODE_GAIN[5] = {1.0, 0.6, 0.35, 0.3, 0.15};
static const double MODE_DECAY_S[5] = {0.11, 0.08, 0.06, 0.06, 0.35};  // the last one rings

typedef struct {
  GsPrng rng;
  double rate_hz;
  float *stem;
  size_t n;
} Drum;

// The sample a hit starts on, and how many of length_s fit before the end.
static size_t onset(const Drum *d, double time_s, double length_s, size_t *len)
{
  const size_t at = (size_t)llround(time_s * d->rate_hz);
  const size_t want = (size_t)ceil(length_s * d->rate_hz);
  *len = at >= d->n ? 0 : (want < d->n - at ? want : d->n - at);
  return at;
}

// A raised-cosine fade over the last 10% of a hit, so none ends in a step.
static double tail_fade(size_t i, size_t len)
{
  const size_t fade = len / 10u + 1u;
  if (i + fade < len) {
    return 1.0;
  }
  return 0.5 - 0.5 * cos(M_PI * (double)(len - i) / (double)fade);
}

static void kick(Drum *d, const GsBandHit *h)
{
  const double rest_hz = 52.0 * (1.0 + 0.01 * (2.0 * gs_band_uniform(&d->rng) - 1.0));
  const double sweep_hz = (1.7 + 0.4 * h->velocity) * rest_hz;  // above the rest pitch at the hit
  const double fs = d->rate_hz;
  size_t len;
  const size_t at = onset(d, h->time_s, 1.2, &len);
  GsBiquad click;
  gs_biquad_init(&click);
  gs_biquad_set_highpass(&click, fs, 2000.0, 0.7071);
  // Per-sample factors of the exponential envelopes.
  const double k_sweep = exp(-1.0 / (0.03 * fs));
  const double k_body = exp(-1.0 / (0.22 * fs));
  const double k_attack = exp(-1.0 / (0.0008 * fs));
  const double k_click = exp(-1.0 / (0.003 * fs));
  double sweep = sweep_hz, body = 1.0, attack = 1.0, click_env = 0.3 * h->velocity;
  double phase = 0.0;
  for (size_t i = 0; i < len; ++i) {
    phase += 2.0 * M_PI * (rest_hz + sweep) / fs;
    const double noise = gs_prng_uniform(&d->rng);
    const double y = sin(phase) * body * (1.0 - attack) +
                     gs_band_biquad_tick(&click, noise * click_env);
    d->stem[at + i] += (float)(h->velocity * y * tail_fade(i, len));
    sweep *= k_sweep;
    body *= k_body;
    attack *= k_attack;
    click_env *= k_click;
  }
}

static void snare(Drum *d, const GsBandHit *h)
{
  const double fs = d->rate_hz;
  const double head_hz = 185.0 * (1.0 + 0.02 * (2.0 * gs_band_uniform(&d->rng) - 1.0));
  GsBandResonator mode[5];
  double gain[5];
  for (unsigned m = 0; m < 5; ++m) {
    // A decay time tau is a bandwidth of 1 / (pi tau).
    mode[m] = (GsBandResonator){0};
    gs_band_resonator_set(&mode[m], head_hz * MODE_RATIO[m], 1.0 / (M_PI * MODE_DECAY_S[m]), fs);
    // Its impulse response is A r^n sin((n + 1) w) / sin w (Klatt 1980):
    // scaled by sin w / A, an impulse rings at MODE_GAIN.
    const double w = 2.0 * M_PI * head_hz * MODE_RATIO[m] / fs;
    gain[m] = MODE_GAIN[m] * sin(w) / mode[m].a;
  }
  GsBiquad hp, lp;
  gs_biquad_init(&hp);
  gs_biquad_init(&lp);
  gs_biquad_set_highpass(&hp, fs, 1500.0, 0.7071);
  gs_biquad_set_lowpass(&lp, fs, fmin(5000.0 + 5000.0 * h->velocity, 0.45 * fs), 0.7071);
  const size_t stick = (size_t)ceil(0.001 * fs);  // a 1 ms half-sine strike
  const double k_wires = exp(-1.0 / (0.15 * fs));
  const double k_attack = exp(-1.0 / (0.0005 * fs));
  const double wires_gain = 0.9 * pow(h->velocity, 0.3);  // harder hits: more wire
  double wires = 1.0, attack = 1.0;
  size_t len;
  const size_t at = onset(d, h->time_s, 1.0, &len);
  for (size_t i = 0; i < len; ++i) {
    const double strike = i < stick ? sin(M_PI * (double)i / (double)stick) : 0.0;
    double y = 0.0;
    for (unsigned m = 0; m < 5; ++m) {
      y += gain[m] * gs_band_resonator_tick(&mode[m], strike);
    }
    const double noise = gs_band_biquad_tick(&hp, gs_prng_uniform(&d->rng));
    y += wires_gain * wires * (1.0 - attack) * gs_band_biquad_tick(&lp, noise);
    d->stem[at + i] += (float)(h->velocity * y * tail_fade(i, len));
    wires *= k_wires;
    attack *= k_attack;
  }
}

// The metallic cluster: six square waves (phase accumulators in [0, 1)) and
// noise, high-passed by two sections.
typedef struct {
  double phase[6], step[6];
  GsBiquad hp1, hp2;
  double noise_gain;
} Metal;

static void metal_init(Drum *d, Metal *m, double scale, double cut_hz, double noise_gain)
{
  for (unsigned k = 0; k < 6; ++k) {
    m->phase[k] = gs_band_uniform(&d->rng);
    m->step[k] = METAL_HZ[k] * scale / d->rate_hz;
  }
  gs_biquad_init(&m->hp1);
  gs_biquad_init(&m->hp2);
  gs_biquad_set_highpass(&m->hp1, d->rate_hz, cut_hz, 0.7071);
  gs_biquad_set_highpass(&m->hp2, d->rate_hz, cut_hz, 1.2);
  m->noise_gain = noise_gain;
}

static double metal_tick(Drum *d, Metal *m)
{
  double sum = 0.0;
  for (unsigned k = 0; k < 6; ++k) {
    sum += m->phase[k] < 0.5 ? 1.0 : -1.0;
    m->phase[k] += m->step[k];
    m->phase[k] -= m->phase[k] >= 1.0 ? 1.0 : 0.0;
  }
  const double x = sum / 6.0 + m->noise_gain * gs_prng_uniform(&d->rng);
  return gs_band_biquad_tick(&m->hp2, gs_band_biquad_tick(&m->hp1, x));
}

static void hihat(Drum *d, const GsBandHit *h)
{
  const double fs = d->rate_hz;
  Metal m;
  metal_init(d, &m, 1.6, 7000.0, 0.6);
  const bool open = h->open_s > 0.0;
  const double decay_s = open ? 0.4 : 0.02 + 0.025 * h->velocity;
  const double k_ring = exp(-1.0 / (decay_s * fs));
  const double k_choke = exp(-1.0 / (0.015 * fs));  // the pedal closes it
  const size_t choke = open ? (size_t)(h->open_s * fs) : SIZE_MAX;
  size_t len;
  const size_t at = onset(d, h->time_s, open ? h->open_s + 0.15 : 0.25, &len);
  double env = 1.0;
  for (size_t i = 0; i < len; ++i) {
    const double y = metal_tick(d, &m) * env;
    d->stem[at + i] += (float)(h->velocity * y * tail_fade(i, len));
    env *= i < choke ? k_ring : k_choke;
  }
}

static void crash(Drum *d, const GsBandHit *h)
{
  const double fs = d->rate_hz;
  Metal m;
  metal_init(d, &m, 1.41 * 1.6, 3500.0, 1.0);
  const double k_ring = exp(-1.0 / (1.1 * fs));
  const double k_attack = exp(-1.0 / (0.003 * fs));
  size_t len;
  const size_t at = onset(d, h->time_s, 4.0, &len);
  double env = 1.0, attack = 1.0;
  for (size_t i = 0; i < len; ++i) {
    const double y = metal_tick(d, &m) * env * (1.0 - attack);
    d->stem[at + i] += (float)(h->velocity * y * tail_fade(i, len));
    env *= k_ring;
    attack *= k_attack;
  }
}

void gs_band_normalise(float *x, size_t n)
{
  float peak = 0.0f;
  for (size_t i = 0; i < n; ++i) {
    peak = fmaxf(peak, fabsf(x[i]));
  }
  if (peak > 0.0f) {
    const float g = 1.0f / peak;
    for (size_t i = 0; i < n; ++i) {
      x[i] *= g;
    }
  }
}

void gs_band_render_drum(GsBandInstrument drum, const GsBandScore *score, uint64_t seed,
                         double rate_hz, float *stem, size_t n)
{
  Drum d = {.rate_hz = rate_hz, .stem = stem, .n = n};
  gs_band_prng(&d.rng, seed, 1u + (unsigned)drum);
  for (size_t i = 0; i < score->n_hits; ++i) {
    const GsBandHit *h = &score->hits[i];
    if (h->drum != drum) {
      continue;
    }
    switch (drum) {
    case GS_BAND_INST_KICK: kick(&d, h); break;
    case GS_BAND_INST_SNARE: snare(&d, h); break;
    case GS_BAND_INST_HIHAT: hihat(&d, h); break;
    case GS_BAND_INST_CRASH: crash(&d, h); break;
    default: break;
    }
  }
  gs_band_normalise(stem, n);
}
