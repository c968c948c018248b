// SPDX-License-Identifier: ISC
// Audio files at a word length, written whole or not at all.

#include "cli/trackfile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void release(GsTrackFile *t)
{
  free(t->quant);
  free(t->column);
  free(t->frames);
  free(t->ints);
  t->quant = NULL;
  t->column = t->frames = NULL;
  t->ints = NULL;
}

GsStatus gs_trackfile_open(GsTrackFile *t, const char *path, int major, unsigned channels,
                           int rate_hz, unsigned bits, bool dither, uint64_t seed,
                           uint32_t max_frames, GsError *err)
{
  *t = (GsTrackFile){.channels = channels, .bits = bits == 32 ? 0 : bits,
                     .max_frames = max_frames};
  t->quant = calloc(channels, sizeof(*t->quant));
  t->column = malloc(sizeof(float) * max_frames);
  t->frames = malloc(sizeof(float) * max_frames * channels);
  t->ints = malloc(sizeof(int) * max_frames * channels);
  if (!t->quant || !t->column || !t->frames || !t->ints) {
    release(t);
    snprintf(err->message, sizeof(err->message), "%s: out of memory", path);
    return GS_ERR_NOMEM;
  }
  for (unsigned c = 0; c < channels; ++c) {
    gs_quantiser_init(&t->quant[c], t->bits, dither ? GS_DITHER_TPDF : GS_DITHER_NONE,
                      seed * 7919u + c);
  }
  const int subtype = bits == 16 ? SF_FORMAT_PCM_16 : bits == 24 ? SF_FORMAT_PCM_24
                                                                 : SF_FORMAT_FLOAT;
  SF_INFO info = {.samplerate = rate_hz, .channels = (int)channels, .format = major | subtype};
  if (!sf_format_check(&info)) {
    release(t);
    snprintf(err->message, sizeof(err->message),
             "%s: this format cannot hold %u channels of %s at %d Hz", path, channels,
             bits == 32 ? "32-bit float" : bits == 16 ? "16 bits" : "24 bits", rate_hz);
    return GS_ERR_FORMAT;
  }
  const GsStatus st = gs_outfile_open(&t->out, path, &info, err);
  if (st) {
    release(t);
  }
  return st;
}

GsStatus gs_trackfile_write(GsTrackFile *t, const float *frames, uint32_t n, GsError *err)
{
  const unsigned ch = t->channels;
  if (n > t->max_frames) {
    snprintf(err->message, sizeof(err->message), "%s: a write of %u frames (at most %u)",
             t->out.path, n, t->max_frames);
    return GS_ERR_USAGE;
  }
  for (unsigned c = 0; c < ch; ++c) {
    for (uint32_t i = 0; i < n; ++i) {
      // A fixed-point word saturates at full scale; a float sample keeps a
      // converter's overshoot (docs/converters.md). NaN and infinities: 0.
      const float x = frames[(size_t)i * ch + c];
      const float finite = isfinite(x) ? x : 0.0f;
      t->column[i] = !t->bits ? finite : (finite > 1.0f ? 1.0f : (finite < -1.0f ? -1.0f : finite));
    }
    gs_quantiser_process(&t->quant[c], t->column, t->column, n);
    for (uint32_t i = 0; i < n; ++i) {
      t->frames[(size_t)i * ch + c] = t->column[i];
    }
  }
  sf_count_t written;
  if (!t->bits) {
    written = sf_writef_float(t->out.sf, t->frames, n);
  } else {
    // The quantiser left every sample on the grid k / 2^(bits-1); the
    // integers themselves are written so no float-to-int scaling moves them.
    const double scale = ldexp(1.0, 31);
    for (size_t i = 0; i < (size_t)n * ch; ++i) {
      const double v = t->frames[i] * scale;
      t->ints[i] = v >= 2147483647.0 ? 2147483647 : (int)v;
    }
    written = sf_writef_int(t->out.sf, t->ints, n);
  }
  if (written != n) {
    snprintf(err->message, sizeof(err->message), "%s: writing failed: %s", t->out.path,
             sf_strerror(t->out.sf));
    return GS_ERR_IO;
  }
  return GS_OK;
}

GsStatus gs_trackfile_commit(GsTrackFile *t, GsError *err)
{
  const GsStatus st = gs_outfile_commit(&t->out, err);
  release(t);
  return st;
}

void gs_trackfile_abort(GsTrackFile *t)
{
  gs_outfile_abort(&t->out);
  release(t);
}
