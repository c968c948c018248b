// SPDX-License-Identifier: ISC
// Frequency weighting curves used to specify and measure noise.

#ifndef GS_DSP_WEIGHTING_H
#define GS_DSP_WEIGHTING_H

/// The A-weighting magnitude (linear, 1.0 at 1 kHz) at freq_hz, from the
/// analog pole frequencies of IEC 61672-1:2013 (20.6, 107.7, 737.9, 12194 Hz).
double gs_a_weighting(double freq_hz);

/// The integral of |A(f)|^2 df from lo_hz to hi_hz in Hz: the A-weighted power
/// of white noise of unit density (1 V^2/Hz) in that band. Main thread.
double gs_a_weighting_power(double lo_hz, double hi_hz);

#endif  // GS_DSP_WEIGHTING_H
