// SPDX-License-Identifier: ISC
// Spectral analysis for tests and measurement: tone amplitude, harmonic
// distortion and aliasing of a coherently sampled sine; band-limited and
// A-weighted noise.
//
// Main thread only: it allocates and plans FFTs (FFTW). It is the one part of
// src/dsp that uses a library beyond libm, because a packaged FFT beats one
// written by hand.

#ifndef GS_DSP_ANALYSIS_H
#define GS_DSP_ANALYSIS_H

#include "gainstage/status.h"

#include <stdbool.h>
#include <stddef.h>

#define GS_ANALYSIS_MAX_HARMONICS 16

/// What gs_analysis_sine() finds in a block holding a whole number of cycles
/// of a sine (bin k of an n-point FFT, no window: coherent sampling puts every
/// harmonic and every alias exactly on a bin).
typedef struct {
  double fundamental;  ///< peak amplitude of the fundamental
  double phase;        ///< phase of the fundamental (radians, cosine reference, at x[0])
  double harmonic[GS_ANALYSIS_MAX_HARMONICS + 1];  ///< peak amplitude of harmonic h (h >= 2, below Nyquist)
  unsigned n_harmonics;  ///< highest h below Nyquist that was measured
  double thd;          ///< sqrt(sum of harmonic powers) / fundamental, band-limited
  double thd_n;        ///< everything but DC and the fundamental in the band / fundamental
  double aliasing;     ///< power ratio (not dB) of non-harmonic energy in the band to the fundamental
  double dc;
} GsSineAnalysis;

/// Analyses x[0..n) (n even) for a sine on FFT bin k, counting harmonics,
/// noise and aliases between lo_hz and hi_hz. k must be co-prime with n for the
/// aliasing figure to mean something: aliases then never land on a harmonic.
GsStatus gs_analysis_sine(const float *x, size_t n, size_t k, double rate_hz, double lo_hz,
                          double hi_hz, GsSineAnalysis *result);

/// Peak amplitude and phase (radians, cosine reference) of bin k.
GsStatus gs_analysis_bin(const float *x, size_t n, size_t k, double *amplitude, double *phase);

/// The bin nearest freq_hz that is odd (so co-prime with a power-of-two n).
size_t gs_analysis_coprime_bin(size_t n, double rate_hz, double freq_hz);

/// The RMS of x[0..n) counting only the FFT bins between lo_hz and hi_hz
/// (Parseval's theorem: the sum of bin powers is the mean square), each
/// weighted by the A curve of IEC 61672-1 when a_weighted. No window: for
/// broadband noise, where leakage between bins changes nothing. The usual
/// bands are 22 Hz to 22 kHz (AES17's standard low-pass band) and
/// the same with A-weighting (AES17's weighted noise). GS_ERR_RANGE, GS_ERR_NOMEM.
GsStatus gs_analysis_noise(const float *x, size_t n, double rate_hz, double lo_hz, double hi_hz,
                           bool a_weighted, double *rms);

/// A power ratio in dB.
double gs_power_ratio_db(double ratio);

#endif  // GS_DSP_ANALYSIS_H
