// SPDX-License-Identifier: ISC
// The state-space filter: its matrices from the sections, blocks split into groups, the variants.

#include "dsp/statespace.h"

#include "dsp/statespace-variants.h"

#define GROUP GS_STATESPACE_GROUP
#define ORDER GS_STATESPACE_ORDER
#define MAX_SECTIONS GS_STATESPACE_MAX_SECTIONS

// One sample through the sections in series, transposed direct form II as in
// gs_biquad_process(), in double throughout; coef holds b0, b1, b2, a1, a2 of
// each section and z its z1, z2.
static double step(const double *coef, double *z, double x) GS_REALTIME
{
  for (unsigned s = 0; s < MAX_SECTIONS; ++s) {
    const double *c = coef + 5 * s;
    double *zs = z + 2 * s;
    const double y = c[0] * x + zs[0];
    zs[0] = (c[1] * x + zs[1]) - c[3] * y;
    zs[1] = c[2] * x - c[4] * y;
    x = y;
  }
  return x;
}

// The block form by running the recursion on unit inputs and unit states:
// the columns of its matrices are the responses to them. 7 x 8 samples.
static void design(GsStateSpace *ss) GS_REALTIME
{
  double z[ORDER] = {0};
  // A unit input at sample 0: its outputs are h; the state after sample m is
  // what a unit input at sample GROUP - 1 - m leaves at the end of a group.
  for (unsigned k = 0; k < GROUP; ++k) {
    ss->h[k] = step(&ss->coef[0][0], z, k == 0 ? 1.0 : 0.0);
    for (unsigned r = 0; r < GROUP; ++r) {
      ss->in[GROUP - 1 - k][r] = r < ORDER ? z[r] : 0.0;
    }
  }
  // Each state variable alone, with no input: its outputs and the state it
  // leaves after a group.
  for (unsigned i = 0; i < ORDER; ++i) {
    for (unsigned r = 0; r < ORDER; ++r) {
      z[r] = r == i ? 1.0 : 0.0;
    }
    for (unsigned k = 0; k < GROUP; ++k) {
      ss->out[i][k] = step(&ss->coef[0][0], z, 0.0);
    }
    for (unsigned r = 0; r < GROUP; ++r) {
      ss->next[i][r] = r < ORDER ? z[r] : 0.0;
    }
  }
}

// Copies the sections' coefficients, pass-through for the absent ones; false
// when they are those in place.
static bool take_coefficients(GsStateSpace *ss, const GsBiquad *sections, unsigned n_sections)
  GS_REALTIME
{
  bool changed = false;
  for (unsigned s = 0; s < MAX_SECTIONS; ++s) {
    const double c[5] = {
      s < n_sections ? sections[s].b0 : 1.0, s < n_sections ? sections[s].b1 : 0.0,
      s < n_sections ? sections[s].b2 : 0.0, s < n_sections ? sections[s].a1 : 0.0,
      s < n_sections ? sections[s].a2 : 0.0,
    };
    for (unsigned j = 0; j < 5; ++j) {
      changed |= ss->coef[s][j] != c[j];
      ss->coef[s][j] = c[j];
    }
  }
  return changed;
}

GsStatus gs_statespace_init(GsStateSpace *ss, const GsBiquad *sections, unsigned n_sections)
{
  if (n_sections < 1 || n_sections > MAX_SECTIONS) {
    return GS_ERR_RANGE;
  }
  *ss = (GsStateSpace){0};
  ss->variant = GS_STATESPACE_C;
  for (int v = GS_STATESPACE_N_VARIANTS - 1; v >= 0; --v) {
    if (gs_statespace_variant_supported((GsStateSpaceVariant)v)) {
      ss->variant = (GsStateSpaceVariant)v;
    }
  }
  (void)take_coefficients(ss, sections, n_sections);
  design(ss);
  return GS_OK;
}

