// SPDX-License-Identifier: ISC
// The demo band's instruments: drum, plucked-string and voice synthesis into
// mono stems, and the small filters they share.

#ifndef GS_MODEL_BAND_SYNTH_H
#define GS_MODEL_BAND_SYNTH_H

#include "model/band_score.h"

#include "dsp/biquad.h"

#include <math.h>
#include <stddef.h>

/// Floats of work memory gs_band_render_strings() needs: two rings longer
/// than the longest string period at any rate (E1 at 192 kHz is 4660 samples).
#define GS_BAND_STRING_RING 8192u
#define GS_BAND_STRING_WORK (2u * GS_BAND_STRING_RING)

/// Renders every hit of one drum (KICK, SNARE, HIHAT or CRASH) of the score
/// into stem (n samples at rate_hz, zeroed by the caller): the sound at 1 m,
/// scaled so that its loudest sample is 1. Main thread.
void gs_band_render_drum(GsBandInstrument drum, const GsBandScore *score, uint64_t seed,
                         double rate_hz, float *stem, size_t n);

/// Renders the BASS or GUITAR notes of the score as the pickup's EMF into out
/// (n samples, zeroed by the caller), scaled so that its loudest sample is 1.
/// work holds GS_BAND_STRING_WORK floats. Main thread.
void gs_band_render_strings(GsBandInstrument instrument, const GsBandScore *score,
                            uint64_t seed, double rate_hz, float *out, size_t n, float *work);

/// Renders the vocal notes of the score, with breaths between phrases, as the
/// sound 1 m in front of the singer into out (n samples, zeroed by the
/// caller), scaled so that its loudest sample is 1. Main thread.
void gs_band_render_voice(const GsBandScore *score, uint64_t seed, double rate_hz, float *out,
                          size_t n);

/// Scales x so that its largest magnitude is 1 (silence stays silence).
void gs_band_normalise(float *x, size_t n);

/// One sample through a biquad designed with the gs_biquad_set_* functions
/// (transposed direct form II, as gs_biquad_process). Main thread.
static inline double gs_band_biquad_tick(GsBiquad *bq, double x)
{
  const double y = bq->b0 * x + bq->z1;
  bq->z1 = bq->b1 * x - bq->a1 * y + bq->z2;
  bq->z2 = bq->b2 * x - bq->a2 * y;
  return y;
}

/// A two-pole digital resonator with unity gain at DC (D. H. Klatt,
/// "Software for a cascade/parallel formant synthesizer", JASA 67(3), 1980,
/// eq. 1-3): y[n] = A x[n] + B y[n-1] + C y[n-2].
typedef struct {
  double a, b, c;
  double y1, y2;
} GsBandResonator;

/// Centre freq_hz and -3 dB bandwidth bw_hz at rate_hz; keeps the state.
static inline void gs_band_resonator_set(GsBandResonator *r, double freq_hz, double bw_hz,
                                         double rate_hz)
{
  const double t = 1.0 / rate_hz;
  r->c = -exp(-2.0 * M_PI * bw_hz * t);
  r->b = 2.0 * exp(-M_PI * bw_hz * t) * cos(2.0 * M_PI * freq_hz * t);
  r->a = 1.0 - r->b - r->c;
}

static inline double gs_band_resonator_tick(GsBandResonator *r, double x)
{
  const double y = r->a * x + r->b * r->y1 + r->c * r->y2;
  r->y2 = r->y1;
  r->y1 = y;
  return y;
}

#endif  // GS_MODEL_BAND_SYNTH_H
