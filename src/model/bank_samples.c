// SPDX-License-Identifier: ISC
// A preamp bank between converters: full-scale samples in, volts through the bank, samples out.

#include "gainstage/preamp.h"
#include "gainstage/units.h"

void gs_preamp_bank_process_samples(GsPreampBank *bank, double input_ref_dbu,
                                    double output_ref_dbu, const float *const *in,
                                    float *const *out, uint32_t n, uint64_t *clipped)
{
  // The scales in float, as one rounding of each: the arithmetic of
  // `gainstage process` since its first version, kept so its output does not
  // move by an ulp.
  const float to_volts = (float)gs_fullscale_volts(input_ref_dbu);
  const float to_fs = (float)(1.0 / gs_fullscale_volts(output_ref_dbu));
  const unsigned channels = gs_preamp_bank_channels(bank);
  for (unsigned c = 0; c < channels; ++c) {
    const float *const x = in[c];
    float *const y = out[c];
    for (uint32_t i = 0; i < n; ++i) {
      y[i] = x[i] * to_volts;
    }
  }
  gs_preamp_bank_process(bank, (const float *const *)out, out, n);
  for (unsigned c = 0; c < channels; ++c) {
    float *const y = out[c];
    // The converter: volts to full scale, clipping at 0 dBFS.
    uint64_t n_clipped = 0;
    for (uint32_t i = 0; i < n; ++i) {
      float v = y[i] * to_fs;
      if (v > 1.0f || v < -1.0f) {
        ++n_clipped;
        v = v > 0.0f ? 1.0f : -1.0f;
      }
      y[i] = v;
    }
    if (clipped) {
      clipped[c] += n_clipped;
    }
  }
}
