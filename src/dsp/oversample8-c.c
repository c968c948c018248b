// SPDX-License-Identifier: ISC
// The 8-channel oversampler's portable variant: two groups of 4 lanes.

#define VEC_WIDTH 4
#define UP8_FN gs_oversample8_up_c
#define DOWN8_FN gs_oversample8_down_c
#define DOWN8_FIR_FN gs_oversample8_down_fir_c
#define DOWN8_IIR_FN gs_oversample8_down_iir_c

#include "dsp/oversample8-impl.h"
