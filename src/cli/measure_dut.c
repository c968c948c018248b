// SPDX-License-Identifier: ISC
// The device under test: what every kind shares.

#include "cli/measure_dut.h"

#include <stdio.h>

GsStatus gs_dut_rebuild(GsDut *dut, bool noise, unsigned oversample, GsError *err)
{
  if (noise == dut->noise && (oversample == 0 || oversample == dut->oversample)) {
    return GS_OK;
  }
  if (!dut->ops->rebuild) {
    snprintf(err->message, sizeof(err->message), "%s has no %s", dut->name,
             noise != dut->noise ? "noise of its own to switch on" : "oversampling setting");
    return GS_ERR_UNKNOWN;
  }
  return dut->ops->rebuild(dut, noise, oversample, err);
}

void gs_dut_free(GsDut *dut)
{
  if (dut) {
    dut->ops->free(dut);
  }
}
