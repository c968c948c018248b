// SPDX-License-Identifier: ISC
// Frequency response from an impulse response: the window that keeps the
// linear part, and magnitude, phase and group delay at any frequency.
//
// Main thread only (pure computation, no allocation).

#ifndef GS_DSP_RESPONSE_H
#define GS_DSP_RESPONSE_H

#include "gainstage/status.h"

#include <stddef.h>

/// The part of an impulse response kept for analysis: ir[start + i] for
/// i < n, weighted by a half-Hann rise over the first fade_in samples and a
/// half-Hann fall over the last fade_out (indices wrap around n_ir, so a
/// window may begin at a negative time).
typedef struct {
  long start;       ///< time of the window's first sample, in samples (may be negative)
  size_t n;         ///< window length
  size_t fade_in;   ///< samples of rise at the start
  size_t fade_out;  ///< samples of fall at the end
  long peak;        ///< time of the response's largest sample
} GsResponseWindow;

/// Finds the peak of ir[0..n_ir) (times past n_ir / 2 count as negative) and
/// places a window from pre samples before it to post samples after it, with
/// a rise over pre samples and a fall over the last post / 8. pre must stay
/// clear of the harmonic responses a sweep leaves before the linear one.
GsStatus gs_response_window(const double *ir, size_t n_ir, size_t pre, size_t post,
                            GsResponseWindow *w);

/// The response at one frequency.
typedef struct {
  double freq_hz;
  double magnitude_db;    ///< 20 log10 |H|
  double phase_deg;       ///< arg H with delay_samples of pure delay taken out, in (-180, 180]
  double group_delay;     ///< -d(arg H)/d(omega), in samples (includes any pure delay)
} GsResponsePoint;

/// Evaluates the windowed response at freq_hz by a direct Fourier sum
/// H(f) = sum w[i] h[start + i] e^(-j omega (start + i)) and its derivative
/// (the group delay is Re(sum t h e^(-j omega t) / H), exact rather than a
/// difference of phases). delay_samples is taken out of the phase. Cost: one
/// pass over the window per frequency.
void gs_response_at(const double *ir, size_t n_ir, const GsResponseWindow *w, double rate_hz,
                    double freq_hz, double delay_samples, GsResponsePoint *out);

/// Fills freq[0..n) with frequencies spaced evenly on a log scale from lo_hz
/// to hi_hz inclusive (n >= 2).
void gs_log_frequencies(double lo_hz, double hi_hz, size_t n, double *freq);

#endif  // GS_DSP_RESPONSE_H
