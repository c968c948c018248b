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
  dc->p = 0.0;
  dc->k = 0;
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

// A state this small is far from the denormals and is silence; zeroing it
// keeps a decaying blocker from ever reaching them.
static double flush(double y) GS_REALTIME
{
  return fabs(y) < tiny ? 0.0 : y;
}

void gs_dcblock_process(GsDcBlock *dc, const float *in, float *out, uint32_t n)
{
  // y[n] = r y[n-1] + d[n] with d[n] = x[n] - x[n-1]. Four outputs at a time,
  // each written from y before the group:
  //   y[n+k] = r^(k+1) y[n-1] + p[k],  p[k] = r p[k-1] + d[n+k],  p[0] = d[n],
  // so the recursion waits on one multiply-add per four samples instead of
  // one per sample; the partial sums run beside it. The groups are counted
  // from the start of the stream and a group split between blocks takes the
  // same operations, so the output does not depend on the block sizes.
  const double r = dc->r, r2 = r * r, r3 = r2 * r, r4 = r2 * r2;
  const double rk[4] = {r, r2, r3, r4};
  double x1 = dc->x1, y1 = dc->y1, p = dc->p;
  unsigned k = dc->k;
  uint32_t i = 0;
  // One sample at a time into whole groups (finishing one a block began)...
  for (; k && i < n; ++i) {
    const double x = in[i];
    p = r * p + (x - x1);
    const double y = rk[k] * y1 + p;
    out[i] = (float)y;
    x1 = x;
    if (++k == 4) {
      y1 = flush(y);
      p = 0.0;  // no group under way: the state is what a whole block leaves
      k = 0;
    }
  }
  // ...four at a time through whole groups...
  for (; i + 4 <= n; i += 4) {
    const double a = in[i], b = in[i + 1], c = in[i + 2], e = in[i + 3];
    const double d0 = a - x1, d1 = b - a, d2 = c - b, d3 = e - c;
    const double p1 = r * d0 + d1, p2 = r * p1 + d2, p3 = r * p2 + d3;
    out[i] = (float)(r * y1 + d0);
    out[i + 1] = (float)(r2 * y1 + p1);
    out[i + 2] = (float)(r3 * y1 + p2);
    y1 = r4 * y1 + p3;
    out[i + 3] = (float)y1;
    y1 = flush(y1);
    x1 = e;
  }
  // ...and the start of a group the next block finishes.
  for (; i < n; ++i) {
    const double x = in[i];
    p = k ? r * p + (x - x1) : x - x1;
    out[i] = (float)(rk[k] * y1 + p);
    x1 = x;
    ++k;
  }
  dc->x1 = x1;
  dc->y1 = y1;
  dc->p = p;
  dc->k = k;
}
