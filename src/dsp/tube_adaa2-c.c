// SPDX-License-Identifier: ISC
// Second-order ADAA of the tube curve, portable variant: 4 float lanes (SSE2, NEON).

#define VEC_WIDTH 4
#define TUBE_MONO_FN gs_tube_adaa2_mono_c
#define TUBE_LANES_FN gs_tube_adaa2_lanes_c

#include "dsp/tube_adaa2-impl.h"
