// SPDX-License-Identifier: ISC
// The demo band's arrangement: tempo, chords, drum hits, bass, guitar and vocal notes from a seed.

#ifndef GS_MODEL_BAND_SCORE_H
#define GS_MODEL_BAND_SCORE_H

#include "model/band.h"

#include "dsp/prng.h"

/// The whole performance, before any sound. Owned by the GsBand that made it.
typedef struct {
  GsBandSong song;
  GsBandHit *hits;       ///< time order
  size_t n_hits;
  GsBandNote *bass;      ///< time order
  size_t n_bass;
  GsBandNote *guitar;    ///< time order; a chord is one note per string
  size_t n_guitar;
  GsBandNote *vocal;     ///< time order; a phrase starts after a gap of a breath
  size_t n_vocal;
} GsBandScore;

/// The song for a seed, with enough eight-bar sections to fill seconds (0:
/// one section). Main thread or real time.
GsBandSong gs_band_score_song(uint64_t seed, double seconds);

/// Writes the arrangement of song (from gs_band_score_song(seed, ...)).
/// Allocates with calloc; on GS_ERR_NOMEM nothing is left allocated. Main thread.
GsStatus gs_band_score_new(uint64_t seed, const GsBandSong *song, GsBandScore *score);
/// Frees the arrays (not the struct). Main thread.
void gs_band_score_free(GsBandScore *score);

/// A seeded generator for one purpose (instrument or score), independent of
/// the others: seed and stream together pick the sequence.
void gs_band_prng(GsPrng *rng, uint64_t seed, unsigned stream);
/// Uniform in [0, 1).
double gs_band_uniform(GsPrng *rng);
/// Equal-tempered frequency of a MIDI note (A4 = 69 = 440 Hz).
double gs_band_midi_hz(double midi);

#endif  // GS_MODEL_BAND_SCORE_H
