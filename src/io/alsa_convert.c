// SPDX-License-Identifier: ISC
// Samples between float channels and ALSA period buffers.

#include "io/alsa_convert.h"

#include <stddef.h>

// Full scale of each integer format: 2^31, 2^23, 2^15.
#define S32_SCALE 2147483648.0
#define S24_SCALE 8388608.0
#define S16_SCALE 32768.0

unsigned gs_sample_bytes(GsSampleFormat format)
{
  switch (format) {
  case GS_SAMPLE_FLOAT: return 4;
  case GS_SAMPLE_S32: return 4;
  case GS_SAMPLE_S24_3LE: return 3;
  case GS_SAMPLE_S16: return 2;
  }
  return 4;
}

// Byte offsets of channel c and the step from one frame to the next.
static size_t channel_offset(const GsSampleLayout *l, unsigned c) GS_REALTIME;
static size_t channel_offset(const GsSampleLayout *l, unsigned c)
{
  const size_t bytes = gs_sample_bytes(l->format);
  return l->interleaved ? c * bytes : (size_t)c * l->period * bytes;
}

static size_t frame_step(const GsSampleLayout *l) GS_REALTIME;
static size_t frame_step(const GsSampleLayout *l)
{
  const size_t bytes = gs_sample_bytes(l->format);
  return l->interleaved ? l->channels * bytes : bytes;
}

// x * scale, clipped to [-scale, scale - 1] and rounded half away from zero.
static int64_t quantise(float x, double scale) GS_REALTIME;
static int64_t quantise(float x, double scale)
{
  double y = (double)x * scale;
  if (!(y > -scale)) {  // also a NaN, which becomes the lowest step
    y = -scale;
  }
  if (y > scale - 1.0) {
    y = scale - 1.0;
  }
  return (int64_t)(y >= 0 ? y + 0.5 : y - 0.5);
}

void gs_samples_to_float(const GsSampleLayout *l, const void *raw, float *floats, uint32_t n)
{
  const size_t step = frame_step(l);
  for (unsigned c = 0; c < l->channels; ++c) {
    const unsigned char *p = (const unsigned char *)raw + channel_offset(l, c);
    float *dst = floats + (size_t)c * l->period;
    switch (l->format) {
    case GS_SAMPLE_FLOAT:
      for (uint32_t i = 0; i < n; ++i) {
        dst[i] = *(const float *)(const void *)(p + i * step);
      }
      break;
    case GS_SAMPLE_S32:
      for (uint32_t i = 0; i < n; ++i) {
        dst[i] = (float)(*(const int32_t *)(const void *)(p + i * step) / S32_SCALE);
      }
      break;
    case GS_SAMPLE_S24_3LE:
      for (uint32_t i = 0; i < n; ++i) {
        const unsigned char *s = p + i * step;
        // Into the top three bytes of a 32-bit word, so the sign extends.
        const uint32_t u = (uint32_t)s[0] << 8 | (uint32_t)s[1] << 16 | (uint32_t)s[2] << 24;
        dst[i] = (float)((double)(int32_t)u / S32_SCALE);
      }
      break;
    case GS_SAMPLE_S16:
      for (uint32_t i = 0; i < n; ++i) {
        dst[i] = (float)(*(const int16_t *)(const void *)(p + i * step) / S16_SCALE);
      }
      break;
    }
  }
}

void gs_samples_from_float(const GsSampleLayout *l, const float *floats, void *raw, uint32_t n)
{
  const size_t step = frame_step(l);
  for (unsigned c = 0; c < l->channels; ++c) {
    unsigned char *p = (unsigned char *)raw + channel_offset(l, c);
    const float *src = floats + (size_t)c * l->period;
    switch (l->format) {
    case GS_SAMPLE_FLOAT:
      for (uint32_t i = 0; i < n; ++i) {
        *(float *)(void *)(p + i * step) = src[i];
      }
      break;
    case GS_SAMPLE_S32:
      for (uint32_t i = 0; i < n; ++i) {
        *(int32_t *)(void *)(p + i * step) = (int32_t)quantise(src[i], S32_SCALE);
      }
      break;
    case GS_SAMPLE_S24_3LE:
      for (uint32_t i = 0; i < n; ++i) {
        const uint32_t u = (uint32_t)(int32_t)quantise(src[i], S24_SCALE);
        unsigned char *d = p + i * step;
        d[0] = (unsigned char)(u & 0xff);
        d[1] = (unsigned char)(u >> 8 & 0xff);
        d[2] = (unsigned char)(u >> 16 & 0xff);
      }
      break;
    case GS_SAMPLE_S16:
      for (uint32_t i = 0; i < n; ++i) {
        *(int16_t *)(void *)(p + i * step) = (int16_t)quantise(src[i], S16_SCALE);
      }
      break;
    }
  }
}
