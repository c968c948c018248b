// SPDX-License-Identifier: ISC
// Second-order IIR sections: RBJ-cookbook coefficient design and processing.

#ifndef GS_DSP_BIQUAD_H
#define GS_DSP_BIQUAD_H

#include "gainstage/realtime.h"

#include <stdint.h>

/// One biquad in transposed direct form II. Coefficients and state are double
/// so low cut-offs at high sample rates stay accurate; samples are float.
/// Owned by one thread (the one that processes); setters are main-thread or
/// real-time but must not run concurrently with process.
typedef struct {
  double b0, b1, b2, a1, a2;  ///< normalised so a0 = 1
  double z1, z2;              ///< state
  int kind;                   ///< last design, so setters return early on no change
  double rate_hz, freq_hz, gain_db, q;
} GsBiquad;

/// Pass-through coefficients and cleared state. Main thread.
void gs_biquad_init(GsBiquad *bq);
/// Clears the state, keeps the coefficients. Real-time safe.
void gs_biquad_reset(GsBiquad *bq) GS_REALTIME;

// Designs (Robert Bristow-Johnson, "Cookbook formulae for audio EQ biquad
// filter coefficients"). q is the quality factor (0.7071 is Butterworth);
// shelves take the shelf slope S (1 is the steepest monotonic shelf) and reach
// gain_db / 2 at freq_hz. Each returns early when the design is unchanged and
// keeps the state. Main thread, or the processing thread between blocks
// (real-time safe).
void gs_biquad_set_highpass(GsBiquad *bq, double rate_hz, double freq_hz, double q) GS_REALTIME;
void gs_biquad_set_lowpass(GsBiquad *bq, double rate_hz, double freq_hz, double q) GS_REALTIME;
void gs_biquad_set_lowshelf(GsBiquad *bq, double rate_hz, double freq_hz, double gain_db,
                            double slope) GS_REALTIME;
void gs_biquad_set_highshelf(GsBiquad *bq, double rate_hz, double freq_hz, double gain_db,
                             double slope) GS_REALTIME;
void gs_biquad_set_peaking(GsBiquad *bq, double rate_hz, double freq_hz, double gain_db,
                           double q) GS_REALTIME;

/// Sets normalised coefficients (a0 = 1) designed elsewhere, keeping the
/// state; the next cookbook design always recomputes. Main thread, or the
/// processing thread between blocks.
void gs_biquad_set_coefficients(GsBiquad *bq, double b0, double b1, double b2, double a1,
                                double a2);

/// The analytic magnitude response |H(e^jw)| in dB at freq_hz, from the
/// coefficients. Main thread.
double gs_biquad_magnitude_db(const GsBiquad *bq, double rate_hz, double freq_hz);

/// Filters n samples; in and out may be the same buffer. State below 1e-30
/// (-600 dBFS) is flushed to zero, so silence never leaves denormals.
/// Real-time safe.
void gs_biquad_process(GsBiquad *bq, const float *in, float *out, uint32_t n) GS_REALTIME;

/// Most sections gs_biquad_cascade_process() takes.
#define GS_BIQUAD_MAX_CASCADE 4

/// Filters n samples through n_sections biquads in series (at most
/// GS_BIQUAD_MAX_CASCADE), sample by sample: each section's recursion waits
/// on its own previous output only, so the processor overlaps the sections,
/// where one pass per section would wait on each recursion in turn. The
/// result equals the sections applied one after another. Real-time safe.
void gs_biquad_cascade_process(GsBiquad *bq, unsigned n_sections, const float *in, float *out,
                               uint32_t n) GS_REALTIME;

#endif  // GS_DSP_BIQUAD_H
