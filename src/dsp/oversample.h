// SPDX-License-Identifier: ISC
// 2x, 4x and 8x oversampling with cascaded polyphase IIR allpass halfbands.

#ifndef GS_DSP_OVERSAMPLE_H
#define GS_DSP_OVERSAMPLE_H

#include "gainstage/realtime.h"
#include "gainstage/status.h"

#include <stdint.h>

/// Base-rate frames processed per internal chunk (longer calls are chunked).
#define GS_OVERSAMPLE_CHUNK 256
/// Most allpass coefficients one halfband stage may have.
#define GS_HALFBAND_MAX_COEFS 16

/// One 2:1 halfband stage: two parallel chains of first-order allpasses in
/// the polyphase form (de Soras, "HIIR"; Regalia/Mitra/Vaidyanathan).
typedef struct {
  unsigned n_coefs;
  double coef[GS_HALFBAND_MAX_COEFS];
  float state_up[GS_HALFBAND_MAX_COEFS + 2];
  float state_down[GS_HALFBAND_MAX_COEFS + 2];
} GsHalfband;

/// Owned by the processing thread.
typedef struct {
  unsigned factor;    ///< 1, 2, 4 or 8
  unsigned n_stages;  ///< log2(factor)
  GsHalfband stage[3];
  float scratch[2][GS_OVERSAMPLE_CHUNK * 8];
} GsOversampler;

/// factor is 1, 2, 4 or 8; anything else is GS_ERR_RANGE. rate_hz is the base
/// rate; each stage is designed to pass 0-20 kHz (or 0.4167 of the base rate,
/// whichever is lower) and to reject by at least 120 dB whatever would fold
/// back into that band. Main thread.
GsStatus gs_oversampler_init(GsOversampler *os, unsigned factor, double rate_hz);
void gs_oversampler_reset(GsOversampler *os) GS_REALTIME;

/// n base-rate samples in, n * factor out. Real-time safe.
void gs_oversampler_up(GsOversampler *os, const float *in, float *out, uint32_t n) GS_REALTIME;
/// n * factor samples in, n base-rate samples out. Real-time safe.
void gs_oversampler_down(GsOversampler *os, const float *in, float *out, uint32_t n) GS_REALTIME;

/// Round-trip (up then down) group delay at low frequencies, in base-rate
/// samples (0 for factor 1).
double gs_oversampler_latency(const GsOversampler *os);

#endif  // GS_DSP_OVERSAMPLE_H
