// SPDX-License-Identifier: ISC
// Sound files for the command line: formats by name or extension, and output
// that appears under its name only once it is complete.

#ifndef GS_CLI_SOUNDFILE_H
#define GS_CLI_SOUNDFILE_H

#include "gainstage/status.h"

#include <sndfile.h>
#include <stdbool.h>

/// The libsndfile major format for a name ("wav", "flac", ...) or, when name
/// is NULL, for the extension of path. 0 when unknown; err then lists the
/// valid names.
int gs_cli_format(const char *name, const char *path, GsError *err);

/// The subtype for --bits ("16", "24", "32f") in a major format, or 0 with
/// err set when the format cannot hold it.
int gs_cli_subtype(int major, const char *bits, GsError *err);

/// True when a and b name the same existing file (or the same path).
bool gs_cli_same_file(const char *a, const char *b);

/// An output file written under a temporary name in the destination folder
/// and renamed over the destination by gs_outfile_commit().
typedef struct {
  SNDFILE *sf;
  char *path;      ///< destination
  char *tmp_path;  ///< where it is being written
} GsOutFile;

GsStatus gs_outfile_open(GsOutFile *f, const char *path, SF_INFO *info, GsError *err);
/// Closes and renames into place.
GsStatus gs_outfile_commit(GsOutFile *f, GsError *err);
/// Closes and deletes the temporary file; the destination is untouched.
void gs_outfile_abort(GsOutFile *f);

#endif  // GS_CLI_SOUNDFILE_H