void gs_statespace_set_sections(GsStateSpace *ss, const GsBiquad *sections, unsigned n_sections)
{
  if (n_sections < 1 || n_sections > MAX_SECTIONS) {
    return;
  }
  // The group under way, finished sample by sample with the coefficients it
  // began with: its outputs are out already, its state is brought up to date.
  double z[ORDER], old[MAX_SECTIONS][5];
  for (unsigned r = 0; r < ORDER; ++r) {
    z[r] = ss->state[r];
  }
  for (unsigned s = 0; s < MAX_SECTIONS; ++s) {
    for (unsigned j = 0; j < 5; ++j) {
      old[s][j] = ss->coef[s][j];
    }
  }
  if (!take_coefficients(ss, sections, n_sections)) {
    return;
  }
  for (unsigned k = 0; k < ss->n_pend; ++k) {
    (void)step(&old[0][0], z, ss->pend[k]);
    ss->pend[k] = 0.0;
  }
  for (unsigned r = 0; r < ORDER; ++r) {
    ss->state[r] = z[r];
  }
  ss->n_pend = 0;
  ss->n_groups = 0;
  design(ss);
}

void gs_statespace_reset(GsStateSpace *ss)
{
  for (unsigned r = 0; r < GROUP; ++r) {
    ss->state[r] = 0.0;
    ss->pend[r] = 0.0;
  }
  ss->n_pend = 0;
  ss->n_groups = 0;
}

bool gs_statespace_variant_supported(GsStateSpaceVariant variant)
{
  switch (variant) {
  case GS_STATESPACE_AVX2:
#ifdef GS_STATESPACE_HAVE_AVX2
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return false;
#endif
  case GS_STATESPACE_C: return true;
  case GS_STATESPACE_N_VARIANTS: break;
  }
  return false;
}

const char *gs_statespace_variant_name(GsStateSpaceVariant variant)
{
  switch (variant) {
  case GS_STATESPACE_AVX2: return "avx2";
  case GS_STATESPACE_C: return "c";
  case GS_STATESPACE_N_VARIANTS: break;
  }
  return "unknown";
}

GsStatus gs_statespace_set_variant(GsStateSpace *ss, GsStateSpaceVariant variant)
{
  if (!gs_statespace_variant_supported(variant)) {
    return GS_ERR_RANGE;
  }
  ss->variant = variant;
  return GS_OK;
}

static void groups(GsStateSpace *ss, const float *in, float *out, uint32_t n_groups) GS_REALTIME
{
#ifdef GS_STATESPACE_HAVE_AVX2
  if (ss->variant == GS_STATESPACE_AVX2) {
    gs_statespace_groups_avx2(ss, in, out, n_groups);
    return;
  }
#endif
  gs_statespace_groups_c(ss, in, out, n_groups);
}

static void pending(GsStateSpace *ss, float *y, bool advance) GS_REALTIME
{
#ifdef GS_STATESPACE_HAVE_AVX2
  if (ss->variant == GS_STATESPACE_AVX2) {
    gs_statespace_pending_avx2(ss, y, advance);
    return;
  }
#endif
  gs_statespace_pending_c(ss, y, advance);
}

// Adds up to n samples to the group under way (as many as it lacks) and
// writes their outputs; steps the state once the group is whole. Returns how
// many samples it took.
static uint32_t add_to_group(GsStateSpace *ss, const float *in, float *out, uint32_t n)
  GS_REALTIME
{
  const unsigned k0 = ss->n_pend;
  const uint32_t m = n < GROUP - k0 ? n : GROUP - k0;
  for (uint32_t j = 0; j < m; ++j) {
    ss->pend[k0 + j] = in[j];
  }
  ss->n_pend = k0 + m;
  const bool whole = ss->n_pend == GROUP;
  float y[GROUP];
  pending(ss, y, whole);
  for (uint32_t j = 0; j < m; ++j) {
    out[j] = y[k0 + j];
  }
  if (whole) {
    for (unsigned k = 0; k < GROUP; ++k) {
      ss->pend[k] = 0.0;
    }
    ss->n_pend = 0;
  }
  return m;
}

void gs_statespace_process(GsStateSpace *ss, const float *in, float *out, uint32_t n)
{
  uint32_t i = 0;
  if (ss->n_pend && n) {
    i = add_to_group(ss, in, out, n);
  }
  const uint32_t n_groups = (n - i) / GROUP;
  if (n_groups) {
    groups(ss, in + i, out + i, n_groups);
    i += n_groups * GROUP;
  }
  if (i < n) {
    (void)add_to_group(ss, in + i, out + i, n - i);
  }
}
