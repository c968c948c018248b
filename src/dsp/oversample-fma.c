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
#  include <string.h>

// p[0], p[1], p[0], p[1] as doubles: the two floats broadcast as one 64-bit
// load (memcpy: no aliasing of float as double), then widened.
static inline __m256d splat_floats_fma(const float *p)
{
  double bits;
  memcpy(&bits, p, sizeof(bits));
  return _mm256_cvtps_pd(_mm_castpd_ps(_mm_set1_pd(bits)));
}

// a b + c and c - a b, rounded once, on four lanes (Vec) and on two (Pair).
#  define MADD(a, b, c) ((Vec)_mm256_fmadd_pd((a), (b), (c)))
#  define NMADD(a, b, c) ((Vec)_mm256_fnmadd_pd((a), (b), (c)))
#  define MADD2(a, b, c) ((Pair)_mm_fmadd_pd((a), (b), (c)))
#  define NMADD2(a, b, c) ((Pair)_mm_fnmadd_pd((a), (b), (c)))
// The halves of a vector and a vector of two halves, without the zeroing
// moves the vector extension's shuffles leave.
#  define LO_HALF(v) ((Pair)_mm256_castpd256_pd128((__m256d)(v)))
#  define HI_HALF(v) ((Pair)_mm256_extractf128_pd((__m256d)(v), 1))
#  define JOIN(a, b) ((Vec)_mm256_insertf128_pd(_mm256_castpd128_pd256((__m128d)(a)), (__m128d)(b), 1))
#  define BLEND(a, b) ((Vec)_mm256_blend_pd((__m256d)(a), (__m256d)(b), 0xc))
#  define WIDEN(a) ((Vec)_mm256_castpd128_pd256((__m128d)(a)))
#  define STORE_FLOATS(p, v) _mm_storel_pi((__m64 *)(void *)(p), _mm_cvtpd_ps((__m128d)(v)))
// Broadcasts from memory, converted: no shuffle instructions.
#  define SPLAT_FLOAT(p) ((Vec)_mm256_cvtps_pd(_mm_broadcast_ss(p)))
#  define SPLAT_FLOATS(p) ((Vec)splat_floats_fma(p))
#  define SPLAT_DOUBLE(p) ((Vec)_mm256_broadcast_sd(p))
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
