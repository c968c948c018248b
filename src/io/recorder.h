// SPDX-License-Identifier: ISC
// The multitrack recorder: the audio thread hands it blocks of every track
// (lock-free, never blocking); a disk thread writes the takes. Every track
// of a take starts on the same frame and stays aligned to the frame, and
// nothing is lost silently: see docs/recording.md.

#ifndef GS_IO_RECORDER_H
#define GS_IO_RECORDER_H

#include "gainstage/realtime.h"
#include "gainstage/status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// Container of the take files.
typedef enum {
  GS_REC_WAV,   ///< WAV with a BWF bext chunk; RF64 once a file passes 4 GiB
  GS_REC_W64,   ///< Sony Wave64
  GS_REC_FLAC,  ///< FLAC (16 or 24 bits only)
} GsRecFormat;

/// One track: a mono or stereo file of the take.
typedef struct {
  const char *name;    ///< "kick", "kick-safety", "headphones 1"; names the file
  unsigned channels;   ///< 1 or 2 (a mix)
} GsRecTrack;

typedef struct {
  const char *folder;        ///< where takes go; must exist and be writable
  const char *session_name;  ///< the first part of every file name
  const char *pattern;       ///< file names: %s session, %t track, %n take number
                             ///< (3 digits), %% a percent sign; NULL: "%s-%n-%t".
                             ///< "/" and ".." are refused.
  double rate_hz;
  unsigned bits;             ///< 16, 24 or 32 (float)
  GsRecFormat format;
  double ring_s;             ///< seconds each ring buffer holds (at least 10; 0: 10)
  double preroll_s;          ///< seconds before record is pressed a take keeps (0 to
                             ///< 60; negative: the default 2 s)
  uint32_t max_block;        ///< largest block gs_recorder_push() gets
  unsigned n_tracks;
  const GsRecTrack *tracks;
  const char *settings_json; ///< the take log's "settings" (a JSON object: every
                             ///< strip's settings), copied; NULL: {}
  const char *description;   ///< the BWF description (at most 256 bytes), copied
  double latency_samples;    ///< the measured round trip, for the take log (<0: unknown)
} GsRecorderConfig;

typedef struct GsRecorder GsRecorder;

/// Checks the configuration (the folder exists and can be written, the
/// pattern, the formats; err names the path or key and what would work),
/// allocates every ring and starts the disk thread. Main thread.
GsStatus gs_recorder_new(const GsRecorderConfig *config, GsRecorder **out, GsError *err);
/// Stops any take (as gs_recorder_stop) and the disk thread; NULL is a no-op.
void gs_recorder_free(GsRecorder *rec);

/// The audio thread's one call, every block whether recording or not (the
/// pre-roll keeps the last seconds): channels holds one buffer of n frames
/// per channel, in track order (a mono track takes one, a stereo track two).
/// When a ring is full the frames are counted as dropped and the disk thread
/// writes silence of the same length in their place, so the tracks stay
/// aligned. Real-time safe: no lock, allocation or system call.
void gs_recorder_push(GsRecorder *rec, const float *const *channels, uint32_t n) GS_REALTIME;

/// Tells the recorder of an xrun (its time in frames since the stream began),
/// for the take log. Real-time safe.
void gs_recorder_note_xrun(GsRecorder *rec, uint64_t frame) GS_REALTIME;

/// Starts a take at the next frame pushed, keeping the pre-roll before it.
/// Opens every file first (err names a file that cannot be made); the files
/// are named by the pattern with the next free take number, never an
/// existing one. Main thread.
GsStatus gs_recorder_start(GsRecorder *rec, GsError *err);

/// What a take held, when it ends.
typedef struct {
  unsigned take;            ///< its number
  uint64_t frames;          ///< frames per track, the pre-roll included
  uint64_t dropped_frames;  ///< replaced by silence (0 when nothing was lost)
  uint64_t xruns;
  bool disk_full;           ///< the take stopped because a write failed
  char message[512];        ///< why it stopped, if it was not asked to ("" otherwise)
  char log_path[4096];      ///< the take's JSON log
} GsTakeSummary;

/// Ends the take: the disk thread writes what the rings hold, closes every
/// file (headers final) and the take's log. Returns GS_ERR_IO when the take
/// had stopped by itself (a full disk), with summary saying why. Main thread.
GsStatus gs_recorder_stop(GsRecorder *rec, GsTakeSummary *summary, GsError *err);

/// Whether a take is running; false once it stopped by itself (a full disk):
/// then gs_recorder_stop() gives its summary. Any thread.
bool gs_recorder_recording(const GsRecorder *rec);

#endif  // GS_IO_RECORDER_H
