// SPDX-License-Identifier: ISC
// Level meters: sample peak, true peak (ITU-R BS.1770-4 Annex 2) and RMS.

#ifndef GS_DSP_METER_H
#define GS_DSP_METER_H

#include "gainstage/realtime.h"

#include <stdint.h>

// Every meter here is a plain struct the caller owns and one thread (the one
// that processes) writes; another thread reads it only through a snapshot the
// engine publishes. Samples are float with 1.0 = full scale. The peak meters
// skip NaN samples (a NaN never compares greater); a NaN or infinity makes the
// RMS reading NaN or infinite until the next reset, which is what it is.

/// Highest absolute sample value since the last reset (linear).
typedef struct {
  float peak;
} GsPeakMeter;

/// Clears the reading. Real-time safe.
void gs_peak_reset(GsPeakMeter *m) GS_REALTIME;
/// Takes n mono samples into the reading. Real-time safe.
void gs_peak_process(GsPeakMeter *m, const float *in, uint32_t n) GS_REALTIME;

/// True peak (ITU-R BS.1770-4 Annex 2): the signal is 4x oversampled by a
/// polyphase FIR interpolator and the highest absolute value of the
/// interpolated signal is kept. The interpolator's phase 0 is the input itself
/// (so the reading is never below the sample peak) and phases 1-3 are
/// GS_TRUEPEAK_TAPS-tap fractional-delay filters, flat within 0.05 dB up to
/// 0.35 fs and -0.11 dB at 0.4 fs (design in meter.c). As BS.1770-4 Annex 2
/// notes, 4x oversampling may still under-read by up to 0.69 dB (a sine near
/// fs/2 whose crest falls between the oversampled points); above 0.4 fs the
/// filter's own roll-off adds to that. The reading lags the input by 6 samples.
#define GS_TRUEPEAK_OVERSAMPLE 4
#define GS_TRUEPEAK_TAPS 12  ///< taps per phase
typedef struct {
  /// The last GS_TRUEPEAK_TAPS - 1 samples, oldest first.
  float history[GS_TRUEPEAK_TAPS - 1];
  float peak;  ///< linear, since the last reset
} GsTruePeakMeter;

/// The interpolator's coefficients, [phase - 1][tap]: tap j weighs the input
/// j samples back. Exposed so a test can check them against their design.
extern const float gs_truepeak_coef[GS_TRUEPEAK_OVERSAMPLE - 1][GS_TRUEPEAK_TAPS];

/// Clears the history and the reading; no other setup is needed. Real-time safe.
void gs_truepeak_reset(GsTruePeakMeter *m) GS_REALTIME;
/// Takes n mono samples into the reading. Real-time safe (36 multiply-adds a
/// sample, vectorised across samples).
void gs_truepeak_process(GsTruePeakMeter *m, const float *in, uint32_t n) GS_REALTIME;

/// Mean square over everything since the last reset, summed in double.
typedef struct {
  double sum_sq;
  uint64_t n;
} GsRmsMeter;

/// Clears the sum. Real-time safe.
void gs_rms_reset(GsRmsMeter *m) GS_REALTIME;
/// Takes n mono samples into the sum. Real-time safe.
void gs_rms_process(GsRmsMeter *m, const float *in, uint32_t n) GS_REALTIME;
/// RMS as a linear value (0 when nothing was measured). Real-time safe.
double gs_rms_value(const GsRmsMeter *m) GS_REALTIME;

/// 20 log10(x) for a linear amplitude, with a floor of -200 dB for silence
/// (x <= 1e-10, including negative x); NaN stays NaN. Real-time safe.
double gs_linear_to_db(double x) GS_REALTIME;

#endif  // GS_DSP_METER_H
