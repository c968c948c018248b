// SPDX-License-Identifier: ISC
// A passive pickup's circuit as a digital filter.

#ifndef GS_MODEL_PICKUP_H
#define GS_MODEL_PICKUP_H

#include "dsp/biquad.h"
#include "gainstage/source.h"

/// Designs bq to realise the circuit at rate_hz (poles mapped exactly,
/// magnitude matched to the circuit at DC, at the resonance and at Nyquist;
/// pickup.c explains why not the bilinear transform). Main thread.
void gs_pickup_design(const GsPickupCircuit *c, double rate_hz, GsBiquad *bq);

#endif  // GS_MODEL_PICKUP_H
