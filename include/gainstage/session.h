// SPDX-License-Identifier: ISC
// Sessions: a whole interface described in a file people edit (YAML):
// converter settings, what is plugged into each input, the strips, the mixes
// and what is armed. docs/session.md documents the format.

#ifndef GS_SESSION_H
#define GS_SESSION_H

#include "gainstage/engine.h"
#include "gainstage/source.h"
#include "gainstage/status.h"

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What an input's source plays.
typedef enum {
  GS_PLAY_GENERATOR,  ///< source.gen (silence when nothing is said)
  GS_PLAY_FILE,       ///< a sound file, calibrated by source.fullscale_level
  GS_PLAY_BAND,       ///< a part of the built-in demo band (band_part)
} GsPlayKind;

/// One input as the session describes it, beyond its strip settings.
typedef struct {
  GsSourceConfig source;  ///< kind follows the input type; rate is the session's
  GsPlayKind play;
  const char *file;       ///< GS_PLAY_FILE: the path, relative paths resolved
                          ///< against the session's folder
  unsigned channel;       ///< GS_PLAY_FILE: 0 for the first
  const char *band_part;  ///< GS_PLAY_BAND: "kick", "vocal", ...
  bool armed;             ///< recorded as a track
  bool auto_gain;         ///< render sets the gain so the peaks land at the target
} GsSessionInput;

/// What a mix drives, beyond the engine's mix: headphones on a headphone amp
/// (for the listening-level estimate), when headphones is not NULL.
typedef struct {
  const char *headphones;  ///< a catalogue name (headphones.h), or NULL
  double amp_volume_db;    ///< the headphone amp's volume
  bool armed;              ///< `run` records the mix as a stereo track
} GsSessionOutput;

/// A loaded session. Every string points into memory the session owns.
typedef struct {
  const char *path;
  const char *name;
  double rate_hz;
  unsigned bits;          ///< 16, 24, or 32 for 32-bit float
  double seconds;         ///< render length; 0: the longest file or band part
  double auto_gain_target_dbfs;  ///< where auto gain puts the peaks (-30 to 0, default -12)
  double latency_samples; ///< the round trip `gainstage latency` measured; -1: not measured
  GsEngineConfig engine;  ///< strips and mixes point into the session
  GsSessionInput *inputs; ///< engine.n_strips of them
  GsSessionOutput *outputs;  ///< engine.n_mixes of them
  const GsEngineSend *sends;  ///< also in engine.sends
  size_t n_sends;
  void *owned;            ///< the parsed document and the arrays
} GsSession;

/// Reads and checks a session. Errors name the file, the line, the strip or
/// mix and the key, and say what would be valid:
/// "band.yaml:14: strip 3 (snare): gain_db 200 is out of range (0 to 66 dB)".
/// Main thread.
GsStatus gs_session_load(const char *path, GsSession *session, GsError *err);
/// The same from text already in memory (path names it in messages).
GsStatus gs_session_parse(const char *path, const char *text, size_t size, GsSession *session,
                          GsError *err);
void gs_session_free(GsSession *session);

/// Writes session to path in the same format (a snapshot of the state: what
/// a later load gives back exactly), under a temporary name and then renamed.
/// File sources are written with absolute paths. Main thread.
GsStatus gs_session_write(const GsSession *session, const char *path, GsError *err);

/// A strip's index by its name, or -1.
int gs_session_strip_index(const GsSession *session, const char *name);

#ifdef __cplusplus
}
#endif

#endif  // GS_SESSION_H
