// SPDX-License-Identifier: ISC
// Second-order ADAA of the tube curve, variant for x86 CPUs with AVX2: 8 float lanes.

#include "dsp/tube_adaa2.h"

#ifdef GS_LANES_HAVE_AVX2

#  if defined(__clang__)
#    pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#  else
#    pragma GCC target("avx2")
#  endif

#  define VEC_WIDTH 8
#  define TUBE_MONO_FN gs_tube_adaa2_mono_avx2
#  define TUBE_LANES_FN gs_tube_adaa2_lanes_avx2

#  include "dsp/tube_adaa2-impl.h"

#  if defined(__clang__)
#    pragma clang attribute pop
#  endif

#else

// ISO C wants at least one declaration in a translation unit.
typedef int gs_tube_adaa2_avx2_unused;

#endif
