// SPDX-License-Identifier: ISC
// A strip's colouring stage on one channel (colour.h).

#include "model/colour.h"

void gs_colour_init(GsColour *c, const GsPreampConfig *config, const GsModelDef *def,
                    const GsStripParams *sp)
{
  const GsPreampInfo *m = &def->info;
  const bool adaa = sp->adaa;
  c->def = def;
  c->rate_hz = config->rate_hz;
  c->factor = sp->factor;
  c->tail_factor = sp->tail_factor;
  c->n_adaa = sp->n_adaa;
  c->rail_scale = sp->rail_scale;
  gs_oversampler_init(&c->os, c->factor, c->rate_hz);  // factor validated
  const double tail_rate = c->rate_hz * c->tail_factor;
  switch (def->core) {
  case GS_CORE_CLEAN:
    gs_shaper_init(&c->shaper, GS_SHAPE_HARD, adaa);
    break;
  case GS_CORE_CONSOLE:
    gs_shaper_init(&c->shaper, GS_SHAPE_RAIL, adaa);
    gs_shaper_set_rail(&c->shaper, def->rail_cubic);
    break;
  case GS_CORE_TRANSFORMER:
    gs_transformer_init(&c->xfmr, c->rate_hz, sp->xfmr_corner_hz, sp->xfmr_sat_level,
                        def->xfmr_sat_hz, def->xfmr_loss);
    gs_shaper_init(&c->shaper, GS_SHAPE_RAIL, adaa);
    gs_shaper_set_rail(&c->shaper, def->rail_cubic);
    break;
  case GS_CORE_TUBE:
    gs_shaper_init(&c->shaper, GS_SHAPE_TUBE, adaa);
    gs_shaper_set_tube(&c->shaper, def->tube_bias, def->tube_asymmetry);
    break;
  case GS_CORE_INSTRUMENT: {
    gs_shaper_init(&c->shaper, GS_SHAPE_TUBE, adaa);
    gs_shaper_set_tube(&c->shaper, def->tube_bias, def->tube_asymmetry);
    gs_shaper_set_order(&c->shaper, sp->n_adaa2 ? 2 : 1);
    const double freq[3] = {m->bass_hz, m->mid_hz, m->treble_hz};
    const double gain[3] = {config->bass_db, config->mid_db, config->treble_db};
    gs_tonestack_init(&c->tone, tail_rate, freq, gain);
    gs_shaper_init(&c->rail, GS_SHAPE_HARD, adaa);
    break;
  }
  }
  if (c->n_adaa) {
    gs_adaa_eq_init_rates(&c->eq, c->tail_factor, c->factor, c->rate_hz, c->n_adaa - sp->n_adaa2,
                          sp->n_adaa2);
  }
}

void gs_colour_reset(GsColour *c)
{
  gs_oversampler_reset(&c->os);
  gs_shaper_reset(&c->shaper);
  gs_shaper_reset(&c->rail);
  gs_transformer_reset(&c->xfmr);
  gs_tonestack_reset(&c->tone);
  gs_adaa_eq_reset(&c->eq);
}

void gs_colour_set_tone(GsColour *c, const double gain_db[3])
{
  const GsPreampInfo *m = &c->def->info;
  const double freq[3] = {m->bass_hz, m->mid_hz, m->treble_hz};
  gs_tonestack_set_gains(&c->tone, c->rate_hz * c->tail_factor, freq, gain_db);
}

// What follows the model's curve (the instrument models' tone stack and
// rail, every model's droop equaliser), on n samples at the tail's rate.
static void tail(GsColour *c, float *x, uint32_t n) GS_REALTIME
{
  if (c->def->core == GS_CORE_INSTRUMENT) {
    gs_tonestack_process(&c->tone, x, x, n);
    const float s = c->rail_scale;
    for (uint32_t i = 0; i < n; ++i) {
      x[i] *= s;
    }
    gs_shaper_process(&c->rail, x, x, n);
  }
  if (c->n_adaa) {
    gs_adaa_eq_process(&c->eq, x, x, n);
  }
}

void gs_colour_process(GsColour *c, float *x, uint32_t m)
{
  if (c->def->core == GS_CORE_TRANSFORMER) {
    // The core's distortion is a smooth function of the flux, which the
    // integrator has low-passed, so the core needs no oversampling and runs
    // at the base rate, before the rail: at 48 kHz, everything but the
    // fundamental of a 5 kHz sine 24 dB past saturation, harmonics and
    // aliases together, is -112 dBc, and from 10 kHz up the distortion is
    // under float rounding (-127 to -132 dBc).
    gs_transformer_process(&c->xfmr, x, x, m);
  }
  if (c->factor == 1) {
    gs_shaper_process(&c->shaper, x, x, m);  // the transformer's core ran above
    tail(c, x, m);
    return;
  }
  gs_oversampler_up(&c->os, x, c->os_buf, m);
  const uint32_t n = m * c->factor;
  gs_shaper_process(&c->shaper, c->os_buf, c->os_buf, n);
  if (c->tail_factor < c->factor) {
    gs_oversampler_down_to_half(&c->os, c->os_buf, c->half_buf, m);
    tail(c, c->half_buf, n / 2);
    gs_oversampler_down_from_half(&c->os, c->half_buf, x, m);
  } else {
    tail(c, c->os_buf, n);
    gs_oversampler_down(&c->os, c->os_buf, x, m);
  }
}

double gs_colour_latency(const GsColour *c)
{
  // half a sample for each first-order ADAA curve, two for a second-order
  // one, at the rate each runs at
  double tail = 0.0;
  if (c->def->core == GS_CORE_INSTRUMENT) {
    tail += gs_shaper_latency(&c->rail);
  }
  if (c->n_adaa) {
    tail += 1.0;  // the 3-tap equaliser delays by one sample
  }
  return gs_oversampler_latency(&c->os) + gs_shaper_latency(&c->shaper) / c->factor +
         tail / c->tail_factor;
}
