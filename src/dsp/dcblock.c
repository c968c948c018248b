// SPDX-License-Identifier: ISC
// A first-order DC blocker: y[n] = x[n] - x[n-1] + r y[n-1].

#include "dsp/dcblock.h"

#include <math.h>

static const double two_pi = 6.283185307179586476925;

// State below this is flushed to zero so the decaying pole never reaches the
// denormal range (slow on x86); 1e-30 is -600 dBFS, far below any signal and
// far above the float denormals (1.2e-38) the output would otherwise hold.
static const double tiny = 1e-30;

void gs_dcblock_init(GsDcBlock *dc, double rate_hz, double freq_hz)
{
  // H(z) = (1 - z^-1) / (1 - r z^-1), so |H|^2 = 2 (1 - cos w) / (1 - 2 r cos w + r^2).
  // Setting |H|^2 = 1/2 at the corner w = wc gives r^2 - 2 r c + (4 c - 3) = 0
  // with c = cos wc, whose root inside the unit circle is
  // r = c - sqrt((1 - c)(3 - c)). With e = 1 - c = 2 sin^2(wc/2) (no
  // cancellation for corners of a few Hz): r = 1 - e - sqrt(e (2 + e)).
  const double s = sin(two_pi * freq_hz / rate_hz / 2.0);
  const double e = 2.0 * s * s;
  dc->r = 1.0 - e - sqrt(e * (2.0 + e));
  gs_dcblock_reset(dc);
}

void gs_dcblock_reset(GsDcBlock *dc)
{
  dc->x1 = 0.0;
  dc->y1 = 0.0;
}

double gs_dcblock_magnitude_db(const GsDcBlock *dc, double rate_hz, double freq_hz)
{
  const double w = two_pi * freq_hz / rate_hz;
  const double s = sin(w / 2.0);
  const double one_minus_c = 2.0 * s * s;
  const double r = dc->r;
  // 1 - 2 r cos w + r^2 = (1 - r)^2 + 2 r (1 - cos w)
  const double den = (1.0 - r) * (1.0 - r) + 2.0 * r * one_minus_c;
  return 10.0 * log10(2.0 * one_minus_c / den);
}

void gs_dcblock_process(GsDcBlock *dc, const float *in, float *out, uint32_t n)
{
  const double r = dc->r;
  double x1 = dc->x1, y1 = dc->y1;
  for (uint32_t i = 0; i < n; ++i) {
    const double x = in[i];
    double y = x - x1 + r * y1;
    if (fabs(y) < tiny) {
      y = 0.0;
    }
    x1 = x;
    y1 = y;
    out[i] = (float)y;
  }
  dc->x1 = x1;
  dc->y1 = y1;
}
