// SPDX-License-Identifier: ISC
// The oversampler's processing variant for x86 CPUs with AVX2 and FMA3.

#include "dsp/oversample-variants.h"

#ifdef GS_OVERSAMPLE_HAVE_FMA

#  if defined(__clang__)
#    pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#  else
#    pragma GCC target("avx2,fma")
#  endif

#  include <immintrin.h>

// One allpass section, fma(c, x, fma(-c, y1, x1)): one fused operation from
// section to section, two on the recursion through y1.
#  define SECTION(c, x, s0, s1) ((Pair)_mm_fmadd_pd((c), (x), _mm_fnmadd_pd((c), (s1), (s0))))
// AVX holds 8 floats.
#  define FIR_WIDTH 8
#  define UP_FN gs_oversample_up_fma
#  define DOWN_FN gs_oversample_down_fma
#  define DOWN_FIR_FN gs_oversample_down_fir_fma
#  define DOWN_IIR_FN gs_oversample_down_iir_fma

#  include "dsp/oversample-impl.h"

#  if defined(__clang__)
#    pragma clang attribute pop
#  endif

#else

// ISO C wants at least one declaration in a translation unit.
typedef int gs_oversample_fma_unused;

#endif
