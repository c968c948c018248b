// SPDX-License-Identifier: ISC
// Flattens the high-frequency droop of first-order ADAA when oversampling.

#ifndef GS_DSP_ADAA_EQ_H
#define GS_DSP_ADAA_EQ_H

#include "gainstage/realtime.h"

#include <stdint.h>

/// In its linear region a first-order ADAA shaper is the two-point average
/// (1 + z^-1) / 2, whose magnitude is cos(w / 2); n_first shapers in a row
/// give cos^n(w / 2), and each second-order one (the tube curve's,
/// shaper.h) multiplies by gs_shaper_adaa_response(2, w). This symmetric
/// 3-tap FIR [-a, 1 + 2a, -a] has magnitude 1 + 4a sin^2(w / 2); a is chosen
/// at init so the product is as flat as possible up to the edge of the audio
/// band.
typedef struct {
  float a;
  unsigned n_first, n_second;
  double second_scale;  ///< the second-order shapers' w per the equaliser's (1, or 1/2 at twice its rate)
  float x1, x2;
} GsAdaaEq;

/// factor is the oversampling factor the shapers run at (2, 4 or 8), rate_hz
/// the base rate, n_first and n_second the numbers of first- and
/// second-order ADAA shapers in series. Main thread.
void gs_adaa_eq_init(GsAdaaEq *eq, unsigned factor, double rate_hz, unsigned n_first,
                     unsigned n_second);
/// As gs_adaa_eq_init(), where the second-order shapers run at second_factor
/// (factor or twice factor: the instrument models' tube curve at 8x ahead of
/// a tone stack, rail and this equaliser at 4x) and the first-order ones and
/// the equaliser at factor. Main thread.
void gs_adaa_eq_init_rates(GsAdaaEq *eq, unsigned factor, unsigned second_factor, double rate_hz,
                           unsigned n_first, unsigned n_second);
void gs_adaa_eq_reset(GsAdaaEq *eq) GS_REALTIME;
/// The combined (ADAA averages and this FIR) magnitude in dB at freq_hz.
double gs_adaa_eq_response_db(const GsAdaaEq *eq, unsigned factor, double rate_hz,
                              double freq_hz);
/// in and out may alias. Adds one sample of delay at the oversampled rate.
void gs_adaa_eq_process(GsAdaaEq *eq, const float *in, float *out, uint32_t n) GS_REALTIME;

#endif  // GS_DSP_ADAA_EQ_H
