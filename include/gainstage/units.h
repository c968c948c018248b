// SPDX-License-Identifier: ISC
// Conversions between the physical units gainstage speaks: dBu, volts, dBFS.

#ifndef GS_UNITS_H
#define GS_UNITS_H

#include "gainstage/realtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/// 0 dBu: the voltage that dissipates 1 mW in 600 ohms, sqrt(0.6) V RMS.
#define GS_DBU_REF_VOLTS 0.7745966692414834

/// RMS volts of a level in dBu. These conversions are real-time safe.
double gs_dbu_to_volts(double level_dbu) GS_REALTIME;
/// dBu of an RMS voltage (-200 for 0 V).
double gs_volts_to_dbu(double volts_rms) GS_REALTIME;

/// The peak voltage of a full-scale sine for a converter whose reference is
/// ref_dbu = 0 dBFS (a full-scale sine has an RMS level of ref_dbu, the usual
/// convention for interface specifications such as "+18 dBu = 0 dBFS").
/// Sample value 1.0 corresponds to this voltage.
double gs_fullscale_volts(double ref_dbu) GS_REALTIME;

#ifdef __cplusplus
}
#endif

#endif  // GS_UNITS_H
