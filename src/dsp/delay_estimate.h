// SPDX-License-Identifier: ISC
// Round-trip latency measurement: a noise burst goes out, comes back
// through a loopback, and the cross-correlation's peak says how late.

#ifndef GS_DSP_DELAY_ESTIMATE_H
#define GS_DSP_DELAY_ESTIMATE_H

#include "gainstage/status.h"

#include <stddef.h>
#include <stdint.h>

/// Fills out[n] with the measurement signal: Gaussian white noise of the
/// given RMS (full scale 1.0) from seed, faded in and out over 64 samples
/// so it starts and ends without a click. Its autocorrelation is one narrow
/// peak, so a delay shows as one peak whatever the path's phase. Main thread.
void gs_delay_probe(float *out, size_t n, float rms, uint64_t seed);

/// What came back.
typedef struct {
  double samples;        ///< the delay, refined between samples (to 0.001)
  long whole;            ///< the delay in whole samples (the correlation's peak)
  double gain_db;        ///< level of the return relative to what was sent
  double confidence_db;  ///< the peak over the largest correlation elsewhere: above
                         ///< 10 dB the delay is unambiguous
  int inverted;          ///< 1 when the return's polarity is inverted
} GsDelayEstimate;

/// Finds where sent[0..n_sent) lies in received[0..n_received), at a delay
/// of 0 to n_received - n_sent samples, by FFT cross-correlation (FFTW).
/// GS_ERR_RANGE when the lengths leave no delay to search or when nothing
/// correlates (a silent return: confidence below 6 dB); GS_ERR_NOMEM. Main thread.
GsStatus gs_delay_estimate(const float *sent, size_t n_sent, const float *received,
                           size_t n_received, GsDelayEstimate *out);

#endif  // GS_DSP_DELAY_ESTIMATE_H
