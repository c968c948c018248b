// SPDX-License-Identifier: ISC
// A take's files: names from the pattern, the next free take number, opening
// every file exclusively (never over an existing take), the BWF chunk,
// writing, header updates and closing.

#ifndef GS_IO_TAKE_FILES_H
#define GS_IO_TAKE_FILES_H

#include "io/recorder.h"

#include <sndfile.h>
#include <stdint.h>

#define GS_TAKE_PATH_MAX 4096

typedef struct {
  SNDFILE *file;
  char path[GS_TAKE_PATH_MAX];
  unsigned channels;
  unsigned first_channel;  ///< the track's first channel in the ring
} GsTakeFile;

/// Checks a name pattern: %s, %t, %n, %% only, no "/" or "..", and both %t
/// and %n so every track and take gets its own file. Main thread.
GsStatus gs_take_check_pattern(const char *pattern, GsError *err);
/// Replaces every character but letters, digits, "-", "_", "+" and "." by "_"
/// (a leading "." too, so no name is "." or ".."). Main thread.
void gs_take_sanitize(const char *name, char *out, size_t size);
/// The file name (no folder, no extension) for one track of take n.
GsStatus gs_take_name(const char *pattern, const char *session, const char *track, unsigned n,
                      char *out, size_t size, GsError *err);
/// ".wav", ".w64" or ".flac".
const char *gs_take_extension(GsRecFormat format);
/// The libsndfile format for the container and bits; the bits were checked.
int gs_take_sf_format(GsRecFormat format, unsigned bits);

/// Creates every track's file of take n (O_EXCL) in the folder; on failure
/// removes the ones already made. GS_ERR_USAGE with no message when a file of
/// take n exists already (the caller tries n + 1). Main thread.
GsStatus gs_take_open(const GsRecorderConfig *c, unsigned n, GsTakeFile *files, GsError *err);
/// Closes every file (headers final); remove: deletes them too.
void gs_take_close(GsTakeFile *files, unsigned n_files, bool remove);
/// Samples since the midnight (local time) before time_s (s since the epoch).
uint64_t gs_take_time_reference(double time_s, double rate_hz);
/// Sets the BWF chunk of a WAV file before its first frame: origination from
/// the wall-clock time of the first frame (local time, as BWF has it).
void gs_take_set_bext(GsTakeFile *f, const char *description, double first_frame_time_s,
                      double rate_hz);

#endif  // GS_IO_TAKE_FILES_H
