// SPDX-License-Identifier: ISC
// Look-ahead gain reduction: a windowed minimum of the needed gain, averaged
// over the same window.

#include "dsp/lookahead.h"

#include <math.h>

GsStatus gs_lookahead_init(GsLookahead *l, uint32_t length, float ceiling, double release_s,
                           double rate_hz)
{
  if (length < 1 || length > GS_LOOKAHEAD_MAX || !(ceiling > 0.0f) || !(release_s > 0.0) ||
      !(rate_hz > 0.0)) {
    return GS_ERR_RANGE;
  }
  l->length = length;
  l->ceiling = ceiling;
  l->release_coef = 1.0 - exp(-1.0 / (release_s * rate_hz));
  gs_lookahead_reset(l);
  return GS_OK;
}

void gs_lookahead_reset(GsLookahead *l)
{
  for (uint32_t i = 0; i < GS_LOOKAHEAD_MAX; ++i) {
    l->delay[i] = 0.0f;
    l->need[i] = 1.0f;
    l->hold[i] = 1.0;
  }
  l->dq_head = l->dq_len = 0;
  l->hold_sum = (double)l->length;
  l->t = 0;
  l->gain = 1.0;
  l->acted = 0;
  l->deepest = 1.0;
  l->first_t = 0;
  l->reducing = false;
}

void gs_lookahead_process(GsLookahead *l, const float *in, float *out, uint32_t n)
{
  const uint32_t len = l->length;
  const double rel = l->release_coef;
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t slot = (uint32_t)(l->t % len);
    // Out first: the sample that entered len samples ago, with the average
    // of the len window minima since then. Each of those windows held that
    // sample's need, so the average is at most its need: it leaves at or
    // below the ceiling.
    const double average = l->hold_sum / (double)len;
    double g = l->gain;
    g = average < g ? average : g + rel * (average - g);  // down with the ramp, up by release
    l->gain = g;
    const float delayed = l->delay[slot];
    const float x = in[i];
    l->delay[slot] = x;
    out[i] = (float)(delayed * g);

    // Then in: this sample's need joins the window minimum (a monotonic
    // deque of slots, oldest at the head), replacing the one len ago.
    const float a = fabsf(x);
    const float need = a > l->ceiling ? l->ceiling / a : 1.0f;  // NaN needs no reduction
    if (l->dq_len && l->deque[l->dq_head] == slot) {  // the oldest leaves the window
      l->dq_head = (l->dq_head + 1) % len;
      --l->dq_len;
    }
    while (l->dq_len && l->need[l->deque[(l->dq_head + l->dq_len - 1) % len]] >= need) {
      --l->dq_len;
    }
    l->need[slot] = need;
    l->deque[(l->dq_head + l->dq_len) % len] = slot;
    ++l->dq_len;
    const double minimum = l->need[l->deque[l->dq_head]];
    l->hold_sum += minimum - l->hold[slot];
    l->hold[slot] = minimum;

    // Episodes: a reduction deeper than 0.1 dB begins one.
    const bool reducing = g < 0.98855;  // -0.1 dB
    if (reducing && !l->reducing) {
      if (!l->acted) {
        l->first_t = l->t;
      }
      ++l->acted;
    }
    l->reducing = reducing;
    l->deepest = g < l->deepest ? g : l->deepest;
    ++l->t;
  }
  // The running sum accumulates rounding; rebuild it once per block.
  double sum = 0.0;
  for (uint32_t k = 0; k < len; ++k) {
    sum += l->hold[k];
  }
  l->hold_sum = sum;
}

void gs_lookahead_take(GsLookahead *l, uint64_t *episodes, double *deepest_db,
                       uint64_t *first_sample)
{
  *episodes = l->acted;
  *deepest_db = l->deepest < 1.0 ? 20.0 * log10(l->deepest) : 0.0;
  *first_sample = l->first_t;
  l->acted = 0;
  l->deepest = 1.0;
}
