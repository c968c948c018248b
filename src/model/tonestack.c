// SPDX-License-Identifier: ISC
// Three-band tone stack from cookbook shelves and a peaking band.

#include "model/tonestack.h"

#define MID_Q 0.7
#define SHELF_SLOPE 0.7  // gentler than the steepest monotonic shelf (1.0)

// The three bands' designs; each setter returns early when its design is in place.
static void design(GsToneStack *ts, double rate_hz, const double freq_hz[3],
                   const double gain_db[3]) GS_REALTIME
{
  gs_biquad_set_lowshelf(&ts->band[0], rate_hz, freq_hz[0], gain_db[0], SHELF_SLOPE);
  gs_biquad_set_peaking(&ts->band[1], rate_hz, freq_hz[1], gain_db[1], MID_Q);
  gs_biquad_set_highshelf(&ts->band[2], rate_hz, freq_hz[2], gain_db[2], SHELF_SLOPE);
}

void gs_tonestack_init(GsToneStack *ts, double rate_hz, const double freq_hz[3],
                       const double gain_db[3])
{
  for (int i = 0; i < 3; ++i) {
    gs_biquad_init(&ts->band[i]);
  }
  design(ts, rate_hz, freq_hz, gain_db);
  (void)gs_statespace_init(&ts->run, ts->band, 3);  // 3 sections: in range
}

void gs_tonestack_set_gains(GsToneStack *ts, double rate_hz, const double freq_hz[3],
                            const double gain_db[3])
{
  design(ts, rate_hz, freq_hz, gain_db);
  gs_statespace_set_sections(&ts->run, ts->band, 3);  // returns early if nothing changed
}

void gs_tonestack_reset(GsToneStack *ts)
{
  gs_statespace_reset(&ts->run);
}

double gs_tonestack_magnitude_db(const GsToneStack *ts, double rate_hz, double freq_hz)
{
  double db = 0.0;
  for (int i = 0; i < 3; ++i) {
    db += gs_biquad_magnitude_db(&ts->band[i], rate_hz, freq_hz);
  }
  return db;
}

void gs_tonestack_process(GsToneStack *ts, const float *in, float *out, uint32_t n)
{
  gs_statespace_process(&ts->run, in, out, n);
}
