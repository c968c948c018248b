// SPDX-License-Identifier: ISC
// The 8-lane ADAA equaliser's portable variant: two groups of 4 lanes.

#define VEC_WIDTH 4
#define EQ8_FN gs_adaa_eq8_kernel_c

#include "dsp/adaa_eq8-impl.h"
