// SPDX-License-Identifier: ISC
// Memoryless nonlinearities with antiderivative anti-aliasing (first order; second for the tube curve).

#ifndef GS_DSP_SHAPER_H
#define GS_DSP_SHAPER_H

#include "dsp/oversample8.h"
#include "gainstage/realtime.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum {
  GS_SHAPE_HARD,  ///< clip at +-1 (converter overload, analog rail)
  GS_SHAPE_TANH,  ///< tanh: the reference symmetric soft clipper (log/exp per sample)
  GS_SHAPE_SOFT,  ///< x / sqrt(1 + x^2): a cheap symmetric soft clipper
  GS_SHAPE_TUBE,  ///< asymmetric triode-like curve with a bias (even harmonics)
  GS_SHAPE_RAIL,  ///< x - a x^3 up to a hard knee at +-1 (solid-state amplifier)
} GsShape;

/// Tube curve defaults: operating point and how much earlier the negative
/// half clips (gs_shaper_set_tube).
#define GS_SHAPER_TUBE_BIAS 0.3
#define GS_SHAPER_TUBE_ASYMMETRY 2.0

/// TANH with ADAA evaluates tanh at the midpoint of consecutive inputs
/// closer than GS_SHAPER_TANH_EPSILON * (1 + |x|): F = log cosh is computed
/// with an absolute error of about eps_d (1 + |x|) (eps_d = 2^-52), so the
/// difference quotient errs by about 2 eps_d (1 + |x|) / |dx|, while the
/// midpoint differs from the mean of tanh over [x1, x] by at most
/// max|tanh''| dx^2 / 24 = 0.77 dx^2 / 24. At this epsilon both stay near
/// 1e-11, far below the float output's resolution (6e-8), close to the
/// balance point (48 eps_d / 0.77)^(1/3) = 2.4e-5.
#define GS_SHAPER_TANH_EPSILON 1e-5

/// Owned by the processing thread.
///
/// The tube curve is the algebraic sigmoid g(u) = u / sqrt(1 + (u / k)^2),
/// with knee k = knee_pos for u >= 0 and knee_neg below (g saturates at +k
/// and -k), moved to an operating point and normalised:
///   f(x) = (g(x + bias) - g(bias)) / g'(bias),   f(0) = 0, f'(0) = 1.
typedef struct {
  GsShape shape;
  bool adaa;           ///< ADAA on (Parker, Zavalishin, Le Bivic, DAFx-16)
  unsigned order;      ///< ADAA order: 1, or 2 (TUBE only, gs_shaper_set_order)
  GsLanesVariant variant;  ///< order 2: the CPU variant of its kernel, chosen at init
  double bias;         ///< GS_SHAPE_TUBE: operating point shift
  double knee_pos;     ///< GS_SHAPE_TUBE: knee of the positive half
  double knee_neg;     ///< GS_SHAPE_TUBE: knee of the negative half
  double offset;       ///< GS_SHAPE_TUBE: g(bias), removed so that f(0) = 0
  double scale;        ///< GS_SHAPE_TUBE: 1 / g'(bias), so that f'(0) = 1
  double x1;           ///< previous input (GS_SHAPE_TUBE: previous x + bias)
  double r1;           ///< previous root: sqrt(1 + x1^2) (SOFT), sqrt(k^2 + u1^2) (TUBE)
  double F1;           ///< antiderivative at the previous input (TANH)
  float hist[4];       ///< order 2: the last four inputs, oldest first
  double cubic;        ///< GS_SHAPE_RAIL: a in x - a x^3 (0 for HARD)
  double clip;         ///< GS_SHAPE_RAIL: input where x - a x^3 reaches 1 (1 for HARD)
} GsShaper;

