// SPDX-License-Identifier: ISC
// The 8-lane transformer's variant for x86 CPUs with AVX2: 8 lanes.

#include "dsp/lanes-variants.h"

#ifdef GS_LANES_HAVE_AVX2

#  if defined(__clang__)
#    pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#  else
#    pragma GCC target("avx2")
#  endif

#  define VEC_WIDTH 8
#  define TRANSFORMER8_FN gs_transformer8_kernel_avx2

#  include "model/transformer8-impl.h"

#  if defined(__clang__)
#    pragma clang attribute pop
#  endif

#else

// ISO C wants at least one declaration in a translation unit.
typedef int gs_transformer8_avx2_unused;

#endif
