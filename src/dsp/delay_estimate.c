// SPDX-License-Identifier: ISC
// Round-trip latency by cross-correlation of a noise burst with its return.

#include "dsp/delay_estimate.h"
#include "dsp/pow2.h"

#include "dsp/noise.h"

#include <fftw3.h>
#include <math.h>
#include <string.h>

#define FADE 64  // samples of raised-cosine fade at each end of the probe

void gs_delay_probe(float *out, size_t n, float rms, uint64_t seed)
{
  GsWhite white;
  gs_white_init(&white, seed);
  memset(out, 0, n * sizeof(float));
  for (size_t done = 0; done < n;) {
    const uint32_t m = n - done > 4096 ? 4096 : (uint32_t)(n - done);
    gs_white_add(&white, rms, out + done, m);
    done += m;
  }
  const size_t fade = n / 2 < FADE ? n / 2 : FADE;
  for (size_t i = 0; i < fade; ++i) {
    const float w = (float)(0.5 - 0.5 * cos(M_PI * ((double)i + 0.5) / (double)fade));
    out[i] *= w;
    out[n - 1 - i] *= w;
  }
}

// The correlation between lags, by band-limited (Hann-windowed sinc)
// interpolation of r over +-HALF lags around t.
#define HALF 32
static double between(const double *r, size_t max_lag, double t)
{
  const long c = lround(t);
  double acc = 0.0;
  for (long j = c - HALF; j <= c + HALF; ++j) {
    if (j < 0 || j > (long)max_lag) {
      continue;
    }
    const double x = t - (double)j;
    const double sinc = fabs(x) < 1e-12 ? 1.0 : sin(M_PI * x) / (M_PI * x);
    acc += r[j] * sinc * (0.5 + 0.5 * cos(M_PI * x / (HALF + 1)));
  }
  return acc;
}

// The peak between whole lags: white noise correlates as a sinc, too narrow
// for a parabola through three points, so the correlation is interpolated
// on a 1/1000-sample grid within half a sample of the whole peak.
static double refine(const double *r, size_t max_lag, size_t best)
{
  const double sign = r[best] < 0.0 ? -1.0 : 1.0;
  double where = (double)best, top = sign * r[best];
  for (int i = -500; i <= 500; ++i) {
    const double t = (double)best + i / 1000.0;
    if (t < 0.0 || t > (double)max_lag) {
      continue;
    }
    const double v = sign * between(r, max_lag, t);
    if (v > top) {
      top = v;
      where = t;
    }
  }
  return where;
}

GsStatus gs_delay_estimate(const float *sent, size_t n_sent, const float *received,
                           size_t n_received, GsDelayEstimate *out)
{
  memset(out, 0, sizeof(*out));
  if (n_sent < 16 || n_received <= n_sent) {
    return GS_ERR_RANGE;
  }
  const size_t max_lag = n_received - n_sent;
  // Linear (not circular) correlation for lags 0..max_lag: both zero-padded
  // to at least n_received + n_sent.
  const size_t n = gs_pow2_at_least(n_received + n_sent);
  double *a = fftw_alloc_real(n), *b = fftw_alloc_real(n);
  fftw_complex *fa = fftw_alloc_complex(n / 2 + 1), *fb = fftw_alloc_complex(n / 2 + 1);
  GsStatus st = GS_ERR_NOMEM;
  if (!a || !b || !fa || !fb) {
    goto done;
  }
  fftw_plan pa = fftw_plan_dft_r2c_1d((int)n, a, fa, FFTW_ESTIMATE);
  fftw_plan pb = fftw_plan_dft_r2c_1d((int)n, b, fb, FFTW_ESTIMATE);
  fftw_plan back = fftw_plan_dft_c2r_1d((int)n, fa, a, FFTW_ESTIMATE);
  for (size_t i = 0; i < n; ++i) {
    a[i] = i < n_received ? received[i] : 0.0;
    b[i] = i < n_sent ? sent[i] : 0.0;
  }
  fftw_execute(pa);
  fftw_execute(pb);
  // received (x) conj(sent): r[k] = sum_i received[i + k] sent[i].
  for (size_t k = 0; k <= n / 2; ++k) {
    const double re = fa[k][0] * fb[k][0] + fa[k][1] * fb[k][1];
    const double im = fa[k][1] * fb[k][0] - fa[k][0] * fb[k][1];
    fa[k][0] = re;
    fa[k][1] = im;
  }
  fftw_execute(back);
  fftw_destroy_plan(pa);
  fftw_destroy_plan(pb);
  fftw_destroy_plan(back);

  double energy = 0.0;
  for (size_t i = 0; i < n_sent; ++i) {
    energy += (double)sent[i] * sent[i];
  }
  size_t best = 0;
  for (size_t k = 1; k <= max_lag; ++k) {
    if (fabs(a[k]) > fabs(a[best])) {
      best = k;
    }
  }
  const double peak = fabs(a[best]);
  // The largest value away from the peak's own lobe (a few samples wide
  // for white noise through a band-limited path).
  double other = 0.0;
  for (size_t k = 0; k <= max_lag; ++k) {
    if (k + 8 < best || k > best + 8) {
      other = fmax(other, fabs(a[k]));
    }
  }
  st = GS_ERR_RANGE;
  if (!(energy > 0.0) || !(peak > 0.0)) {
    goto done;
  }
  out->whole = (long)best;
  out->samples = refine(a, max_lag, best);
  out->gain_db = 20.0 * log10(peak / ((double)n * energy));  // FFTW leaves the n
  out->confidence_db = other > 0.0 ? 20.0 * log10(peak / other) : 300.0;
  out->inverted = a[best] < 0.0;
  st = out->confidence_db >= 6.0 ? GS_OK : GS_ERR_RANGE;
done:
  fftw_free(a);
  fftw_free(b);
  fftw_free(fa);
  fftw_free(fb);
  return st;
}