/// Curves are normalised: slope 1 at the origin, f(0) = 0, |f| <= 1 for the
/// symmetric ones. The tube curve starts with the defaults above, first-order
/// ADAA when adaa. Main thread.
void gs_shaper_init(GsShaper *s, GsShape shape, bool adaa);
/// Second-order ADAA (order 2) for the tube curve: a triangular kernel two
/// samples wide instead of first order's one-sample box, on an input path
/// refined by a cubic midpoint in each interval (tube_adaa2-impl.h), so
/// aliases fall about as the square of first order's and the error of
/// taking the input straight between samples goes too: for a 15 kHz sine
/// driven 24 dB into the curve at 8x, -68 dBc becomes -97 dBc. It delays by
/// two samples, its response where the curve is linear is
/// gs_shaper_adaa_response(2, w), and it runs in float (within 4e-7 of the
/// curve's range of its definition computed in double). Inputs beyond
/// +-2^20 are held there. Other shapes, and adaa off, keep order 1.
/// Forgets the state. Main thread.
void gs_shaper_set_order(GsShaper *s, unsigned order);
/// Tube curve: bias shifts the operating point (more bias, more 2nd
/// harmonic; clamped to +-2); asymmetry > 1 makes the negative half clip that
/// much earlier (knee_pos = 1, knee_neg = 1 / asymmetry; clamped to 0.25..4).
/// Returns early when nothing changed; keeps the state. Main thread, or real
/// time between process calls (no allocation, a sqrt).
void gs_shaper_set_tube(GsShaper *s, double bias, double asymmetry);
/// Rail curve: f(x) = x - cubic x^3 for |x| <= clip and +-1 beyond, where
/// clip is the input at which the cubic reaches 1. The cubic makes low-order
/// odd harmonics that grow with level (the 3rd at cubic x^2 / 4 of the
/// fundamental), and the slope jumps from 1 - 3 cubic clip^2 to 0 at the
/// knee, as an amplifier hitting its supply rail does. cubic is clamped to
/// 0..0.14 (below 4/27 the cubic rises monotonically to 1). Main thread.
void gs_shaper_set_rail(GsShaper *s, double cubic);
/// Forgets the previous input. Real-time safe.
void gs_shaper_reset(GsShaper *s) GS_REALTIME;

/// The curve itself, without anti-aliasing.
double gs_shaper_eval(const GsShaper *s, double x);
/// Its antiderivative F with F(0) = 0, in closed form (what ADAA differences).
double gs_shaper_antiderivative(const GsShaper *s, double x);
/// TUBE: the second antiderivative with F2(0) = 0, in closed form (asinh),
/// in double (tests: what the second-order kernel's closed forms come from).
double gs_shaper_antiderivative2(const GsShaper *s, double x);

/// Applies the curve (with ADAA when enabled); in and out may alias.
/// With first-order ADAA each output is the mean of f between consecutive inputs,
/// (F(x[n]) - F(x[n-1])) / (x[n] - x[n-1]). SOFT, TUBE and HARD use exact
/// rearrangements of that quotient that stay well conditioned however close
/// the inputs are; TANH evaluates f at the midpoint when consecutive inputs
/// are closer than a small epsilon (see shaper.c). Second order: see
/// gs_shaper_set_order(). A non-finite input is passed on (second order:
/// a NaN; infinities are held at +-2^20), and the state is cleared at the
/// end of the block so the next block starts clean. Real-time safe.
void gs_shaper_process(GsShaper *s, const float *in, float *out, uint32_t n) GS_REALTIME;

/// Added delay in samples at the rate the shaper runs (0.5 with first-order
/// ADAA, 2 with second order, else 0).
double gs_shaper_latency(const GsShaper *s);
/// The response of ADAA of the given order (1 or 2) where the curve is
/// linear, at w radians per sample: cos(w/2) for first order (the mean of
/// two samples); for second order 5/12 + cos(w)/12 + cos(w/2) M(w) / 2, with
/// M(w) = (9 cos(w/2) - cos(3w/2)) / 8 the response of the cubic midpoint
/// (both zero-phase about their delay).
double gs_shaper_adaa_response(unsigned order, double w);

#endif  // GS_DSP_SHAPER_H
