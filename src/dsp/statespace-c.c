// SPDX-License-Identifier: ISC
// The state-space filter's portable variant: 2 double lanes (SSE2 on x86-64).

#define VEC_WIDTH 2
#define MADD(a, b, c) ((a) * (b) + (c))
#define GROUPS_FN gs_statespace_groups_c
#define PENDING_FN gs_statespace_pending_c

#include "dsp/statespace-impl.h"
