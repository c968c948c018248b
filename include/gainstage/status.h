// SPDX-License-Identifier: ISC
// Status codes returned by every libgainstage call that can fail, and the one-line error.

#ifndef GS_STATUS_H
#define GS_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

/// What a call that can fail returns; GS_OK is zero.
typedef enum {
  GS_OK = 0,       ///< Success
  GS_ERR_NOMEM,    ///< An allocation failed
  GS_ERR_RANGE,    ///< A value is outside its valid range
  GS_ERR_UNKNOWN,  ///< A name (model, option, format) is not known
  GS_ERR_IO,       ///< A file could not be opened, read or written
  GS_ERR_FORMAT,   ///< A file is corrupt or in an unsupported format
  GS_ERR_USAGE,    ///< Arguments do not fit together
} GsStatus;

/// The number of status codes, for tests that walk them all.
#define GS_N_STATUS 7

/// A one-line, user-readable description of a failure. The message names the
/// thing (file, option, key) and what would be valid.
typedef struct {
  char message[512];
} GsError;

/// A short description of a status code; never NULL. Main thread or real time.
const char *gs_strerror(GsStatus status);

#ifdef __cplusplus
}
#endif

#endif  // GS_STATUS_H
