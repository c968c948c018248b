// SPDX-License-Identifier: ISC
// Level meters: sample peak, true peak (ITU-R BS.1770-4 Annex 2) and RMS.

#include "dsp/meter.h"

#include <math.h>
#include <string.h>

// The true-peak interpolator (ITU-R BS.1770-4 Annex 2, 4x oversampling, 12
// taps per phase). Our own design, not the table in the standard:
//
//   prototype h[k], k = 0..48, at the oversampled rate 4 fs:
//     h[k] = sinc((k - 24) / 4) * I0(beta * sqrt(1 - ((k - 24) / 24)^2)) / I0(beta)
//   with sinc(t) = sin(pi t) / (pi t) (cut-off fs/2, the centre of the
//   transition band), a Kaiser window with beta = 4, and I0 the modified
//   Bessel function of the first kind, order 0.
//
// Phase p (p = 0..3) of the polyphase form holds h[p + 4 j], j = 0..11, and
// weighs the input j samples back; it interpolates the time 6 - p/4 samples
// back. The sinc is zero at every multiple of 4 but the centre, so phase 0 is
// the sample x[n - 6] itself. Phases 1-3 are each normalised to a sum of 1, so
// a constant interpolates to itself. Phase 3 is phase 1 reversed; phase 2 is
// symmetric.
//
// Response of the whole interpolator (dB, relative to the original rate fs):
// +0.04 at 0.25 fs, -0.01 at 0.3 fs, +0.05 at 0.35 fs, -0.11 at 0.4 fs, -1.6 at
// 0.45 fs; images are below -36 dB from 0.6 fs and below -48 dB from 0.65 fs.
// beta = 4 trades the flattest passband this length allows (up to 0.4 fs,
// 19.2 kHz at 48 kHz) against image rejection. tests/unit/dsp/test_meter.c
// recomputes this table from the formula above.
const float gs_truepeak_coef[GS_TRUEPEAK_OVERSAMPLE - 1][GS_TRUEPEAK_TAPS] = {
  {-4.703527581e-03f, 1.325440240e-02f, -2.872468522e-02f, 5.613810255e-02f,
   -1.110764815e-01f, 2.929572760e-01f, 9.002855101e-01f, -1.674414953e-01f,
   7.811321039e-02f, -4.040975209e-02f, 1.990724729e-02f, -8.299807046e-03f},
  {-8.989659065e-03f, 2.313743210e-02f, -4.834744889e-02f, 9.363267172e-02f,
   -1.909904123e-01f, 6.315574165e-01f, 6.315574165e-01f, -1.909904123e-01f,
   9.363267172e-02f, -4.834744889e-02f, 2.313743210e-02f, -8.989659065e-03f},
  {-8.299807046e-03f, 1.990724729e-02f, -4.040975209e-02f, 7.811321039e-02f,
   -1.674414953e-01f, 9.002855101e-01f, 2.929572760e-01f, -1.110764815e-01f,
   5.613810255e-02f, -2.872468522e-02f, 1.325440240e-02f, -4.703527581e-03f},
};

void gs_peak_reset(GsPeakMeter *m)
{
  m->peak = 0.0f;
}

void gs_peak_process(GsPeakMeter *m, const float *in, uint32_t n)
{
  float peak = m->peak;
  for (uint32_t i = 0; i < n; ++i) {
    const float a = fabsf(in[i]);
    if (a > peak) {
      peak = a;
    }
  }
  m->peak = peak;
}

void gs_truepeak_reset(GsTruePeakMeter *m)
{
  memset(m->history, 0, sizeof m->history);
  m->peak = 0.0f;
}

void gs_truepeak_process(GsTruePeakMeter *m, const float *in, uint32_t n)
{
  // Per chunk, the signal with its history in front, oldest first: the input
  // j samples before in[i] is x[i - j] = buf[HIST + i - j]. Each phase is then
  // an FIR across the chunk, tap by tap, which vectorises across samples; the
  // additions per output still run in tap order, so the sums are the same as
  // one output at a time.
  enum { TAPS = GS_TRUEPEAK_TAPS, HIST = GS_TRUEPEAK_TAPS - 1, CHUNK = 256 };
  float buf[HIST + CHUNK], y[CHUNK];
  float peak = m->peak;
  memcpy(buf, m->history, sizeof m->history);
  for (uint32_t done = 0; done < n;) {
    const uint32_t c = n - done < CHUNK ? n - done : CHUNK;
    memcpy(buf + HIST, in + done, c * sizeof(float));
    for (uint32_t i = 0; i < c; ++i) {  // phase 0: the input 6 samples back
      const float a = fabsf(buf[HIST + i - TAPS / 2]);
      peak = a > peak ? a : peak;
    }
    for (int p = 0; p < GS_TRUEPEAK_OVERSAMPLE - 1; ++p) {
      const float *coef = gs_truepeak_coef[p];
      for (uint32_t i = 0; i < c; ++i) {
        y[i] = 0.0f;
      }
      for (int j = 0; j < TAPS; ++j) {
        const float cj = coef[j];
        const float *x = buf + HIST - j;
        for (uint32_t i = 0; i < c; ++i) {
          y[i] += cj * x[i];
        }
      }
      for (uint32_t i = 0; i < c; ++i) {
        const float a = fabsf(y[i]);
        peak = a > peak ? a : peak;
      }
    }
    memmove(buf, buf + c, HIST * sizeof(float));
    done += c;
  }
  memcpy(m->history, buf, sizeof m->history);
  m->peak = peak;
}

void gs_rms_reset(GsRmsMeter *m)
{
  m->sum_sq = 0.0;
  m->n = 0;
}

void gs_rms_process(GsRmsMeter *m, const float *in, uint32_t n)
{
  double sum = 0.0;
  for (uint32_t i = 0; i < n; ++i) {
    const double x = (double)in[i];
    sum += x * x;
  }
  m->sum_sq += sum;
  m->n += n;
}

double gs_rms_value(const GsRmsMeter *m)
{
  return m->n ? sqrt(m->sum_sq / (double)m->n) : 0.0;
}

double gs_linear_to_db(double x)
{
  if (isnan(x)) {
    return x;
  }
  return x > 1e-10 ? 20.0 * log10(x) : -200.0;
}
