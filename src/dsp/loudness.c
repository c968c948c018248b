// SPDX-License-Identifier: ISC
// Loudness per ITU-R BS.1770-4 and EBU R128 (Tech 3341, Tech 3342).

#include "dsp/loudness.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

// K-weighting for any sample rate (ITU-R BS.1770-4 Annex 1, Tables 1 and 2).
//
// The standard gives both stages only as 48 kHz biquads:
//   pre-filter  b = 1.53512485958697, -2.69169618940638, 1.19839281085285
//               a = 1, -1.69065929318241, 0.73248077421585
//   RLB         b = 1, -2, 1
//               a = 1, -1.99004745483398, 0.99007225036621
// Each is the bilinear transform, prewarped at its corner, of an analog
// prototype; inverting that transform at 48 kHz gives the prototype, which we
// then transform again at the wanted rate. With K = tan(pi f0 / fs) and
// a0 = 1 + K/Q + K^2, the digital forms are
//   high shelf  b = (Vh + Vb K/Q + K^2, 2 (K^2 - Vh), Vh - Vb K/Q + K^2) / a0
//   high-pass   b = (1, -2, 1) (the standard keeps the numerator unnormalised)
//   both        a = (1, 2 (K^2 - 1) / a0, (1 - K/Q + K^2) / a0)
// so from a 48 kHz biquad
//   K^2 = (1 + a1 + a2) / (1 - a1 + a2)     K/Q = 2 (1 - a2) / (1 - a1 + a2)
//   Vh  = (b0 - b1 + b2) / (1 - a1 + a2)     Vb = (b0 - b2) / (1 - a2)
// and f0 = 48000 atan(K) / pi. Evaluated in double from the table above
// (the shelf's DC gain b0 + b1 + b2 = 1 + a1 + a2 holds to 3e-16, so the shelf
// is exactly this form):
#define SHELF_F0_HZ 1681.9744509555323
#define SHELF_Q 0.7071752369554194
#define SHELF_VH 1.5848647011308554  // +3.99984 dB above the corner
#define SHELF_VB 1.2587209302325613  // the gain at the corner, about sqrt(Vh)
#define RLB_F0_HZ 38.13547087611304
#define RLB_Q 0.5003270373250421
// tests/unit/dsp/test_loudness.c checks that the 48 kHz design reproduces the
// table to 1e-12, and libebur128 (which fits its own prototype) at other rates.

// -0.691 dB cancels the K-weighting's gain at 1 kHz, so that a full-scale
// 1 kHz sine in one front channel reads -3.01 LKFS (BS.1770-4 Annex 1, the
// loudness formula).
#define LOUDNESS_OFFSET_DB (-0.691)
#define MOMENTARY_STEPS 4
#define RELATIVE_GATE_I_LU (-10.0)    // BS.1770-4 Annex 1, gating
#define RELATIVE_GATE_LRA_LU (-20.0)  // EBU Tech 3342 section 3
// A filter state this small is zeroed at the end of each step. It stays far
// above double's denormals: the slowest pole (the RLB's) shrinks a state by
// about 1e-10 per 100 ms at any rate, so no state gets below 1e-35.
#define STATE_FLUSH 1e-25

static void design_k_weighting(double coef[2][5], double rate_hz)
{
  const double pi = 3.14159265358979323846;
  double k = tan(pi * SHELF_F0_HZ / rate_hz);
  double a0 = 1.0 + k / SHELF_Q + k * k;
  coef[0][0] = (SHELF_VH + SHELF_VB * k / SHELF_Q + k * k) / a0;
  coef[0][1] = 2.0 * (k * k - SHELF_VH) / a0;
  coef[0][2] = (SHELF_VH - SHELF_VB * k / SHELF_Q + k * k) / a0;
  coef[0][3] = 2.0 * (k * k - 1.0) / a0;
  coef[0][4] = (1.0 - k / SHELF_Q + k * k) / a0;

  k = tan(pi * RLB_F0_HZ / rate_hz);
  a0 = 1.0 + k / RLB_Q + k * k;
  coef[1][0] = 1.0;
  coef[1][1] = -2.0;
  coef[1][2] = 1.0;
  coef[1][3] = 2.0 * (k * k - 1.0) / a0;
  coef[1][4] = (1.0 - k / RLB_Q + k * k) / a0;
}

GsStatus gs_loudness_init(GsLoudness *l, double rate_hz, unsigned channels)
{
  if (!l) {
    return GS_ERR_USAGE;
  }
  if (!(rate_hz >= 8000.0 && rate_hz <= 768000.0) || channels < 1 ||
      channels > GS_LOUDNESS_MAX_CHANNELS) {
    return GS_ERR_RANGE;
  }
  memset(l, 0, sizeof *l);
  l->rate_hz = rate_hz;
  l->channels = channels;
  l->step_frames = (uint32_t)lround(rate_hz / 10.0);
  design_k_weighting(l->coef, rate_hz);

  // BS.1770-4 Annex 1: G = 1 for L, R, C; 1.41 (+1.5 dB) for Ls, Rs; the LFE
  // is not measured.
  for (unsigned i = 0; i < GS_LOUDNESS_MAX_CHANNELS; ++i) {
    l->weight[i] = i < channels ? 1.0 : 0.0;
  }
  if (channels == 5) {
    l->weight[3] = l->weight[4] = 1.41;
  } else if (channels == 6) {
    l->weight[3] = 0.0;
    l->weight[4] = l->weight[5] = 1.41;
  }
  gs_loudness_reset(l);
  return GS_OK;
}

