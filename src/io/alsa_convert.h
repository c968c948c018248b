// SPDX-License-Identifier: ISC
// Samples between the engine's float channels and an ALSA period buffer:
// float, S32, S24_3LE or S16, interleaved or one plane per channel.

#ifndef GS_IO_ALSA_CONVERT_H
#define GS_IO_ALSA_CONVERT_H

#include "gainstage/realtime.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum {
  GS_SAMPLE_FLOAT,    ///< native-endian 32-bit float, 1.0 full scale
  GS_SAMPLE_S32,      ///< native-endian signed 32 bits
  GS_SAMPLE_S24_3LE,  ///< signed 24 bits in three bytes, little-endian
  GS_SAMPLE_S16,      ///< native-endian signed 16 bits
} GsSampleFormat;

/// Where the samples of one period are: channel c, frame i is at
/// raw + c * channel_step + i * frame_step bytes.
typedef struct {
  GsSampleFormat format;
  unsigned channels;
  bool interleaved;   ///< else one plane of `period` frames per channel
  uint32_t period;    ///< frames in the buffer
} GsSampleLayout;

/// Bytes of one sample.
unsigned gs_sample_bytes(GsSampleFormat format) GS_REALTIME;

/// Frames [0, n) of every channel of raw into floats[c * layout->period + i].
void gs_samples_to_float(const GsSampleLayout *layout, const void *raw, float *floats,
                         uint32_t n) GS_REALTIME;

/// The other way: clipped to full scale and rounded to the nearest step.
void gs_samples_from_float(const GsSampleLayout *layout, const float *floats, void *raw,
                           uint32_t n) GS_REALTIME;

#endif  // GS_IO_ALSA_CONVERT_H
