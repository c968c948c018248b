// SPDX-License-Identifier: ISC
// Exponential sine sweep and its deconvolution into an impulse response
// (Farina's method), for measuring a device's frequency response.
//
// Main thread only: it allocates and plans FFTs (FFTW).

#ifndef GS_DSP_SWEEP_H
#define GS_DSP_SWEEP_H

#include "gainstage/status.h"

#include <stddef.h>

/// One sweep's design. The signal is n_sweep samples of an exponential sweep
/// from start_hz to end_hz followed by n_tail samples of silence, during which
/// the device's delay and ringing come out.
typedef struct {
  double rate_hz;
  double start_hz, end_hz;
  size_t n_sweep;  ///< samples of sweep
  size_t n_tail;   ///< samples of silence after it
  size_t n_fft;    ///< transform length: a power of two at least 2 (n_sweep + n_tail)
} GsSweep;

/// Designs a sweep of duration_s from start_hz to end_hz followed by tail_s
/// of silence. GS_ERR_RANGE unless 0 < start_hz < end_hz <= rate_hz / 2,
/// duration_s >= 0.1 and tail_s >= 0.01.
GsStatus gs_sweep_design(GsSweep *s, double rate_hz, double start_hz, double end_hz,
                         double duration_s, double tail_s);

/// Samples of the whole signal: n_sweep + n_tail.
size_t gs_sweep_length(const GsSweep *s);

/// Writes the signal (gs_sweep_length() samples) with the given peak:
/// x(t) = sin(2 pi f1 T / L (e^(t L / T) - 1)), L = ln(f2 / f1) (Farina 2000,
/// eq. 2), faded in over one cycle of start_hz and out over 2 ms so it starts
/// and ends without a click.
void gs_sweep_fill(const GsSweep *s, float *out, double peak);

/// The impulse response of the device that turned sent into received (both
/// gs_sweep_length() samples): ir[0..n_fft), time 0 at ir[0], negative times
/// (where the harmonic distortion products of an exponential sweep land: the
/// k-th harmonic T ln(k) / L before the linear response) wrapped to the end.
/// The inverse filter is the regularised spectral inverse of what was sent
/// (Farina 2000 sec. 3 uses the time-reversed sweep; the spectral inverse
/// is exact in band instead of leaving ripple at the band's edges; Mueller &
/// Massarani 2001), with a floor 100 dB below the sweep's peak
/// spectrum so bands it never reached stay quiet. GS_ERR_NOMEM.
GsStatus gs_sweep_deconvolve(const GsSweep *s, const float *sent, const float *received,
                             double *ir);

#endif  // GS_DSP_SWEEP_H