GsStatus gs_loudness_set_weight(GsLoudness *l, unsigned channel, double weight)
{
  if (!l) {
    return GS_ERR_USAGE;
  }
  if (channel >= l->channels || !(weight >= 0.0 && isfinite(weight))) {
    return GS_ERR_RANGE;
  }
  l->weight[channel] = weight;
  return GS_OK;
}

void gs_loudness_reset(GsLoudness *l)
{
  memset(l->state, 0, sizeof l->state);
  l->step_pos = 0;
  l->step_energy = 0.0;
  memset(l->steps, 0, sizeof l->steps);
  l->steps_head = 0;
  l->n_steps = 0;
  memset(l->hist_m, 0, sizeof l->hist_m);
  l->m_sum = 0.0;
  l->m_n = 0;
  l->m_over_sum = 0.0;
  l->m_over_n = 0;
  memset(l->hist_s, 0, sizeof l->hist_s);
  l->s_sum = 0.0;
  l->s_n = 0;
}

// Loudness of a weighted mean square, and back.
static double energy_to_lufs(double energy)
{
  return LOUDNESS_OFFSET_DB + 10.0 * log10(energy);
}

static double lufs_to_energy(double lufs)
{
  return pow(10.0, (lufs - LOUDNESS_OFFSET_DB) / 10.0);
}

// The histogram bin of a block's loudness, or -1 below the floor (gated out),
// or GS_LOUDNESS_BINS above the top.
static long bin_of(double lufs)
{
  if (!(lufs > GS_LOUDNESS_FLOOR_LUFS)) {
    return -1;
  }
  const double b = floor((lufs - GS_LOUDNESS_FLOOR_LUFS) / GS_LOUDNESS_BIN_LU);
  return b >= (double)GS_LOUDNESS_BINS ? GS_LOUDNESS_BINS : (long)b;
}

// Mean square of the last n complete steps (n <= n_steps).
static double window_energy(const GsLoudness *l, uint32_t n)
{
  double sum = 0.0;
  uint32_t i = l->steps_head;
  for (uint32_t k = 0; k < n; ++k) {
    i = (i == 0) ? GS_LOUDNESS_STEPS - 1 : i - 1;
    sum += l->steps[i];
  }
  return sum / ((double)n * (double)l->step_frames);
}

static void end_step(GsLoudness *l)
{
  double energy = l->step_energy;
  if (!isfinite(energy)) {
    memset(l->state, 0, sizeof l->state);
    energy = 0.0;
  }
  for (unsigned c = 0; c < l->channels; ++c) {
    for (int s = 0; s < 2; ++s) {
      for (int k = 0; k < 2; ++k) {
        if (fabs(l->state[c][s][k]) < STATE_FLUSH) {
          l->state[c][s][k] = 0.0;
        }
      }
    }
  }
  l->steps[l->steps_head] = energy;
  l->steps_head = (l->steps_head + 1) % GS_LOUDNESS_STEPS;
  l->n_steps++;
  l->step_energy = 0.0;
  l->step_pos = 0;

  // A 400 ms gating block ends at every step (75% overlap).
  if (l->n_steps >= MOMENTARY_STEPS) {
    const double z = window_energy(l, MOMENTARY_STEPS);
    const long b = bin_of(energy_to_lufs(z));
    if (b >= 0) {
      l->m_sum += z;
      l->m_n++;
      if (b < GS_LOUDNESS_BINS) {
        l->hist_m[b]++;
      } else {
        l->m_over_sum += z;
        l->m_over_n++;
      }
    }
  }
  // And a 3 s block for the loudness range.
  if (l->n_steps >= GS_LOUDNESS_STEPS) {
    const double z = window_energy(l, GS_LOUDNESS_STEPS);
    long b = bin_of(energy_to_lufs(z));
    if (b >= 0) {
      l->s_sum += z;
      l->s_n++;
      l->hist_s[b < GS_LOUDNESS_BINS ? b : GS_LOUDNESS_BINS - 1]++;
    }
  }
}

