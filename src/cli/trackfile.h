// SPDX-License-Identifier: ISC
// Writing audio to a file at a word length: dither, exact integer samples,
// and a file that appears only when it is complete.

#ifndef GS_CLI_TRACKFILE_H
#define GS_CLI_TRACKFILE_H

#include "cli/soundfile.h"
#include "dsp/quantise.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
  GsOutFile out;
  unsigned channels;
  unsigned bits;        ///< 16 or 24, or 0 for 32-bit float
  uint32_t max_frames;  ///< per write
  GsQuantiser *quant;   ///< one per channel
  float *column;        ///< one channel of a block
  float *frames;        ///< the block, quantised
  int *ints;            ///< the block as integers
} GsTrackFile;

/// Opens path (written under a temporary name) as major (SF_FORMAT_WAV,
/// _FLAC, ...) with bits 16, 24 or 32 (float). TPDF dither when dither is
/// set and bits is 16 or 24. Writes take at most max_frames frames.
GsStatus gs_trackfile_open(GsTrackFile *t, const char *path, int major, unsigned channels,
                           int rate_hz, unsigned bits, bool dither, uint64_t seed,
                           uint32_t max_frames, GsError *err);
/// Writes interleaved frames (full scale 1.0). At 16 and 24 bits a sample
/// beyond full scale is clamped, as a converter's word saturates; a 32-bit
/// float file keeps it (a band-limited clip overshoots a little, as a
/// decimation filter does). NaN and infinities are written as 0.
GsStatus gs_trackfile_write(GsTrackFile *t, const float *frames, uint32_t n, GsError *err);
/// Finishes the file and moves it into place.
GsStatus gs_trackfile_commit(GsTrackFile *t, GsError *err);
/// Deletes what was written; the destination is untouched.
void gs_trackfile_abort(GsTrackFile *t);

#endif  // GS_CLI_TRACKFILE_H
