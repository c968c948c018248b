// SPDX-License-Identifier: ISC
// The recorder's state, shared by its main-thread calls (recorder.c), the
// audio thread's push (recorder.c) and the disk thread (recorder_disk.c).

#ifndef GS_IO_RECORDER_IMPL_H
#define GS_IO_RECORDER_IMPL_H

#include "io/rec_ring.h"
#include "io/recorder.h"
#include "io/take_files.h"

#include <pthread.h>
#include <stdatomic.h>

/// Frames the disk thread interleaves (stereo) or writes as silence at once.
#define GS_REC_SCRATCH_FRAMES 4096

/// Where the take is. Main moves NONE -> ARMED (files open) and DONE -> NONE;
/// the disk thread ARMED -> RUNNING -> DONE. Changed under lock, read
/// atomically.
typedef enum { TAKE_NONE, TAKE_ARMED, TAKE_RUNNING, TAKE_DONE } GsTakeState;

/// One take. Main fills it while NONE; the disk thread owns it from ARMED to
/// DONE; main reads it again at DONE.
typedef struct {
  unsigned number;
  GsTakeFile *files;          ///< n_tracks
  char log_path[GS_TAKE_PATH_MAX];
  double pressed_time_s;      ///< wall clock when record was pressed
  double first_frame_time_s;  ///< wall clock of the take's first frame
  uint64_t begin;             ///< ring frame of the first frame (the pre-roll's)
  uint64_t start;             ///< ring frame record was pressed at
  uint64_t frames;            ///< frames written per track, silence included
  uint64_t dropped;
  uint64_t xruns_at_begin;
  uint64_t xruns;
  bool started;               ///< the START event was passed
  bool disk_full;
  char message[512];
  double header_time_s;       ///< monotonic time of the last header update
} GsTake;

struct GsRecorder {
  GsRecorderConfig config;  ///< deep copy (strings and tracks owned)
  GsRecTrack *tracks;
  unsigned n_channels;
  uint64_t preroll_frames;
  GsRecRing ring;
  float *scratch;  ///< GS_REC_SCRATCH_FRAMES * 2, disk thread

  // Audio thread only.
  uint32_t seen_start, seen_stop;
  uint64_t gap_pos, gap_n;  ///< frames dropped at gap_pos, not yet posted

  // Main writes (release), the audio thread reads (acquire): requests counted.
  _Atomic uint32_t req_start, req_stop;
  // Audio thread writes, anyone reads.
  _Atomic uint64_t dropped_total, xruns_total, fill_max;
  // Disk thread writes, anyone reads (statistics).
  _Atomic uint64_t backlog_max, bytes_written;
  _Atomic double tick_max_s;

  _Atomic int state;      ///< GsTakeState
  _Atomic bool recording; ///< main sets at start, clears at stop; disk clears on failure
  _Atomic bool hold;      ///< tests: the disk thread pauses
  _Atomic bool force;     ///< main: end the take at the head (no audio is coming)
  _Atomic bool quit;

  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t wake;  ///< main -> disk: look now
  pthread_cond_t done;  ///< disk -> main: the take is DONE
  GsTake take;
  unsigned last_take;
};

/// The disk thread's body.
void *gs_recorder_disk_main(void *arg);

#endif  // GS_IO_RECORDER_IMPL_H
