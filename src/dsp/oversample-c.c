// SPDX-License-Identifier: ISC
// The oversampler's portable processing variant.

// a b + c and c - a b on a lane pair; four lanes are two pairs (SSE2 and
// NEON hold two doubles).
#define MADD2(a, b, c) ((a) * (b) + (c))
#define NMADD2(a, b, c) ((c) - (a) * (b))
#define VEC_PAIRS 1
// SSE2 and NEON hold 4 floats.
#define FIR_WIDTH 4
#define UP_FN gs_oversample_up_c
#define DOWN_FN gs_oversample_down_c
#define DOWN_FIR_FN gs_oversample_down_fir_c
#define DOWN_IIR_FN gs_oversample_down_iir_c

#include "dsp/oversample-impl.h"
