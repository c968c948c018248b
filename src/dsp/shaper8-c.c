// SPDX-License-Identifier: ISC
// The 8-channel shaper's portable variant: two groups of 4 lanes.

#define VEC_WIDTH 4
#define SHAPER8_FN gs_shaper8_kernel_c

#include "dsp/shaper8-impl.h"
