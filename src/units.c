// SPDX-License-Identifier: ISC
// Conversions between dBu, volts and converter full scale.

#include "gainstage/units.h"

#include <math.h>

double gs_dbu_to_volts(double level_dbu)
{
  return GS_DBU_REF_VOLTS * pow(10.0, level_dbu / 20.0);
}

double gs_volts_to_dbu(double volts_rms)
{
  return volts_rms > 0 ? 20.0 * log10(volts_rms / GS_DBU_REF_VOLTS) : -200.0;
}

double gs_fullscale_volts(double ref_dbu)
{
  return gs_dbu_to_volts(ref_dbu) * sqrt(2.0);
}
