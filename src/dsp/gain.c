// SPDX-License-Identifier: ISC
// A gain in dB that glides to a new setting through a one-pole smoother.

#include "dsp/gain.h"

#include <math.h>

// The glide stops (snaps to the target) once it is within this fraction of the
// target: 1e-6 is -120 dB, a step no one can hear, and it is large enough that
// the double-precision glide always reaches it (it would otherwise creep
// towards the target forever). The absolute floor lets a glide to a gain of
// zero settle too: 1e-9 is -180 dB, below a 24-bit LSB.
static const double snap_rel = 1e-6;
static const double snap_abs = 1e-9;

double gs_db_to_gain(double db)
{
  return pow(10.0, db / 20.0);
}

double gs_gain_to_db(double gain)
{
  return 20.0 * log10(gain);
}

void gs_gain_init(GsGain *g, double rate_hz, double time_s, float gain_db)
{
  // One-pole smoother y += c (x - y) with c = 1 - exp(-1 / (time_s rate_hz)):
  // after time_s the remaining distance is 1/e of the step.
  const double samples = time_s * rate_hz;
  g->coef = samples > 0.0 ? (float)(1.0 - exp(-1.0 / samples)) : 1.0f;
  g->target = (float)gs_db_to_gain(gain_db);
  g->current = g->target;
}

void gs_gain_set_db(GsGain *g, float gain_db)
{
  g->target = (float)gs_db_to_gain(gain_db);
}

void gs_gain_set_linear(GsGain *g, float gain)
{
  g->target = gain;
}

bool gs_gain_is_unity(const GsGain *g)
{
  return g->current == 1.0f && g->target == 1.0f;
}

void gs_gain_settle(GsGain *g)
{
  g->current = g->target;
}

// Multiplies by the settled gain: exactly in * target.
static void apply_settled(float gain, const float *in, float *out, uint32_t n)
{
  for (uint32_t i = 0; i < n; ++i) {
    out[i] = in[i] * gain;
  }
}

void gs_gain_process(GsGain *g, const float *in, float *out, uint32_t n)
{
  const float target = g->target;
  if (g->current == target) {
    apply_settled(target, in, out, n);
    return;
  }
  // The glide runs in double so it never stalls short of the target.
  const double tgt = target, c = g->coef, snap = snap_rel * fabs(tgt) + snap_abs;
  double cur = g->current;
  uint32_t i = 0;
  for (; i < n && cur != tgt; ++i) {
    cur += c * (tgt - cur);
    if (fabs(tgt - cur) <= snap) {
      cur = tgt;
    }
    out[i] = (float)(in[i] * cur);
  }
  g->current = (float)cur;
  if (i < n) {
    apply_settled(target, in + i, out + i, n - i);
  }
}
