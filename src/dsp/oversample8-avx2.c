// SPDX-License-Identifier: ISC
// The 8-channel oversampler's variant for x86 CPUs with AVX2: 8 lanes.

#include "dsp/lanes-variants.h"

#ifdef GS_LANES_HAVE_AVX2

#  if defined(__clang__)
#    pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#  else
#    pragma GCC target("avx2")
#  endif

#  define VEC_WIDTH 8
#  define UP8_FN gs_oversample8_up_avx2
#  define DOWN8_FN gs_oversample8_down_avx2
#  define DOWN8_FIR_FN gs_oversample8_down_fir_avx2
#  define DOWN8_IIR_FN gs_oversample8_down_iir_avx2

#  include "dsp/oversample8-impl.h"

#  if defined(__clang__)
#    pragma clang attribute pop
#  endif

#else

// ISO C wants at least one declaration in a translation unit.
typedef int gs_oversample8_avx2_unused;

#endif
