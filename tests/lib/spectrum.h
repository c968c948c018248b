// SPDX-License-Identifier: ISC
// One-sided power spectrum (periodogram) of a block, for tests that measure noise.

#ifndef GS_TESTS_SPECTRUM_H
#define GS_TESTS_SPECTRUM_H

#include <fftw3.h>
#include <stddef.h>

/// power[k] for k in [0, n/2] from an unwindowed n-point FFT, scaled so that
/// the sum over k is the mean square of x (Parseval): bins 1..n/2-1 count
/// both signs of frequency. Returns NULL if allocation fails; free with
/// fftw_free().
static inline double *gs_test_power_spectrum(const float *x, size_t n)
{
  double *in = fftw_alloc_real(n);
  fftw_complex *spec = fftw_alloc_complex(n / 2 + 1);
  double *power = fftw_alloc_real(n / 2 + 1);
  if (!in || !spec || !power) {
    fftw_free(in);
    fftw_free(spec);
    fftw_free(power);
    return NULL;
  }
  fftw_plan plan = fftw_plan_dft_r2c_1d((int)n, in, spec, FFTW_ESTIMATE);
  for (size_t i = 0; i < n; ++i) {
    in[i] = x[i];
  }
  fftw_execute(plan);
  fftw_destroy_plan(plan);
  const double nn = (double)n * (double)n;
  for (size_t k = 0; k <= n / 2; ++k) {
    const double p = (spec[k][0] * spec[k][0] + spec[k][1] * spec[k][1]) / nn;
    power[k] = (k == 0 || k == n / 2) ? p : 2.0 * p;
  }
  fftw_free(in);
  fftw_free(spec);
  return power;
}

/// Sum of power[k] over the bins whose centre is in [lo_hz, hi_hz].
static inline double gs_test_band_power(const double *power, size_t n, double rate_hz,
                                        double lo_hz, double hi_hz)
{
  const double bin_hz = rate_hz / (double)n;
  double sum = 0.0;
  for (size_t k = 0; k <= n / 2; ++k) {
    const double f = (double)k * bin_hz;
    if (f >= lo_hz && f <= hi_hz) {
      sum += power[k];
    }
  }
  return sum;
}

#endif  // GS_TESTS_SPECTRUM_H
