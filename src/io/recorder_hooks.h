// SPDX-License-Identifier: ISC
// What tests and benchmarks see of the recorder beyond its API: pausing the
// disk thread, and its statistics.

#ifndef GS_IO_RECORDER_HOOKS_H
#define GS_IO_RECORDER_HOOKS_H

#include "io/recorder.h"

typedef struct {
  uint64_t capacity_frames;  ///< each ring's size
  uint64_t fill_max_frames;  ///< the most frames the rings held at a push
  uint64_t backlog_max_frames;  ///< the most frames the disk thread found waiting
  uint64_t dropped_frames;   ///< since the recorder was made
  uint64_t bytes_written;
  double tick_max_s;         ///< the disk thread's longest pass
} GsRecorderStats;

/// Pauses (true) or resumes the disk thread, to make a ring overflow. Any thread.
void gs_recorder_hold_disk(GsRecorder *rec, bool hold);
void gs_recorder_stats(const GsRecorder *rec, GsRecorderStats *stats);

#endif  // GS_IO_RECORDER_HOOKS_H
