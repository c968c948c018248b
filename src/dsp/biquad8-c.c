// SPDX-License-Identifier: ISC
// The 8-lane biquad cascade's portable variant: 4 groups of 2 double lanes.

#define VEC_WIDTH 4
#define BIQUAD8_FN gs_biquad8_kernel_c

#include "dsp/biquad8-impl.h"
