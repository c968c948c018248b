// SPDX-License-Identifier: ISC
// Filling a GsError: the one way the library words a failure.

#ifndef GS_ERROR_H
#define GS_ERROR_H

#include "gainstage/status.h"

/// Formats one line into err (when err is not NULL) and returns status, so a
/// failure reads: return gs_fail(err, GS_ERR_RANGE, "gain %g dB is ...", g);
GsStatus gs_fail(GsError *err, GsStatus status, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

#endif  // GS_ERROR_H
