// SPDX-License-Identifier: ISC
// Sound files into float samples for file-backed sources: any format
// libsndfile reads, one channel, resampled to the session's rate.

#ifndef GS_IO_AUDIOFILE_H
#define GS_IO_AUDIOFILE_H

#include "gainstage/status.h"

#include <stdbool.h>
#include <stddef.h>

/// One channel of a file, whole, at the session's rate. The samples are the
/// file's own values (integer formats scaled so full scale is 1.0), so a
/// source's calibration (what 0 dBFS means) applies to them unchanged.
typedef struct {
  float *samples;       ///< n_frames samples at rate_hz
  size_t n_frames;
  double rate_hz;       ///< the rate asked for: the samples' rate after any resampling
  double file_rate_hz;  ///< the file's own rate
  unsigned channels;    ///< channels in the file
  bool resampled;       ///< the file's rate differed and the samples were converted
  char note[320];       ///< one line saying what was done to the file ("" if nothing)
} GsAudioFile;

/// Reads channel (0 for the first) of the file at path. If the file's rate is
/// not rate_hz, converts it with libsamplerate's best sinc converter
/// (SRC_SINC_BEST_QUALITY) and says so in out->note. On failure out is empty
/// and err names the file: GS_ERR_IO when it cannot be opened or read,
/// GS_ERR_FORMAT when it is not a sound file libsndfile knows or holds no
/// audio, GS_ERR_RANGE for a channel it does not have or a rate outside 8000
/// to 384000 Hz, GS_ERR_NOMEM. Main thread.
GsStatus gs_audiofile_read(const char *path, unsigned channel, double rate_hz, GsAudioFile *out,
                           GsError *err);

/// Frees the samples and empties f; an empty f is a no-op. Main thread.
void gs_audiofile_free(GsAudioFile *f);

#endif  // GS_IO_AUDIOFILE_H
