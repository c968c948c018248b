// SPDX-License-Identifier: ISC
// The ADAA droop equaliser of adaa_eq.h on 8 interleaved channels, one float lane each.

#ifndef GS_DSP_ADAA_EQ8_H
#define GS_DSP_ADAA_EQ8_H

#include "dsp/lanes-variants.h"
#include "gainstage/realtime.h"
#include "gainstage/status.h"

#include <stdint.h>

/// The same 3-tap FIR as GsAdaaEq (same coefficient, same arithmetic in the
/// same order), so each lane equals GsAdaaEq bit for bit. Owned by the
/// processing thread.
typedef struct {
  GsLanesVariant variant;  ///< chosen at init: the fastest this CPU runs
  float a;
  float x1[GS_LANES], x2[GS_LANES];  ///< the previous two inputs per lane
} GsAdaaEq8;

/// As gs_adaa_eq_init(). Main thread.
void gs_adaa_eq8_init(GsAdaaEq8 *eq, unsigned factor, double rate_hz, unsigned n_first,
                      unsigned n_second);
/// As gs_adaa_eq_init_rates(). Main thread.
void gs_adaa_eq8_init_rates(GsAdaaEq8 *eq, unsigned factor, unsigned second_factor,
                            double rate_hz, unsigned n_first, unsigned n_second);
/// Picks a variant (tests, benchmarks); GS_ERR_RANGE if this CPU cannot run
/// it. Main thread.
GsStatus gs_adaa_eq8_set_variant(GsAdaaEq8 *eq, GsLanesVariant variant);
/// Clears the state. Real-time safe.
void gs_adaa_eq8_reset(GsAdaaEq8 *eq) GS_REALTIME;
/// Clears one lane's state (lane < GS_LANES). Real-time safe.
void gs_adaa_eq8_reset_lane(GsAdaaEq8 *eq, unsigned lane) GS_REALTIME;
/// n frames of GS_LANES interleaved channels; in and out may alias.
/// Real-time safe.
void gs_adaa_eq8_process(GsAdaaEq8 *eq, const float *in, float *out, uint32_t n) GS_REALTIME;

// The variants (adaa_eq8-c.c, adaa_eq8-avx2.c), internal to adaa_eq8.c.
void gs_adaa_eq8_kernel_c(GsAdaaEq8 *eq, const float *in, float *out, uint32_t n) GS_REALTIME;
#ifdef GS_LANES_HAVE_AVX2
void gs_adaa_eq8_kernel_avx2(GsAdaaEq8 *eq, const float *in, float *out, uint32_t n)
  GS_REALTIME;
#endif

#endif  // GS_DSP_ADAA_EQ8_H
