// SPDX-License-Identifier: ISC
// A strip's colouring stage on one channel: oversampling, the model's curves
// (anti-aliased), the instrument tone stack and rail, the droop equaliser.

#ifndef GS_MODEL_COLOUR_H
#define GS_MODEL_COLOUR_H

#include "dsp/adaa_eq.h"
#include "dsp/oversample.h"
#include "dsp/shaper.h"
#include "gainstage/realtime.h"
#include "model/models.h"
#include "model/strip_params.h"
#include "model/tonestack.h"
#include "model/transformer.h"

#include <stdint.h>

/// Base-rate samples in one call of gs_colour_process().
#define GS_COLOUR_CHUNK GS_OVERSAMPLE_CHUNK

/// The scalar colouring stage the single strip runs (preamp.c), and a preamp
/// bank with few channels runs per channel instead of its 8-lane group
/// (bank.c: one lane of a vector costs as much as eight). Owned by the
/// processing thread.
typedef struct {
  const GsModelDef *def;
  double rate_hz;    ///< base rate
  unsigned factor;   ///< oversampling
  unsigned tail_factor;  ///< the rate of the stages after the first curve (GsStripParams)
  unsigned n_adaa;   ///< ADAA shapers in series
  float rail_scale;  ///< instrument: stage units to rail units
  GsOversampler os;
  GsShaper shaper;   ///< the model's curve
  GsShaper rail;     ///< instrument: the rail after the tone stack
  GsTransformer xfmr;
  GsToneStack tone;
  GsAdaaEq eq;       ///< flattens the droop of all n_adaa shapers
  float os_buf[GS_COLOUR_CHUNK * 8];
  float half_buf[GS_COLOUR_CHUNK * 4];  ///< the tail at half of 8x
} GsColour;

/// Sets up the stage for a validated config and its derived parameters.
/// Main thread.
void gs_colour_init(GsColour *c, const GsPreampConfig *config, const GsModelDef *def,
                    const GsStripParams *sp);
/// Clears all state. Real-time safe.
void gs_colour_reset(GsColour *c) GS_REALTIME;
/// Designs the tone stack anew for gain_db (bass, mid, treble), keeping its
/// state (instrument models). Real-time safe.
void gs_colour_set_tone(GsColour *c, const double gain_db[3]) GS_REALTIME;
/// Runs m (at most GS_COLOUR_CHUNK) base-rate samples in place, in the
/// colouring stage's normalised units. Real-time safe.
void gs_colour_process(GsColour *c, float *x, uint32_t m) GS_REALTIME;
/// The delay it adds at low frequencies, in base-rate samples.
double gs_colour_latency(const GsColour *c);

#endif  // GS_MODEL_COLOUR_H