// Filters n frames of channel c (stride apart) through both stages and
// returns the sum of squares of the output.
static double filter_channel(GsLoudness *l, unsigned c, const float *x, uint32_t n,
                             unsigned stride)
{
  const double pb0 = l->coef[0][0], pb1 = l->coef[0][1], pb2 = l->coef[0][2];
  const double pa1 = l->coef[0][3], pa2 = l->coef[0][4];
  const double rb0 = l->coef[1][0], rb1 = l->coef[1][1], rb2 = l->coef[1][2];
  const double ra1 = l->coef[1][3], ra2 = l->coef[1][4];
  double p1 = l->state[c][0][0], p2 = l->state[c][0][1];
  double r1 = l->state[c][1][0], r2 = l->state[c][1][1];
  double sum = 0.0;
  for (uint32_t i = 0; i < n; ++i) {
    const double in = (double)x[(size_t)i * stride];
    const double u = pb0 * in + p1;
    p1 = pb1 * in - pa1 * u + p2;
    p2 = pb2 * in - pa2 * u;
    const double y = rb0 * u + r1;
    r1 = rb1 * u - ra1 * y + r2;
    r2 = rb2 * u - ra2 * y;
    sum += y * y;
  }
  l->state[c][0][0] = p1;
  l->state[c][0][1] = p2;
  l->state[c][1][0] = r1;
  l->state[c][1][1] = r2;
  return sum;
}

void gs_loudness_add_frames(GsLoudness *l, const float *frames, uint32_t n_frames)
{
  if (!frames || l->step_frames == 0) {  // step_frames is 0 only before init
    return;
  }
  const unsigned channels = l->channels;
  while (n_frames > 0) {
    uint32_t n = l->step_frames - l->step_pos;
    if (n > n_frames) {
      n = n_frames;
    }
    double energy = 0.0;
    for (unsigned c = 0; c < channels; ++c) {
      if (l->weight[c] > 0.0) {
        energy += l->weight[c] * filter_channel(l, c, frames + c, n, channels);
      }
    }
    l->step_energy += energy;
    l->step_pos += n;
    frames += (size_t)n * channels;
    n_frames -= n;
    if (l->step_pos == l->step_frames) {
      end_step(l);
    }
  }
}

double gs_loudness_momentary(const GsLoudness *l)
{
  if (l->n_steps < MOMENTARY_STEPS) {
    return -HUGE_VAL;
  }
  return energy_to_lufs(window_energy(l, MOMENTARY_STEPS));
}

double gs_loudness_shortterm(const GsLoudness *l)
{
  if (l->n_steps < GS_LOUDNESS_STEPS) {
    return -HUGE_VAL;
  }
  return energy_to_lufs(window_energy(l, GS_LOUDNESS_STEPS));
}

// The first bin whose centre lies above gate_lufs.
static long first_bin_above(double gate_lufs)
{
  const double b = ceil((gate_lufs - GS_LOUDNESS_FLOOR_LUFS) / GS_LOUDNESS_BIN_LU - 0.5);
  if (b < 0.0) {
    return 0;
  }
  return b > (double)GS_LOUDNESS_BINS ? GS_LOUDNESS_BINS : (long)b;
}

double gs_loudness_integrated(const GsLoudness *l)
{
  if (l->m_n == 0) {
    return -HUGE_VAL;
  }
  const double gate =
    energy_to_lufs(l->m_sum / (double)l->m_n) + RELATIVE_GATE_I_LU;
  const long first = first_bin_above(gate);

  // Bin centres' mean squares form a geometric series: one ratio per bin.
  const double ratio = pow(10.0, GS_LOUDNESS_BIN_LU / 10.0);
  double energy = lufs_to_energy(GS_LOUDNESS_FLOOR_LUFS +
                                 ((double)first + 0.5) * GS_LOUDNESS_BIN_LU);
  double sum = l->m_over_sum;
  uint64_t n = l->m_over_n;
  for (long b = first; b < GS_LOUDNESS_BINS; ++b) {
    sum += (double)l->hist_m[b] * energy;
    n += l->hist_m[b];
    energy *= ratio;
  }
  return n ? energy_to_lufs(sum / (double)n) : -HUGE_VAL;
}

// The loudness of the block of rank r (0-based, ascending) among the
// histogram's bins from first on.
static double rank_lufs(const uint32_t *hist, long first, uint64_t r)
{
  uint64_t seen = 0;
  for (long b = first; b < GS_LOUDNESS_BINS; ++b) {
    seen += hist[b];
    if (seen > r) {
      return GS_LOUDNESS_FLOOR_LUFS + ((double)b + 0.5) * GS_LOUDNESS_BIN_LU;
    }
  }
  return GS_LOUDNESS_FLOOR_LUFS + (GS_LOUDNESS_BINS - 0.5) * GS_LOUDNESS_BIN_LU;
}

double gs_loudness_range(const GsLoudness *l)
{
  if (l->s_n == 0) {
    return 0.0;
  }
  const double gate = energy_to_lufs(l->s_sum / (double)l->s_n) + RELATIVE_GATE_LRA_LU;
  const long first = first_bin_above(gate);
  uint64_t n = 0;
  for (long b = first; b < GS_LOUDNESS_BINS; ++b) {
    n += l->hist_s[b];
  }
  if (n == 0) {
    return 0.0;
  }
  // Nearest rank: the value at round((n - 1) p) in ascending order.
  const uint64_t lo = (uint64_t)llround((double)(n - 1) * 0.10);
  const uint64_t hi = (uint64_t)llround((double)(n - 1) * 0.95);
  return rank_lufs(l->hist_s, first, hi) - rank_lufs(l->hist_s, first, lo);
}
