// SPDX-License-Identifier: ISC
// A preamp bank between converters: full-scale samples in, volts through the bank, samples out.

#include "gainstage/preamp.h"
#include "gainstage/units.h"

#include "dsp/clipper.h"
#include "dsp/denormal.h"
#include "error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct GsStripConverter {
  unsigned channels;
  GsClipper clip[];  // [channels]
};

GsStatus gs_strip_converter_new(double rate_hz, unsigned channels, GsStripConverter **out,
                                GsError *err)
{
  *out = NULL;
  if (channels < 1 || channels > GS_PREAMP_BANK_MAX_CHANNELS) {
    return gs_fail(err, GS_ERR_RANGE, "%u channels: a converter has 1 to %d", channels,
                   GS_PREAMP_BANK_MAX_CHANNELS);
  }
  if (!(rate_hz >= GS_CLIPPER_MIN_RATE_HZ && rate_hz <= GS_CLIPPER_MAX_RATE_HZ)) {
    return gs_fail(err, GS_ERR_RANGE, "sample rate %g Hz is out of range (%.0f to %.0f Hz)",
                   rate_hz, GS_CLIPPER_MIN_RATE_HZ, GS_CLIPPER_MAX_RATE_HZ);
  }
  GsStripConverter *conv = malloc(sizeof(*conv) + channels * sizeof(GsClipper));
  if (!conv) {
    return gs_fail(err, GS_ERR_NOMEM, "out of memory creating a converter");
  }
  conv->channels = channels;
  for (unsigned c = 0; c < channels; ++c) {
    gs_clipper_init(&conv->clip[c], rate_hz);  // the rate was checked above
  }
  *out = conv;
  return GS_OK;
}

void gs_strip_converter_free(GsStripConverter *conv)
{
  free(conv);
}

void gs_strip_converter_reset(GsStripConverter *conv)
{
  for (unsigned c = 0; c < conv->channels; ++c) {
    gs_clipper_reset(&conv->clip[c]);
  }
}

uint32_t gs_strip_converter_latency(const GsStripConverter *conv)
{
  return gs_clipper_latency(&conv->clip[0]);
}

void gs_preamp_bank_process_samples(GsPreampBank *bank, GsStripConverter *conv,
                                    double input_ref_dbu, double output_ref_dbu,
                                    const float *const *in, float *const *out, uint32_t n,
                                    uint64_t *clipped)
{
  // The scales in float, as one rounding of each: the arithmetic of
  // `gainstage process` since its first version, kept so its output does not
  // move by an ulp.
  const float to_volts = (float)gs_fullscale_volts(input_ref_dbu);
  const float to_fs = (float)(1.0 / gs_fullscale_volts(output_ref_dbu));
  const unsigned channels = gs_preamp_bank_channels(bank);
  // A converter with fewer channels than the bank (a caller's mistake) must
  // not be read past its end: the bank's other channels come out silent.
  const unsigned converted = channels < conv->channels ? channels : conv->channels;
  // The converter's filters run with denormals flushed, as the bank does,
  // so its output does not depend on the caller's floating-point mode (a
  // host's or the command's).
  const GsFpMode fp_mode = gs_denormals_off();
  for (unsigned c = 0; c < channels; ++c) {
    const float *const x = in[c];
    float *const y = out[c];
    for (uint32_t i = 0; i < n; ++i) {
      y[i] = x[i] * to_volts;
    }
  }
  gs_preamp_bank_process(bank, (const float *const *)out, out, n);
  for (unsigned c = converted; c < channels; ++c) {
    memset(out[c], 0, sizeof(float) * n);
  }
  for (unsigned c = 0; c < converted; ++c) {
    float *const y = out[c];
    uint64_t n_clipped = 0;
    for (uint32_t i = 0; i < n; ++i) {
      const float v = y[i] * to_fs;
      // The bank's output is finite; an extreme output reference could still
      // overflow the scale, and the clip must see finite samples.
      y[i] = isfinite(v) ? v : 0.0f;
      n_clipped += y[i] > 1.0f || y[i] < -1.0f;
    }
    gs_clipper_process(&conv->clip[c], y, y, n);
    if (clipped) {
      clipped[c] += n_clipped;
    }
  }
  gs_denormals_restore(fp_mode);
}
