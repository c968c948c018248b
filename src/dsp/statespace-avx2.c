// SPDX-License-Identifier: ISC
// The state-space filter's variant for x86 CPUs with AVX2 and FMA3: 4 double lanes.

#include "dsp/statespace-variants.h"

#ifdef GS_STATESPACE_HAVE_AVX2

#  if defined(__clang__)
#    pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#  else
#    pragma GCC target("avx2,fma")
#  endif

#  include <immintrin.h>

#  define VEC_WIDTH 4
// a b + c, rounded once.
#  define MADD(a, b, c) ((Vec)_mm256_fmadd_pd((__m256d)(a), (__m256d)(b), (__m256d)(c)))
#  define BROADCAST(p) ((Vec)_mm256_broadcast_sd(p))
#  define WIDEN(p) ((Vec)_mm256_cvtps_pd(_mm_loadu_ps(p)))
#  define NARROW(p, v) _mm_storeu_ps((p), _mm256_cvtpd_ps((__m256d)(v)))
#  define GROUPS_FN gs_statespace_groups_avx2
#  define PENDING_FN gs_statespace_pending_avx2

#  include "dsp/statespace-impl.h"

#  if defined(__clang__)
#    pragma clang attribute pop
#  endif

#else

// ISO C wants at least one declaration in a translation unit.
typedef int gs_statespace_avx2_unused;

#endif
