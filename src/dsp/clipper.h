// SPDX-License-Identifier: ISC
// A hard clip at +-1 that does not alias: what a sigma-delta converter does
// when it is overdriven (its modulator clips at a high rate; its decimation
// filter removes what lies above Nyquist).

#ifndef GS_DSP_CLIPPER_H
#define GS_DSP_CLIPPER_H

#include "gainstage/realtime.h"
#include "gainstage/status.h"

#include <stdbool.h>
#include <stdint.h>

/// The rates it is designed for. Below 48 kHz the passband edge is a fixed
/// fraction of the rate, so every design there has the same 155 taps.
#define GS_CLIPPER_MIN_RATE_HZ 8000.0
#define GS_CLIPPER_MAX_RATE_HZ 384000.0
/// Most oversampling the clipper runs at.
#define GS_CLIPPER_MAX_FACTOR 4
/// Most taps of its interpolation and decimation filters.
#define GS_CLIPPER_MAX_TAPS 168
/// Samples per inner pass (any n is accepted; longer blocks run in chunks).
#define GS_CLIPPER_CHUNK 256
/// Stopband rejection of both filters, in dB.
#define GS_CLIPPER_REJECTION_DB 100.0

/// The output is the input delayed by a whole number of samples, minus the
/// part of it beyond +-1 (the excess), band-limited:
///
///   y[n] = x[n - D] - down(E(up(x)))[n]
///
/// up: a linear-phase Kaiser-windowed sinc interpolator to factor x the rate
/// (a Nyquist filter: at the original sample instants it returns x itself).
/// E: the excess e(u) = u - clamp(u, -1, 1) of the interpolated signal u,
/// averaged over a triangular window two samples wide centred on each
/// sample (the exact average for u linear between samples: a second-order
/// antiderivative anti-aliasing, Parker, Zavalishin and Le Bihan, DAFx-16,
/// in the centred form, whose image rejection is sinc^2 rather than sinc).
/// down: the same kind of linear-phase filter, then decimation. Both filters
/// and the window are linear phase with delays adding up to D samples, so
/// the excess lines up with the delayed input: on a plateau y is exactly 1,
/// and wherever |x| stays away from 1 the output is exactly x[n - D].
///
/// A block only runs the oversampled path when the interpolated signal could
/// reach +-1 within the filters' reach: the interpolator cannot exceed its
/// largest polyphase L1 norm times the input's peak, so a stretch whose
/// samples all lie below threshold = 1 / that norm has no excess, exactly.
/// Quiet material costs a copy; clipping material costs about 2 x taps
/// multiply-adds per sample.
///
/// The result is the clip of a band-limited signal, band-limited again: like
/// the output of a real converter's decimation filter it can overshoot 1.0
/// slightly after a clip (Gibbs ripple of the band limit); a fixed-point
/// output word then saturates it.
///
/// Owned by the processing thread.
typedef struct {
  unsigned factor;      ///< oversampling: 4 at 44.1/48 kHz, 2 above
  unsigned n_taps;      ///< taps of each filter (odd, symmetric)
  unsigned phase_taps;  ///< taps per polyphase branch of the interpolator
  uint32_t delay;       ///< D: the delay of the output, in base-rate samples
  uint32_t reach;       ///< base samples a hot input sample affects the output for
  float threshold;      ///< below this everywhere within reach: no excess
  uint32_t quiet;       ///< consecutive recent input samples below threshold
  bool ehist_clear;     ///< the excess history is all zeros
  bool u_valid;         ///< u1, u2 hold the last two interpolated samples
  double u1, u2;        ///< the last (u1) and the one before (u2)
  /// up[p][i]: interpolator branch p (output phase), tap i weighs x[n - i].
  float up[GS_CLIPPER_MAX_FACTOR][GS_CLIPPER_MAX_TAPS / 2 + 1];
  /// The decimation filter, reversed so a forward dot product applies it.
  float down[GS_CLIPPER_MAX_TAPS];
  /// Input history (hist_len samples) followed by the current chunk.
  uint32_t hist_len;
  float hist[GS_CLIPPER_MAX_TAPS + GS_CLIPPER_CHUNK];
  /// Excess history (n_taps samples at the high rate) and the current chunk's.
  float ehist[GS_CLIPPER_MAX_TAPS + GS_CLIPPER_CHUNK * GS_CLIPPER_MAX_FACTOR];
  float wet[GS_CLIPPER_CHUNK];
} GsClipper;

/// Designs the filters for rate_hz (GS_CLIPPER_MIN_RATE_HZ to
/// GS_CLIPPER_MAX_RATE_HZ, else GS_ERR_RANGE):
/// passband 0 to min(20 kHz, 0.4167 rate), stopband from rate minus that
/// edge, so nothing that folds into the passband survives by more than
/// -GS_CLIPPER_REJECTION_DB. Clears the state. Main thread.
GsStatus gs_clipper_init(GsClipper *c, double rate_hz);
/// Forgets all history. Real-time safe.
void gs_clipper_reset(GsClipper *c) GS_REALTIME;
/// Clips n samples; in and out may alias. Returns true if the block ran the
/// oversampled path (for tests and benchmarks). Non-finite input must have
/// been replaced by the caller. Real-time safe.
bool gs_clipper_process(GsClipper *c, const float *in, float *out, uint32_t n) GS_REALTIME;
/// The delay D in base-rate samples.
uint32_t gs_clipper_latency(const GsClipper *c) GS_REALTIME;

/// The excess of u beyond +-1 averaged with weight t over the segment
/// from a (t = 0) to b (t = 1): the integral of t e(a + (b - a) t) dt over
/// [0, 1], in closed form (exported for tests).
double gs_clipper_ramp_excess(double a, double b);

#endif  // GS_DSP_CLIPPER_H
