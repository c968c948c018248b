// SPDX-License-Identifier: ISC
// Strip meters and their lock-free publication.

#include "engine/meters.h"

#include "gainstage/units.h"

#include <math.h>
#include <string.h>

#define RMS_TIME_S 0.3   // RMS integration, as a VU-like meter
#define HOLD_TIME_S 2.0  // peak hold

static uint32_t bits(float x)
{
  uint32_t b;
  memcpy(&b, &x, sizeof b);
  return b;
}

static float from_bits(uint32_t b)
{
  float x;
  memcpy(&x, &b, sizeof x);
  return x;
}

static float to_db(double x)
{
  return x > 1e-10 ? (float)(20.0 * log10(x)) : -200.0f;
}

void gs_meter_state_init(GsMeterState *m, double rate_hz)
{
  *m = (GsMeterState){0};
  gs_loudness_init(&m->loudness, rate_hz, 1);  // rate already checked by the engine
}

void gs_meter_state_add(GsMeterState *m, const float *samples, const float *volts, uint32_t n,
                        double rate_hz)
{
  // One-pole mean square per block: the block's own mean square weighs in by
  // its length, so the time constant does not depend on the block size.
  float peak = m->block_peak, in_peak = m->input_peak_v;
  double sum = 0.0;
  for (uint32_t i = 0; i < n; ++i) {
    const float a = fabsf(samples[i]), v = fabsf(volts[i]);
    peak = a > peak ? a : peak;
    in_peak = v > in_peak ? v : in_peak;
    sum += (double)samples[i] * samples[i];
  }
  const double w = 1.0 - exp(-(double)n / (rate_hz * RMS_TIME_S));
  m->mean_square += w * (sum / (n ? n : 1) - m->mean_square);
  m->block_peak = peak;
  m->input_peak_v = in_peak;
  gs_loudness_add_frames(&m->loudness, samples, n);
  m->hold_age_s += (float)(n / rate_hz);
  if (peak >= m->hold || m->hold_age_s > HOLD_TIME_S) {
    m->hold = peak;
    m->hold_age_s = 0.0f;
  }
}

void gs_meter_publish(GsMeterState *m, GsMeterSlot *slot)
{
  const uint32_t seq = atomic_load_explicit(&slot->seq, memory_order_relaxed);
  atomic_store_explicit(&slot->seq, seq + 1, memory_order_relaxed);
  atomic_thread_fence(memory_order_release);
  atomic_store_explicit(&slot->peak, bits(to_db(m->block_peak)), memory_order_relaxed);
  atomic_store_explicit(&slot->hold, bits(to_db(m->hold)), memory_order_relaxed);
  atomic_store_explicit(&slot->rms, bits(to_db(sqrt(m->mean_square))), memory_order_relaxed);
  // The preamp output as the dBu of a sine with that peak.
  const double dbu = gs_volts_to_dbu(m->input_peak_v / sqrt(2.0));
  atomic_store_explicit(&slot->input_peak, bits((float)dbu), memory_order_relaxed);
  atomic_store_explicit(&slot->clips, m->clips, memory_order_relaxed);
  const double mom = gs_loudness_momentary(&m->loudness);
  const double st = gs_loudness_shortterm(&m->loudness);
  atomic_store_explicit(&slot->momentary, bits(mom > -200.0 ? (float)mom : -200.0f),
                        memory_order_relaxed);
  atomic_store_explicit(&slot->shortterm, bits(st > -200.0 ? (float)st : -200.0f),
                        memory_order_relaxed);
  atomic_store_explicit(&slot->clip_safe_db, bits(m->clip_safe_db), memory_order_relaxed);
  atomic_store_explicit(&slot->clip_safe_acted, m->clip_safe_acted, memory_order_relaxed);
  atomic_store_explicit(&slot->clip_safe_frame, m->clip_safe_frame, memory_order_relaxed);
  atomic_store_explicit(&slot->seq, seq + 2, memory_order_release);
  m->clip_safe_db = 0.0f;
  m->block_peak = 0.0f;
  m->input_peak_v = 0.0f;
}

void gs_meter_read(const GsMeterSlot *slot, GsStripMeters *out)
{
  GsMeterSlot *s = (GsMeterSlot *)(uintptr_t)slot;  // atomics are read, never written
  for (;;) {
    const uint32_t before = atomic_load_explicit(&s->seq, memory_order_acquire);
    out->peak_dbfs = from_bits(atomic_load_explicit(&s->peak, memory_order_relaxed));
    out->peak_hold_dbfs = from_bits(atomic_load_explicit(&s->hold, memory_order_relaxed));
    out->rms_dbfs = from_bits(atomic_load_explicit(&s->rms, memory_order_relaxed));
    out->input_peak_dbu = from_bits(atomic_load_explicit(&s->input_peak, memory_order_relaxed));
    out->clips = atomic_load_explicit(&s->clips, memory_order_relaxed);
    out->momentary_lufs = from_bits(atomic_load_explicit(&s->momentary, memory_order_relaxed));
    out->shortterm_lufs = from_bits(atomic_load_explicit(&s->shortterm, memory_order_relaxed));
    out->clip_safe_db = from_bits(atomic_load_explicit(&s->clip_safe_db, memory_order_relaxed));
    out->clip_safe_acted = atomic_load_explicit(&s->clip_safe_acted, memory_order_relaxed);
    out->clip_safe_frame = atomic_load_explicit(&s->clip_safe_frame, memory_order_relaxed);
    atomic_thread_fence(memory_order_acquire);
    const uint32_t after = atomic_load_explicit(&s->seq, memory_order_relaxed);
    if (before == after && !(before & 1u)) {
      return;
    }
  }
}
