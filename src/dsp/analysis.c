// SPDX-License-Identifier: ISC
// Spectral analysis of a coherently sampled sine, on FFTW.

#include "dsp/analysis.h"

#include "dsp/weighting.h"

#include <fftw3.h>
#include <math.h>
#include <stdlib.h>

static GsStatus transform(const float *x, size_t n, fftw_complex **out)
{
  double *in = fftw_alloc_real(n);
  fftw_complex *spec = fftw_alloc_complex(n / 2 + 1);
  if (!in || !spec) {
    fftw_free(in);
    fftw_free(spec);
    return GS_ERR_NOMEM;
  }
  fftw_plan plan = fftw_plan_dft_r2c_1d((int)n, in, spec, FFTW_ESTIMATE);
  for (size_t i = 0; i < n; ++i) {
    in[i] = x[i];
  }
  fftw_execute(plan);
  fftw_destroy_plan(plan);
  fftw_free(in);
  *out = spec;
  return GS_OK;
}

// Peak amplitude of a sine on bin k from the unnormalised FFT.
static double bin_amplitude(fftw_complex *spec, size_t n, size_t k)
{
  return 2.0 * hypot(spec[k][0], spec[k][1]) / (double)n;
}

GsStatus gs_analysis_bin(const float *x, size_t n, size_t k, double *amplitude, double *phase)
{
  if (n < 4 || n % 2 || k == 0 || k >= n / 2) {
    return GS_ERR_RANGE;
  }
  fftw_complex *spec = NULL;
  GsStatus st = transform(x, n, &spec);
  if (st) {
    return st;
  }
  *amplitude = bin_amplitude(spec, n, k);
  *phase = atan2(spec[k][1], spec[k][0]);
  fftw_free(spec);
  return GS_OK;
}

GsStatus gs_analysis_sine(const float *x, size_t n, size_t k, double rate_hz, double lo_hz,
                          double hi_hz, GsSineAnalysis *r)
{
  if (n < 4 || n % 2 || k == 0 || k >= n / 2 || !(rate_hz > 0) || !(lo_hz < hi_hz)) {
    return GS_ERR_RANGE;
  }
  fftw_complex *spec = NULL;
  GsStatus st = transform(x, n, &spec);
  if (st) {
    return st;
  }
  const double bin_hz = rate_hz / (double)n;
  size_t lo = (size_t)ceil(lo_hz / bin_hz);
  size_t hi = (size_t)floor(hi_hz / bin_hz);
  if (lo < 1) {
    lo = 1;
  }
  if (hi > n / 2 - 1) {
    hi = n / 2 - 1;
  }

  *r = (GsSineAnalysis){0};
  r->dc = spec[0][0] / (double)n;
  r->fundamental = bin_amplitude(spec, n, k);
  r->phase = atan2(spec[k][1], spec[k][0]);
  double harm_power = 0.0;
  double other_power = 0.0;  // all but DC and the fundamental, in band
  double alias_power = 0.0;  // all but DC, fundamental and harmonics, in band
  for (size_t b = lo; b <= hi; ++b) {
    if (b == k) {
      continue;
    }
    const double a = bin_amplitude(spec, n, b);
    const double p = a * a;
    other_power += p;
    if (b % k == 0) {
      const size_t h = b / k;
      if (h <= GS_ANALYSIS_MAX_HARMONICS) {
        r->harmonic[h] = a;
        r->n_harmonics = (unsigned)h;
      }
      harm_power += p;
    } else {
      alias_power += p;
    }
  }
  const double f2 = r->fundamental * r->fundamental;
  r->thd = f2 > 0 ? sqrt(harm_power / f2) : 0.0;
  r->thd_n = f2 > 0 ? sqrt(other_power / f2) : 0.0;
  r->aliasing = f2 > 0 ? alias_power / f2 : 0.0;
  fftw_free(spec);
  return GS_OK;
}

GsStatus gs_analysis_noise(const float *x, size_t n, double rate_hz, double lo_hz, double hi_hz,
                           bool a_weighted, double *rms)
{
  if (n < 4 || n % 2 || !(rate_hz > 0) || !(lo_hz < hi_hz)) {
    return GS_ERR_RANGE;
  }
  fftw_complex *spec = NULL;
  GsStatus st = transform(x, n, &spec);
  if (st) {
    return st;
  }
  double power = 0.0;  // sum of bin powers, both sides of the spectrum
  for (size_t b = 1; b < n / 2; ++b) {
    const double f = (double)b * rate_hz / (double)n;
    if (f >= lo_hz && f <= hi_hz) {
      const double a = a_weighted ? gs_a_weighting(f) : 1.0;
      power += 2.0 * (spec[b][0] * spec[b][0] + spec[b][1] * spec[b][1]) * a * a;
    }
  }
  *rms = sqrt(power) / (double)n;
  fftw_free(spec);
  return GS_OK;
}

size_t gs_analysis_coprime_bin(size_t n, double rate_hz, double freq_hz)
{
  size_t k = (size_t)llround(freq_hz * (double)n / rate_hz);
  if (k % 2 == 0) {
    k += 1;
  }
  return k;
}

double gs_power_ratio_db(double ratio)
{
  return ratio > 1e-30 ? 10.0 * log10(ratio) : -300.0;
}
