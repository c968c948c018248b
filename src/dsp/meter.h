// SPDX-License-Identifier: ISC
// Level meters: sample peak, true peak (ITU-R BS.1770-4 Annex 2) and RMS.

#ifndef GS_DSP_METER_H
#define GS_DSP_METER_H

#include "gainstage/realtime.h"

#include <stdint.h>

/// Highest absolute sample value since the last reset.
typedef struct {
  float peak;
} GsPeakMeter;

void gs_peak_reset(GsPeakMeter *m) GS_REALTIME;
void gs_peak_process(GsPeakMeter *m, const float *in, uint32_t n) GS_REALTIME;

/// True peak: the signal is 4x oversampled with a polyphase FIR interpolator
/// and the highest absolute value of the interpolated signal is kept.
#define GS_TRUEPEAK_TAPS 12  ///< taps per phase
typedef struct {
  float history[GS_TRUEPEAK_TAPS];
  float peak;  ///< linear, since the last reset
} GsTruePeakMeter;

void gs_truepeak_reset(GsTruePeakMeter *m) GS_REALTIME;
void gs_truepeak_process(GsTruePeakMeter *m, const float *in, uint32_t n) GS_REALTIME;

/// Mean square over everything since the last reset.
typedef struct {
  double sum_sq;
  uint64_t n;
} GsRmsMeter;

void gs_rms_reset(GsRmsMeter *m) GS_REALTIME;
void gs_rms_process(GsRmsMeter *m, const float *in, uint32_t n) GS_REALTIME;
/// RMS as a linear value (0 when nothing was measured).
double gs_rms_value(const GsRmsMeter *m);

/// 20 log10(x), with a floor of -200 dB for silence.
double gs_linear_to_db(double x);

#endif  // GS_DSP_METER_H
