// SPDX-License-Identifier: ISC
// The oversampler's portable processing variant.

// One allpass section, c x + (x1 - c y1): the product with x[n] comes last,
// so the chain from section to section is one multiply and one add; the
// recursion through y1 is three operations, but it runs beside the chain.
// (Measured: 12.0 ns per base sample for 4x up+down, against 14.1 ns for
// (c x + x1) - c y1, and 13.3 ns for c (x - y1) + x1.)
#define SECTION(c, x, s0, s1) ((c) * (x) + ((s0) - (c) * (s1)))
// SSE2 and NEON hold 4 floats.
#define FIR_WIDTH 4
#define UP_FN gs_oversample_up_c
#define DOWN_FN gs_oversample_down_c
#define DOWN_FIR_FN gs_oversample_down_fir_c
#define DOWN_IIR_FN gs_oversample_down_iir_c

#include "dsp/oversample-impl.h"
