// SPDX-License-Identifier: ISC
// A take's JSON log, written beside its files: the session's settings, when
// the take began (ISO 8601 and BWF time reference), the format, the files,
// and what went wrong (xruns, dropped frames, a full disk).

#ifndef GS_IO_TAKE_LOG_H
#define GS_IO_TAKE_LOG_H

#include "io/recorder.h"
#include "io/take_files.h"

#include <stdint.h>

typedef struct {
  unsigned take;
  double first_frame_time_s;  ///< wall clock (s since the epoch) of the first frame
  uint64_t time_reference;    ///< samples since the midnight before it
  uint64_t frames;
  uint64_t preroll_frames;
  uint64_t dropped_frames;
  uint64_t xruns;
  bool finished;              ///< false while the take runs
  const char *stopped;        ///< why it stopped by itself, or NULL
} GsTakeLogInfo;

/// Writes (or replaces, through a temporary file and a rename) the log at
/// path. Main or disk thread.
GsStatus gs_take_log_write(const char *path, const GsRecorderConfig *c, const GsTakeFile *files,
                           const GsTakeLogInfo *info, GsError *err);

#endif  // GS_IO_TAKE_LOG_H
