// SPDX-License-Identifier: ISC
// 2x, 4x and 8x oversampling with cascaded halfbands: polyphase IIR allpass
// stages up to 4x, a linear-phase FIR stage from 4x to 8x.

#ifndef GS_DSP_OVERSAMPLE_H
#define GS_DSP_OVERSAMPLE_H

#include "gainstage/realtime.h"
#include "gainstage/status.h"

#include <stdbool.h>
#include <stdint.h>

/// A convenient block length for callers: a caller that stages oversampled
/// audio in its own buffer needs GS_OVERSAMPLE_CHUNK * factor floats per
/// block. The oversampler itself takes any n and needs no scratch memory.
#define GS_OVERSAMPLE_CHUNK 256
/// Most allpass coefficients one halfband stage may have.
#define GS_HALFBAND_MAX_COEFS 16
/// Most coefficient pairs of the FIR halfband (a filter of 4 * pairs - 1 taps).
#define GS_FIR_HALFBAND_MAX_PAIRS 8
/// Least stopband rejection each stage is designed for, in dB. Each stage that
/// meets it keeps what folds into the base band 120 dB down, which leaves
/// room for the -120 dBc aliasing figure of a tanh shaper at 8x with ADAA.
#define GS_OVERSAMPLE_REJECTION_DB 120.0

/// One 2:1 halfband stage: two parallel chains of first-order allpasses in
/// z^-2 in the polyphase form (Valenzuela and Constantinides 1983; Regalia,
/// Mitra and Vaidyanathan 1988; the structure of Laurent de Soras' HIIR):
///
///   H(z) = 1/2 [A0(z^2) + z^-1 A1(z^2)],  Ab(z) = prod (a_i + z^-2) / (1 + a_i z^-2)
///
/// where the coefficients a_i, sorted ascending, alternate between the
/// branches: even i in A0, odd i in A1. Coefficients and state are double.
typedef struct {
  unsigned n_coefs;
  double pass_edge;   ///< passband edge / stage rate (the stopband starts at 0.5 - pass_edge)
  double atten_db;    ///< designed stopband rejection in dB
  double delay;       ///< group delay of H at DC, in samples of the stage's higher rate
  double coef[GS_HALFBAND_MAX_COEFS];
  /// s[0], s[1]: previous input of branch 0 and 1; s[i + 2]: previous output
  /// of allpass i (which is also the previous input of allpass i + 2).
  double state_up[GS_HALFBAND_MAX_COEFS + 2];
  double state_down[GS_HALFBAND_MAX_COEFS + 2];
} GsHalfband;

/// The linear-phase FIR halfband of the last stage of 8x. Its taps are
/// h[0] = 1/2 at the centre, h[+-(2k - 1)] = coef[k - 1] for k = 1..n_pairs,
/// and zero at the other even offsets: a windowed sinc (Kaiser window). A
/// stage of 4 * n_pairs - 1 taps costs n_pairs multiply-adds per sample at
/// its lower rate and vectorises across time, where an IIR stage waits on
/// its own recursion every sample; the price is latency, 2 * n_pairs - 1.5
/// samples of the lower rate for up then down. At 4x and above the
/// transition band is wide and few pairs reach the rejection (6 at 48 kHz).
typedef struct {
  unsigned n_pairs;
  double pass_edge;  ///< as GsHalfband's
  double atten_db;   ///< stopband rejection in dB, measured on the design
  double coef[GS_FIR_HALFBAND_MAX_PAIRS];
  /// Up: the last 2 n_pairs - 1 inputs, oldest first. Down: the last
  /// 2 n_pairs - 1 odd and n_pairs - 1 even inputs.
  float hist_up[2 * GS_FIR_HALFBAND_MAX_PAIRS];
  float hist_odd[2 * GS_FIR_HALFBAND_MAX_PAIRS];
  float hist_even[GS_FIR_HALFBAND_MAX_PAIRS];
} GsFirHalfband;

/// Designs a FIR halfband with n_pairs coefficient pairs
/// (1..GS_FIR_HALFBAND_MAX_PAIRS) and passband edge pass_edge (0 < pass_edge
/// < 0.25 of the stage's higher rate), measures its rejection and clears the
/// state. GS_ERR_RANGE for anything else. Main thread.
GsStatus gs_fir_halfband_design(GsFirHalfband *fb, unsigned n_pairs, double pass_edge);
/// The magnitude response |H| in dB at freq (a fraction of the stage's
/// higher rate). Main thread.
double gs_fir_halfband_magnitude_db(const GsFirHalfband *fb, double freq);

