// SPDX-License-Identifier: ISC
// A session's inputs as sources, for render and run: a sound file, a part of
// the demo band, a generator, or live input with the session's calibration;
// and names for files and ports made from strip and mix names.

#ifndef GS_CLI_SESSION_SOURCES_H
#define GS_CLI_SESSION_SOURCES_H

#include "cli/band_source.h"
#include "gainstage/session.h"
#include "gainstage/source.h"
#include "gainstage/status.h"

#include <stdbool.h>
#include <stddef.h>

/// Builds strip i's source at rate_hz: what the session says it plays, or,
/// when live, a source of the same kind that takes live input (a full-scale
/// sine stands for the session's fullscale_level). Phantom power follows the
/// strip. note gets what reading a file changed ("" otherwise); length_s the
/// file's or band part's length (0 for a generator or live input). err names
/// the session, the strip and the setting. Main thread.
GsStatus gs_cli_session_source(const GsSession *s, unsigned i, double rate_hz, bool live,
                               GsBandSource *band, GsSource **out, char *note, size_t note_size,
                               double *length_s, GsError *err);

/// A file or port name from a strip or mix name: letters, digits, '-' and
/// '_' kept, anything else (a '/' among them) becomes '-'.
void gs_cli_safe_name(const char *name, char *out, size_t size);

#endif  // GS_CLI_SESSION_SOURCES_H
