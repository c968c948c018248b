// SPDX-License-Identifier: ISC
// The demo band: eight inputs' worth of source material (drum, string and
// voice synthesis, a room, microphones), generated deterministically from a seed.

#ifndef GS_MODEL_BAND_H
#define GS_MODEL_BAND_H

#include "gainstage/source.h"
#include "gainstage/status.h"

#include <stddef.h>
#include <stdint.h>

/// What each input of the demo interface sees. Microphone parts are sound
/// pressure at the capsule (unit dB SPL: feed them to a GS_SOURCE_MIC);
/// BASS and GUITAR are a passive pickup's open-circuit EMF (unit dBu: feed
/// them to a GS_SOURCE_INSTRUMENT, which applies the pickup's circuit).
typedef enum {
  GS_BAND_KICK,        ///< dynamic mic 8 cm inside the kick drum (dB SPL)
  GS_BAND_SNARE,       ///< dynamic mic 12 cm over the snare's rim (dB SPL)
  GS_BAND_OVERHEAD_L,  ///< spaced pair of condensers 1 m over the kit (dB SPL)
  GS_BAND_OVERHEAD_R,
  GS_BAND_BASS,        ///< bass pickup EMF for the Hi-Z input (dBu)
  GS_BAND_GUITAR,      ///< guitar pickup EMF, DI (dBu)
  GS_BAND_VOCAL,       ///< condenser 15 cm from the singer's mouth (dB SPL)
  GS_BAND_ROOM,        ///< omni condenser 4.3 m in front of the kit (dB SPL)
  GS_BAND_N_PARTS,
} GsBandPart;

/// The instruments that play; a mask of (1u << instrument) picks which are
/// rendered (the others are silent everywhere, bleed included). The score
/// and every instrument's own randomness depend only on the seed, so an
/// instrument sounds the same whatever else plays.
typedef enum {
  GS_BAND_INST_KICK,
  GS_BAND_INST_SNARE,
  GS_BAND_INST_HIHAT,
  GS_BAND_INST_CRASH,
  GS_BAND_INST_BASS,
  GS_BAND_INST_GUITAR,
  GS_BAND_INST_VOICE,
  GS_BAND_N_INSTRUMENTS,
} GsBandInstrument;

#define GS_BAND_ALL_INSTRUMENTS ((1u << GS_BAND_N_INSTRUMENTS) - 1u)

/// The speed of sound the room uses (air at about 20 degrees C).
#define GS_BAND_SPEED_OF_SOUND_M_PER_S 343.0

typedef struct {
  double rate_hz;        ///< 22050 to 192000
  double seconds;        ///< 0: the whole song with its ending; else 1 to 60 s
                         ///< (the eight-bar form repeats, or is cut short)
  uint64_t seed;         ///< every value gives a different, valid performance
  unsigned instruments;  ///< mask of (1u << GsBandInstrument); 0 is allowed (silence)
} GsBandConfig;

/// The song a seed gives, known before rendering.
typedef struct {
  double tempo_bpm;   ///< 100 to 120, from the seed
  unsigned bars;      ///< of 4/4; a multiple of 8
  double bar_s;       ///< 4 beats
  double song_s;      ///< the bars, then a final downbeat left to ring
} GsBandSong;

/// A note of the bass, guitar (one entry per string of a strummed chord) or
/// vocal part.
typedef struct {
  double start_s;
  double duration_s;   ///< until the string is damped or the syllable ends
  int midi;            ///< MIDI note number (69 = A4 = 440 Hz)
  double freq_hz;      ///< equal temperament, A4 = 440 Hz
  double velocity;     ///< 0 to 1
  const char *vowel;   ///< vocal: "ah", "uh", "ae", "eh", "ih", "oh", "oo" (as in
                       ///< "book"); else NULL
  double formants_hz[3];  ///< vocal: the vowel's F1 to F3 targets; else 0
} GsBandNote;

/// One drum hit, at the drum (before any travel to a microphone).
typedef struct {
  double time_s;
  double velocity;        ///< 0 to 1
  GsBandInstrument drum;  ///< KICK, SNARE, HIHAT or CRASH
  double open_s;          ///< hi-hat: how long it rings before the next closes it (0: closed)
} GsBandHit;

typedef struct GsBand GsBand;

/// 48 kHz, the whole song, seed 1, every instrument.
GsBandConfig gs_band_config_default(void);

/// The tempo and length the seed gives (main thread or real time).
GsBandSong gs_band_song(uint64_t seed);

/// Renders every part at once (so bleed between microphones is consistent).
/// GS_ERR_RANGE names a setting out of range; GS_ERR_NOMEM if memory runs
/// out. Deterministic: the same config gives the same samples. Main thread;
/// about 0.2 s for 12 s at 48 kHz on one core (tests/unit/model/test_band.c).
GsStatus gs_band_new(const GsBandConfig *config, GsBand **out, GsError *err);
/// gs_band_new() with every instrument. Main thread.
GsStatus gs_band_render(double rate_hz, double seconds, uint64_t seed, GsBand **out,
                        GsError *err);
/// Frees a band; NULL is a no-op. Main thread.
void gs_band_free(GsBand *band);

/// The rendering: rate, length (every part has n_samples) and song.
double gs_band_rate_hz(const GsBand *band);
size_t gs_band_n_samples(const GsBand *band);
GsBandSong gs_band_song_of(const GsBand *band);

/// A part's samples, calibrated so that a full-scale sine (peak 1.0) has the
/// RMS level gs_band_fullscale_level(part): give both to a GsSourceConfig as
/// samples and fullscale_level. Valid until gs_band_free().
const float *gs_band_samples(const GsBand *band, GsBandPart part);
/// The calibration of a part's samples, in its unit (dB SPL or dBu); the
/// samples of every seed peak below 1.0.
double gs_band_fullscale_level(GsBandPart part);
/// The part's peak in its unit, as the RMS level of the sine with the same
/// peak (fullscale_level + 20 log10 max|x|), the convention of dBFS peak
/// meters. (An acoustician's peak sound pressure level Lpk is 3.01 dB more.)
double gs_band_peak_level(const GsBand *band, GsBandPart part);

/// GS_SOURCE_MIC or GS_SOURCE_INSTRUMENT, and its unit: "dB SPL" or "dBu".
GsSourceKind gs_band_part_kind(GsBandPart part);
const char *gs_band_part_unit(GsBandPart part);
/// "kick", "snare", "overhead-l", "overhead-r", "bass", "guitar", "vocal", "room".
const char *gs_band_part_name(GsBandPart part);
/// One line: what the input hears and from where.
const char *gs_band_part_description(GsBandPart part);
/// The catalogue microphone or pickup the demo puts on the part (source.h).
const char *gs_band_part_transducer(GsBandPart part);
/// "kick", "snare", "hi-hat", "crash", "bass", "guitar", "voice".
const char *gs_band_instrument_name(GsBandInstrument instrument);

/// The notes of the BASS, GUITAR or VOCAL part in time order (count 0 and
/// NULL for the other parts), and the drum hits in time order.
const GsBandNote *gs_band_notes(const GsBand *band, GsBandPart part, size_t *count);
const GsBandHit *gs_band_hits(const GsBand *band, size_t *count);

/// The straight-line distance from an instrument to a microphone part, in
/// metres (0 for BASS and GUITAR, which are not microphones, and for the
/// bass and guitar instruments, which are not in the room).
double gs_band_distance_m(GsBandPart part, GsBandInstrument instrument);

#endif  // GS_MODEL_BAND_H
