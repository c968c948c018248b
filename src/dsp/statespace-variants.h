// SPDX-License-Identifier: ISC
// The state-space filter's per-CPU kernels (internal to statespace*.c).

#ifndef GS_DSP_STATESPACE_VARIANTS_H
#define GS_DSP_STATESPACE_VARIANTS_H

#include "dsp/statespace.h"

#include <stdbool.h>
#include <stdint.h>

// Each variant has two kernels over the same arithmetic (statespace-impl.h):
// groups() runs n_groups whole groups of GS_STATESPACE_GROUP samples from
// in to out; pending() computes the outputs of the group in ss->pend
// (ss->n_pend inputs so far; the other outputs are not meaningful) and, when
// advance is set, steps the state past it.

void gs_statespace_groups_c(GsStateSpace *ss, const float *in, float *out, uint32_t n_groups)
  GS_REALTIME;
void gs_statespace_pending_c(GsStateSpace *ss, float *y, bool advance) GS_REALTIME;

#if defined(__x86_64__) || defined(__i386__)
#  define GS_STATESPACE_HAVE_AVX2 1
void gs_statespace_groups_avx2(GsStateSpace *ss, const float *in, float *out, uint32_t n_groups)
  GS_REALTIME;
void gs_statespace_pending_avx2(GsStateSpace *ss, float *y, bool advance) GS_REALTIME;
#endif

#endif  // GS_DSP_STATESPACE_VARIANTS_H
