// SPDX-License-Identifier: ISC
// A cascade of up to three biquads run as one state-space filter, eight outputs per step.

#ifndef GS_DSP_STATESPACE_H
#define GS_DSP_STATESPACE_H

#include "dsp/biquad.h"
#include "gainstage/realtime.h"
#include "gainstage/status.h"

#include <stdbool.h>
#include <stdint.h>

/// Most sections in one filter.
#define GS_STATESPACE_MAX_SECTIONS 3
/// Its state: z1 and z2 of each section's transposed direct form II.
#define GS_STATESPACE_ORDER (2 * GS_STATESPACE_MAX_SECTIONS)
/// Samples computed per step of the recursion.
#define GS_STATESPACE_GROUP 8

/// Processing variants, fastest first (SPA style); GS_STATESPACE_C runs
/// everywhere. Both compute the same filter; they differ in rounding only
/// (fused multiply-adds), by about 1e-16 of the signal.
typedef enum {
  GS_STATESPACE_AVX2,  ///< x86 AVX2 and FMA3: 4 double lanes
  GS_STATESPACE_C,     ///< portable C (SSE2 on x86-64): 2 double lanes
  GS_STATESPACE_N_VARIANTS,
} GsStateSpaceVariant;

/// The sections of gs_biquad_cascade_process() in series, in double with no
/// rounding to float between them, computed a group of eight samples at a
/// time. With s the state (z1, z2 of each section) at the start of a group
/// and x[0..7] its inputs (a block state-space form; e.g. C. S. Burrus,
/// "Block realization of digital filters", IEEE Trans. Audio Electroacoust.
/// 20(4), 1972):
///
///   y[k] = sum_i out[i][k] s[i] + sum_(d<=k) h[d] x[k-d]
///   s'   = sum_i next[i] s[i]   + sum_j in[j] x[j]
///
/// where h is the impulse response, out[i] the outputs from state i alone,
/// next[i] = A^8 e_i and in[j] = A^(7-j) B. The matrices are found by running
/// the sections' own recursion (set_sections), so they are what eight
/// samples of it compute, up to rounding. Each step waits on one product of
/// the state, not on eight samples of three recursions, and its products run
/// in vector lanes (statespace-impl.h).
///
/// Groups are counted from the start of the stream (init or reset) or from
/// the last change of coefficients. A block that ends inside a group keeps
/// the group's inputs so far; their outputs come from the same arithmetic as
/// a whole group's, and the next block finishes the group. So the output does
/// not depend on how the stream is split into blocks.
///
/// Owned by the processing thread.
typedef struct {
  // The block form, from the coefficients (set_sections). Rows of next and
  // in past the last state variable are zero.
  double h[GS_STATESPACE_GROUP];                          ///< h[d]: impulse response
  double out[GS_STATESPACE_ORDER][GS_STATESPACE_GROUP];   ///< out[i][k]: output k from state i
  double next[GS_STATESPACE_ORDER][GS_STATESPACE_GROUP];  ///< next[i][r]: state r from state i
  double in[GS_STATESPACE_GROUP][GS_STATESPACE_GROUP];    ///< in[j][r]: state r from input j
  double coef[GS_STATESPACE_MAX_SECTIONS][5];  ///< b0, b1, b2, a1, a2 (absent: 1, 0, 0, 0, 0)
  // The state.
  double state[GS_STATESPACE_GROUP];  ///< at the start of the group (past the last variable: zero)
  double pend[GS_STATESPACE_GROUP];   ///< the group's inputs so far
  unsigned n_pend;                    ///< how many (0 to 7)
  unsigned n_groups;                  ///< groups done since the count began (wraps)
  GsStateSpaceVariant variant;        ///< chosen at init: the fastest this CPU runs
} GsStateSpace;

/// Takes the designs of n_sections biquads (1 to GS_STATESPACE_MAX_SECTIONS,
/// else GS_ERR_RANGE) and clears the state. Main thread.
GsStatus gs_statespace_init(GsStateSpace *ss, const GsBiquad *sections, unsigned n_sections);
/// Takes new designs (n_sections as above; other counts are ignored), keeping
/// the state, as gs_biquad_set_coefficients() does: a group under way is
/// finished with the old coefficients first (its state brought up to date),
/// and the groups count afresh from here. Returns early when the coefficients
/// are unchanged. Real-time safe (between blocks).
void gs_statespace_set_sections(GsStateSpace *ss, const GsBiquad *sections, unsigned n_sections)
  GS_REALTIME;
/// Clears the state. Real-time safe.
void gs_statespace_reset(GsStateSpace *ss) GS_REALTIME;
/// Filters n samples (any n, 0 included); in and out may be the same buffer.
/// At the end of every sixteenth group the state of each section with
/// |z1| + |z2| below 1e-30 (-600 dBFS) is cleared, so silence never leaves
/// denormals. Real-time safe.
void gs_statespace_process(GsStateSpace *ss, const float *in, float *out, uint32_t n)
  GS_REALTIME;

/// Whether this build and CPU can run a variant. Main thread.
bool gs_statespace_variant_supported(GsStateSpaceVariant variant);
/// A short name for a variant ("avx2", "c"); never NULL.
const char *gs_statespace_variant_name(GsStateSpaceVariant variant);
/// Picks a variant (tests, benchmarks); GS_ERR_RANGE if this build or CPU
/// cannot run it. Main thread.
GsStatus gs_statespace_set_variant(GsStateSpace *ss, GsStateSpaceVariant variant);

#endif  // GS_DSP_STATESPACE_H
