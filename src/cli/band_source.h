// SPDX-License-Identifier: ISC
// The built-in demo band as sources: a session's "band: vocal" input plays
// that part of the synthetic band (src/model/band.h), rendered once.

#ifndef GS_CLI_BAND_SOURCE_H
#define GS_CLI_BAND_SOURCE_H

#include "gainstage/source.h"
#include "gainstage/status.h"

typedef struct GsBand GsBand;

typedef struct {
  GsBand *band;  ///< rendered on the first request
} GsBandSource;

/// Points sc's samples and calibration at part ("kick", "vocal", ...) of the
/// band rendered at rate_hz (the whole song), and checks the part suits the
/// source's kind (a mic part on a mic input). The samples stay valid until
/// gs_band_source_free(). err lists the parts for an unknown one.
GsStatus gs_band_source_part(GsBandSource *b, double rate_hz, const char *part,
                             GsSourceConfig *sc, GsError *err);
void gs_band_source_free(GsBandSource *b);

#endif  // GS_CLI_BAND_SOURCE_H