/// Designs an elliptic halfband with n_coefs allpass coefficients
/// (1..GS_HALFBAND_MAX_COEFS) and passband edge pass_edge (a fraction of the
/// stage's higher rate, 0 < pass_edge < 0.25), and clears the state.
/// GS_ERR_RANGE for anything else. Main thread.
GsStatus gs_halfband_design(GsHalfband *hb, unsigned n_coefs, double pass_edge);
/// The stopband rejection in dB an elliptic halfband with n_coefs coefficients
/// and this passband edge reaches (the closed form the design uses).
double gs_halfband_rejection_db(unsigned n_coefs, double pass_edge);
/// The analytic magnitude response |H| in dB at freq (a fraction of the
/// stage's higher rate), for tests and plots. Main thread.
double gs_halfband_magnitude_db(const GsHalfband *hb, double freq);

/// Processing variants, fastest first (SPA style); GS_OVERSAMPLE_C runs
/// everywhere. All compute the same filters and agree to about 1e-7.
typedef enum {
  GS_OVERSAMPLE_FMA,  ///< x86 AVX2 and FMA3
  GS_OVERSAMPLE_C,    ///< portable C
  GS_OVERSAMPLE_N_VARIANTS,
} GsOversampleVariant;

/// Owned by the processing thread.
typedef struct {
  unsigned factor;    ///< 1, 2, 4 or 8
  unsigned n_stages;  ///< log2(factor)
  double rate_hz;     ///< base rate
  double band_hz;     ///< protected base band 0..band_hz: min(20 kHz, 0.4167 * rate_hz)
  GsOversampleVariant variant;  ///< chosen at init: the fastest this CPU runs
  GsHalfband stage[2];  ///< stage[0] works between the base rate and 2x, stage[1] 2x-4x
  GsFirHalfband fir;    ///< 4x-8x, for factor 8
} GsOversampler;

/// factor is 1, 2, 4 or 8 and rate_hz positive and finite; anything else is
/// GS_ERR_RANGE. rate_hz is the base rate. Each stage is designed to pass
/// 0..band_hz (20 kHz, or 0.4167 of the base rate, whichever is lower) and to
/// reject by at least GS_OVERSAMPLE_REJECTION_DB whatever would fold back into
/// that band; stages further from the base rate have wider transition bands
/// and need fewer coefficients (8 and 4 allpasses and 6 FIR pairs at 44.1 or
/// 48 kHz). Main thread.
GsStatus gs_oversampler_init(GsOversampler *os, unsigned factor, double rate_hz);
/// Whether this build and CPU can run a variant. Main thread.
bool gs_oversample_variant_supported(GsOversampleVariant variant);
/// A short name for a variant ("fma", "c"); never NULL.
const char *gs_oversample_variant_name(GsOversampleVariant variant);
/// Picks a variant (for tests and benchmarks); GS_ERR_RANGE if this build or
/// CPU cannot run it. Main thread.
GsStatus gs_oversampler_set_variant(GsOversampler *os, GsOversampleVariant variant);
/// Clears the filter state. Real-time safe.
void gs_oversampler_reset(GsOversampler *os) GS_REALTIME;

/// n base-rate samples in, n * factor out; in and out must not overlap.
/// Real-time safe. The state is double; with long silence after a signal it
/// decays into denormals, so run it with FTZ/DAZ set (dsp/denormal.h; the preamp
/// strip, the bank and the engine do).
void gs_oversampler_up(GsOversampler *os, const float *in, float *out, uint32_t n) GS_REALTIME;
/// n * factor samples in, n base-rate samples out; in and out must not
/// overlap. Real-time safe.
void gs_oversampler_down(GsOversampler *os, const float *in, float *out, uint32_t n) GS_REALTIME;

/// The down path of 8x in two parts, for a model that runs its later curves
/// at 4x (the instrument models: the tube curve at 8x, the tone stack and
/// rail after it at 4x): the FIR stage alone, n * 8 samples in and n * 4 out,
/// then the IIR stages, n * 4 in and n out. One after the other they give
/// gs_oversampler_down()'s samples bit for bit. Factor 8 only; in and out must
/// not overlap. Real-time safe.
void gs_oversampler_down_to_half(GsOversampler *os, const float *in, float *out,
                                 uint32_t n) GS_REALTIME;
void gs_oversampler_down_from_half(GsOversampler *os, const float *in, float *out,
                                   uint32_t n) GS_REALTIME;

/// Round-trip (up then down) group delay at low frequencies, in base-rate
/// samples (0 for factor 1), from the allpass phases at DC and the FIR's
/// constant delay: about 3.7, 4.8 and 7.5 samples for 2x, 4x and 8x at 44.1
/// or 48 kHz. Main thread or real time.
double gs_oversampler_latency(const GsOversampler *os);

#endif  // GS_DSP_OVERSAMPLE_H
