// SPDX-License-Identifier: ISC
// The numbers a channel strip derives from its settings.

#include "model/strip_params.h"

#include "dsp/gain.h"
#include "dsp/weighting.h"
#include "gainstage/units.h"

#include <math.h>

#define GAIN_GLIDE_S 0.010    // gain smoothing time constant: click-free, still immediate

// White noise RMS (volts) whose A-weighted level over 22 Hz to 22 kHz is
// ein_dbu_a: the density follows from the A-weighted power of unit white
// noise, and white noise spreads that density up to Nyquist.
static double noise_volts(double ein_dbu_a, double rate_hz)
{
  // The density is the preamp's, whatever the rate: it is fixed by the EIN
  // over the band the figure is specified in.
  const double v_ein = gs_dbu_to_volts(ein_dbu_a);
  const double density = v_ein * v_ein / gs_a_weighting_power(22.0, 22000.0);
  return sqrt(density * rate_hz / 2.0);
}

GsStripParams gs_strip_params(const GsPreampConfig *c, const GsModelDef *def)
{
  const GsPreampInfo *m = &def->info;
  const double v_drive = gs_fullscale_volts(m->drive_dbu);
  const double v_rail = gs_fullscale_volts(m->rail_dbu);
  const double makeup = gs_db_to_gain(m->output_gain_db);
  const double pad = c->pad ? gs_db_to_gain(GS_PAD_DB) : 1.0;

  GsStripParams p = {0};
  p.factor = c->oversample ? c->oversample : m->auto_oversample;
  p.adaa = p.factor > 1;
  p.n_adaa = p.adaa ? (def->core == GS_CORE_INSTRUMENT ? 2 : 1) : 0;
  // The instrument models drive their tube curve far past its knee (24 dB at
  // full scale for guitar), where first order at 8x still aliases at -68 dBc
  // for 15 kHz: their curve takes second order (shaper.h), -97.5 dBc.
  p.n_adaa2 = p.adaa && def->core == GS_CORE_INSTRUMENT ? 1 : 0;
  // What follows that curve runs at half of 8x: the tube's output comes down
  // to 4x through the FIR stage (at least 120 dB of rejection of whatever
  // would fold into 0-20 kHz), and the tone stack, rail (first order, as at
  // 4x before) and equaliser cost half as much there.
  p.tail_factor = def->core == GS_CORE_INSTRUMENT && p.factor == 8 ? 4 : p.factor;
  p.v_drive = v_drive;
  p.in_scale = (float)(pad / v_drive);
  p.use_noise = c->noise;
  p.noise_rms = (float)(noise_volts(m->ein_dbu_a, c->rate_hz) / v_drive);
  if (def->core == GS_CORE_INSTRUMENT) {
    p.rail_scale = (float)(v_drive * makeup / v_rail);
    p.out_scale = (float)v_rail;
  } else {
    p.rail_scale = 1.0f;
    p.out_scale = (float)(v_drive * makeup);
  }
  if (c->invert) {
    p.out_scale = -p.out_scale;
  }
  p.use_hpf = c->hpf_hz > 0.0;
  p.hpf_hz = c->hpf_hz;
  p.hpf_q = M_SQRT1_2;  // Butterworth
  // Every coloured model couples its output through a capacitor, as the
  // hardware does: its asymmetric curves make DC, which a 2 Hz DC blocker
  // removes (-0.04 dB at 20 Hz). The clean model stays exactly linear.
  p.use_dcblock = def->core != GS_CORE_CLEAN;
  p.dcblock_hz = 2.0;
  p.use_shelf = def->hf_shelf_db != 0.0;
  p.shelf_hz = fmin(20000.0, 0.42 * c->rate_hz);
  p.shelf_db = def->hf_shelf_db;
  p.shelf_slope = 0.5;
  p.gain_glide_s = GAIN_GLIDE_S;
  p.xfmr_corner_hz = 2.0;
  p.xfmr_sat_level = gs_fullscale_volts(def->xfmr_sat_dbu) / v_drive;
  return p;
}
