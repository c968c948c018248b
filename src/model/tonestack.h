// SPDX-License-Identifier: ISC
// The three-band active tone stack of the instrument preamps.

#ifndef GS_MODEL_TONESTACK_H
#define GS_MODEL_TONESTACK_H

#include "dsp/biquad.h"
#include "dsp/statespace.h"
#include "gainstage/realtime.h"

#include <stdint.h>

/// Bass is a low shelf, mid a peaking band (Q 0.7, broad as on bass and
/// guitar amplifiers), treble a high shelf; 0 dB on all three is flat. The
/// three bands run in series as one state-space filter (dsp/statespace.h),
/// eight samples per step of its recursion: the filter of
/// gs_biquad_cascade_process() on band, in double throughout.
typedef struct {
  GsBiquad band[3];  ///< the designs (their own state is unused)
  GsStateSpace run;  ///< the three in series: coefficients from band, and the state
} GsToneStack;

/// Designs the three bands at rate_hz (the rate the stack runs at).
void gs_tonestack_init(GsToneStack *ts, double rate_hz, const double freq_hz[3],
                       const double gain_db[3]);
/// Designs the three bands anew for gain_db, keeping the state (a change
/// takes effect from the next sample on, as with biquads); returns early when
/// the gains are unchanged. ts must have been initialised at rate_hz with
/// freq_hz. Real-time safe.
void gs_tonestack_set_gains(GsToneStack *ts, double rate_hz, const double freq_hz[3],
                            const double gain_db[3]) GS_REALTIME;
void gs_tonestack_reset(GsToneStack *ts) GS_REALTIME;
/// The analytic magnitude in dB at freq_hz.
double gs_tonestack_magnitude_db(const GsToneStack *ts, double rate_hz, double freq_hz);
void gs_tonestack_process(GsToneStack *ts, const float *in, float *out, uint32_t n) GS_REALTIME;

#endif  // GS_MODEL_TONESTACK_H
