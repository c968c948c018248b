// SPDX-License-Identifier: ISC
// Exponential sine sweep and its deconvolution, on FFTW.

#include "dsp/sweep.h"
#include "dsp/pow2.h"

#include <fftw3.h>
#include <math.h>
#include <string.h>

#define REGULARISATION 1e-10  // floor of |X|^2 relative to its peak: -100 dB
#define FADE_OUT_S 0.002

GsStatus gs_sweep_design(GsSweep *s, double rate_hz, double start_hz, double end_hz,
                         double duration_s, double tail_s)
{
  if (!(rate_hz > 0) || !(start_hz > 0) || !(start_hz < end_hz) || !(end_hz <= rate_hz / 2) ||
      !(duration_s >= 0.1) || !(tail_s >= 0.01) || duration_s > 600 || tail_s > 600) {
    return GS_ERR_RANGE;
  }
  *s = (GsSweep){.rate_hz = rate_hz, .start_hz = start_hz, .end_hz = end_hz};
  s->n_sweep = (size_t)llround(duration_s * rate_hz);
  s->n_tail = (size_t)llround(tail_s * rate_hz);
  s->n_fft = gs_pow2_at_least(2 * (s->n_sweep + s->n_tail));
  return GS_OK;
}

size_t gs_sweep_length(const GsSweep *s)
{
  return s->n_sweep + s->n_tail;
}

void gs_sweep_fill(const GsSweep *s, float *out, double peak)
{
  const double duration = (double)s->n_sweep / s->rate_hz;
  const double l = log(s->end_hz / s->start_hz);
  const double k = 2.0 * M_PI * s->start_hz * duration / l;
  const size_t fade_in = (size_t)ceil(s->rate_hz / s->start_hz);
  const size_t fade_out = (size_t)ceil(FADE_OUT_S * s->rate_hz);
  for (size_t i = 0; i < s->n_sweep; ++i) {
    const double t = (double)i / s->rate_hz;
    double w = 1.0;
    if (i < fade_in) {
      w = 0.5 - 0.5 * cos(M_PI * (double)i / (double)fade_in);
    } else if (s->n_sweep - i <= fade_out) {
      w = 0.5 - 0.5 * cos(M_PI * (double)(s->n_sweep - i) / (double)fade_out);
    }
    out[i] = (float)(peak * w * sin(k * (exp(t * l / duration) - 1.0)));
  }
  memset(out + s->n_sweep, 0, s->n_tail * sizeof(float));
}

GsStatus gs_sweep_deconvolve(const GsSweep *s, const float *sent, const float *received,
                             double *ir)
{
  const size_t n = s->n_fft, len = gs_sweep_length(s), half = n / 2 + 1;
  double *buf = fftw_alloc_real(n);
  fftw_complex *x = fftw_alloc_complex(half);
  fftw_complex *y = fftw_alloc_complex(half);
  GsStatus st = GS_ERR_NOMEM;
  if (!buf || !x || !y) {
    goto done;
  }
  fftw_plan fwd = fftw_plan_dft_r2c_1d((int)n, buf, x, FFTW_ESTIMATE);
  fftw_plan inv = fftw_plan_dft_c2r_1d((int)n, y, buf, FFTW_ESTIMATE);
  if (!fwd || !inv) {
    if (fwd) fftw_destroy_plan(fwd);
    if (inv) fftw_destroy_plan(inv);
    goto done;
  }
  memset(buf, 0, n * sizeof(double));
  for (size_t i = 0; i < len; ++i) {
    buf[i] = sent[i];
  }
  fftw_execute_dft_r2c(fwd, buf, x);
  memset(buf, 0, n * sizeof(double));
  for (size_t i = 0; i < len; ++i) {
    buf[i] = received[i];
  }
  fftw_execute_dft_r2c(fwd, buf, y);
  double peak = 0.0;
  for (size_t k = 0; k < half; ++k) {
    peak = fmax(peak, x[k][0] * x[k][0] + x[k][1] * x[k][1]);
  }
  const double floor = REGULARISATION * peak;
  for (size_t k = 0; k < half; ++k) {
    // Y X* / (|X|^2 + floor), and 1 / n for the unnormalised inverse.
    const double xr = x[k][0], xi = x[k][1], yr = y[k][0], yi = y[k][1];
    const double d = (xr * xr + xi * xi + floor) * (double)n;
    y[k][0] = (yr * xr + yi * xi) / d;
    y[k][1] = (yi * xr - yr * xi) / d;
  }
  fftw_execute_dft_c2r(inv, y, buf);
  memcpy(ir, buf, n * sizeof(double));
  fftw_destroy_plan(fwd);
  fftw_destroy_plan(inv);
  st = GS_OK;
done:
  fftw_free(buf);
  fftw_free(x);
  fftw_free(y);
  return st;
}
