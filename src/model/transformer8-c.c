// SPDX-License-Identifier: ISC
// The 8-lane transformer's portable variant: two groups of 4 lanes.

#define VEC_WIDTH 4
#define TRANSFORMER8_FN gs_transformer8_kernel_c

#include "model/transformer8-impl.h"
