// SPDX-License-Identifier: ISC
// Frequency response of a windowed impulse response, by direct Fourier sums.

#include "dsp/response.h"

#include <math.h>

#define RESEED 256  // samples between exact recomputations of the rotating phasor

static double sample(const double *ir, size_t n_ir, long t)
{
  long i = t % (long)n_ir;
  if (i < 0) {
    i += (long)n_ir;
  }
  return ir[i];
}

GsStatus gs_response_window(const double *ir, size_t n_ir, size_t pre, size_t post,
                            GsResponseWindow *w)
{
  if (n_ir < 4 || pre + post >= n_ir || post < 8) {
    return GS_ERR_RANGE;
  }
  size_t best = 0;
  for (size_t i = 1; i < n_ir; ++i) {
    if (fabs(ir[i]) > fabs(ir[best])) {
      best = i;
    }
  }
  const long peak = best > n_ir / 2 ? (long)best - (long)n_ir : (long)best;
  *w = (GsResponseWindow){.start = peak - (long)pre, .n = pre + post, .fade_in = pre,
                          .fade_out = post / 8, .peak = peak};
  return GS_OK;
}

static double weight(const GsResponseWindow *w, size_t i)
{
  if (i < w->fade_in) {
    return 0.5 - 0.5 * cos(M_PI * ((double)i + 0.5) / (double)w->fade_in);
  }
  if (w->n - i <= w->fade_out) {
    return 0.5 - 0.5 * cos(M_PI * ((double)(w->n - i) - 0.5) / (double)w->fade_out);
  }
  return 1.0;
}

void gs_response_at(const double *ir, size_t n_ir, const GsResponseWindow *w, double rate_hz,
                    double freq_hz, double delay_samples, GsResponsePoint *out)
{
  const double omega = 2.0 * M_PI * freq_hz / rate_hz;
  double hr = 0, hi = 0, tr = 0, ti = 0;  // sum h e^-jwt and sum t h e^-jwt
  double c = 0, s = 0;
  const double dc = cos(omega), ds = -sin(omega);
  for (size_t i = 0; i < w->n; ++i) {
    const long t = w->start + (long)i;
    if (i % RESEED == 0) {
      c = cos(omega * (double)t);
      s = -sin(omega * (double)t);
    }
    const double v = sample(ir, n_ir, t) * weight(w, i);
    hr += v * c;
    hi += v * s;
    tr += (double)t * v * c;
    ti += (double)t * v * s;
    const double nc = c * dc - s * ds;
    s = c * ds + s * dc;
    c = nc;
  }
  const double mag2 = hr * hr + hi * hi;
  out->freq_hz = freq_hz;
  out->magnitude_db = mag2 > 0 ? 10.0 * log10(mag2) : -300.0;
  double ph = atan2(hi, hr) + omega * delay_samples;
  ph = remainder(ph, 2.0 * M_PI);
  out->phase_deg = ph * 180.0 / M_PI;
  // Re(T / H) = Re(T conj(H)) / |H|^2.
  out->group_delay = mag2 > 0 ? (tr * hr + ti * hi) / mag2 : 0.0;
}

void gs_log_frequencies(double lo_hz, double hi_hz, size_t n, double *freq)
{
  for (size_t i = 0; i < n; ++i) {
    freq[i] = lo_hz * pow(hi_hz / lo_hz, (double)i / (double)(n - 1));
  }
  freq[n - 1] = hi_hz;
}
