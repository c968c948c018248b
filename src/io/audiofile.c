// SPDX-License-Identifier: ISC
// Sound files into float samples: libsndfile reads, libsamplerate resamples.

#include "io/audiofile.h"

#include "error.h"

#include <errno.h>
#include <math.h>
#include <samplerate.h>
#include <sndfile.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

// Frames read per call.
#define CHUNK 4096

// Reads every frame of sf and keeps one channel. info->frames may be wrong or
// unknown (pipes, truncated files), so the buffer grows as frames arrive.
static GsStatus read_channel(SNDFILE *sf, const SF_INFO *info, unsigned channel,
                             const char *path, float **out, size_t *n_out, GsError *err)
{
  const size_t channels = (size_t)info->channels;
  float *chunk = malloc(sizeof(float) * CHUNK * channels);
  size_t cap = info->frames > 0 && info->frames < ((sf_count_t)1 << 40)
                 ? (size_t)info->frames
                 : (size_t)CHUNK;
  float *data = malloc(sizeof(float) * (cap ? cap : 1));
  if (!chunk || !data) {
    free(chunk);
    free(data);
    return gs_fail(err, GS_ERR_NOMEM, "%s: out of memory reading %lld frames", path,
                (long long)info->frames);
  }
  size_t n = 0;
  for (;;) {
    const sf_count_t got = sf_readf_float(sf, chunk, CHUNK);
    if (got <= 0) {
      break;
    }
    if (n + (size_t)got > cap) {
      const size_t new_cap = 2 * (n + (size_t)got);
      float *grown = realloc(data, sizeof(float) * new_cap);
      if (!grown) {
        free(chunk);
        free(data);
        return gs_fail(err, GS_ERR_NOMEM, "%s: out of memory after %zu frames", path, n);
      }
      data = grown;
      cap = new_cap;
    }
    for (sf_count_t i = 0; i < got; ++i) {
      data[n + (size_t)i] = chunk[(size_t)i * channels + channel];
    }
    n += (size_t)got;
  }
  free(chunk);
  if (sf_error(sf) != SF_ERR_NO_ERROR) {
    free(data);
    return gs_fail(err, GS_ERR_IO, "%s: read failed after %zu frames: %s", path, n,
                sf_strerror(sf));
  }
  if (n == 0) {
    free(data);
    return gs_fail(err, GS_ERR_FORMAT, "%s: the file holds no audio (0 frames)", path);
  }
  *out = data;
  *n_out = n;
  return GS_OK;
}

// Converts in[0..n) from the file's rate to rate_hz with libsamplerate's best
// sinc converter (E. de Castro Lopo, "libsamplerate": SRC_SINC_BEST_QUALITY,
// 97 dB SNR, 96% bandwidth), the whole file in one call.
static GsStatus resample(const char *path, const float *in, size_t n, double ratio,
                         float **out, size_t *n_out, GsError *err)
{
  if (!src_is_valid_ratio(ratio)) {
    return gs_fail(err, GS_ERR_RANGE, "%s: cannot resample by a ratio of %g", path, ratio);
  }
  const size_t cap = (size_t)ceil((double)n * ratio) + 16;
  float *data = malloc(sizeof(float) * cap);
  if (!data) {
    return gs_fail(err, GS_ERR_NOMEM, "%s: out of memory resampling %zu frames", path, n);
  }
  SRC_DATA d = {
    .data_in = in,
    .data_out = data,
    .input_frames = (long)n,
    .output_frames = (long)cap,
    .src_ratio = ratio,
  };
  const int e = src_simple(&d, SRC_SINC_BEST_QUALITY, 1);
  if (e) {
    free(data);
    return gs_fail(err, GS_ERR_IO, "%s: resampling failed: %s", path, src_strerror(e));
  }
  *out = data;
  *n_out = (size_t)d.output_frames_gen;
  return GS_OK;
}

GsStatus gs_audiofile_read(const char *path, unsigned channel, double rate_hz, GsAudioFile *out,
                           GsError *err)
{
  memset(out, 0, sizeof(*out));
  if (!(rate_hz >= 8000.0 && rate_hz <= 384000.0)) {
    return gs_fail(err, GS_ERR_RANGE, "%s: sample rate %g Hz is out of range (8000 to 384000 Hz)",
                path, rate_hz);
  }
  struct stat st_buf;
  if (stat(path, &st_buf) != 0) {
    return gs_fail(err, GS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
  }
  if (S_ISDIR(st_buf.st_mode)) {
    return gs_fail(err, GS_ERR_IO, "%s: is a folder, not a sound file", path);
  }
  SF_INFO info;
  memset(&info, 0, sizeof(info));
  SNDFILE *sf = sf_open(path, SFM_READ, &info);
  if (!sf) {
    // A file that exists but will not open is unreadable (permissions) or
    // not a sound file libsndfile knows.
    const int code = sf_error(NULL);
    if (code == SF_ERR_SYSTEM) {
      return gs_fail(err, GS_ERR_IO, "%s: cannot open: %s", path, sf_strerror(NULL));
    }
    return gs_fail(err, GS_ERR_FORMAT, "%s: not a sound file libsndfile can read (%s)", path,
                sf_strerror(NULL));
  }
  if (channel >= (unsigned)info.channels) {
    sf_close(sf);
    return gs_fail(err, GS_ERR_RANGE, "%s: no channel %u (the file has %d channel%s: 0 to %d)",
                path, channel, info.channels, info.channels == 1 ? "" : "s",
                info.channels - 1);
  }
  float *data = NULL;
  size_t n = 0;
  GsStatus st = read_channel(sf, &info, channel, path, &data, &n, err);
  sf_close(sf);
  if (st) {
    return st;
  }
  out->channels = (unsigned)info.channels;
  out->file_rate_hz = info.samplerate;
  out->rate_hz = rate_hz;
  if ((double)info.samplerate != rate_hz) {
    float *converted = NULL;
    size_t n_converted = 0;
    st = resample(path, data, n, rate_hz / info.samplerate, &converted, &n_converted, err);
    free(data);
    if (st) {
      memset(out, 0, sizeof(*out));
      return st;
    }
    data = converted;
    n = n_converted;
    out->resampled = true;
    snprintf(out->note, sizeof(out->note),
             "%s: resampled from %d Hz to %g Hz (libsamplerate, best sinc)", path,
             info.samplerate, rate_hz);
  }
  out->samples = data;
  out->n_frames = n;
  return GS_OK;
}

void gs_audiofile_free(GsAudioFile *f)
{
  free(f->samples);
  memset(f, 0, sizeof(*f));
}
