// SPDX-License-Identifier: ISC
// The microphone catalogue, and self-noise referred to volts.

#include "model/mic.h"

#include "dsp/weighting.h"

#include <math.h>
#include <string.h>

// Published-style figures of each class (docs/sources.md). Dynamic and
// passive ribbon microphones publish no self-noise: theirs is the thermal
// noise of their coil or transformer's source impedance, referred to sound
// pressure through the sensitivity. 150 ohm gives -132.7 dBu A-weighted
// (shared/REFERENCES.md), so Z ohm gives -132.7 + 10 log10(Z / 150) dBu(A);
// e.g. 310 ohm: -129.5 dBu(A) = 0.258 uV, over 1.6 mV/Pa = 161 uPa = 18 dB(A).
static const GsMicInfo mics[] = {
  {"dynamic-57",
   "a cardioid dynamic instrument microphone (Shure SM57 class): -56 dBV/Pa, 310 ohm",
   GS_MIC_DYNAMIC, 1.6, 18.0, 310.0},
  {"dynamic-421",
   "a large-diaphragm cardioid dynamic for toms and voice (Sennheiser MD 421 class): -54 dBV/Pa",
   GS_MIC_DYNAMIC, 2.0, 14.0, 200.0},
  {"condenser-ld",
   "a large-diaphragm cardioid studio condenser (AKG C214 class): -34 dBV/Pa",
   GS_MIC_CONDENSER, 20.0, 13.0, 200.0},
  {"condenser-sd",
   "a small-diaphragm cardioid pencil condenser for overheads (Neumann KM 184 class): -36.5 dBV/Pa",
   GS_MIC_CONDENSER, 15.0, 16.0, 200.0},
  {"ribbon-121",
   "a passive figure-8 studio ribbon, as put on guitar cabinets: -58.4 dBV/Pa, 300 ohm",
   GS_MIC_RIBBON, 1.2, 20.5, 300.0},
};

#define N_MICS (sizeof(mics) / sizeof(mics[0]))

size_t gs_mic_model_count(void)
{
  return N_MICS;
}

const GsMicInfo *gs_mic_model_info(size_t index)
{
  return index < N_MICS ? &mics[index] : NULL;
}

const GsMicInfo *gs_mic_model_find(const char *name)
{
  for (size_t i = 0; name && i < N_MICS; ++i) {
    if (!strcmp(mics[i].name, name)) {
      return &mics[i];
    }
  }
  return NULL;
}

const char *gs_mic_type_name(GsMicType type)
{
  switch (type) {
  case GS_MIC_DYNAMIC:
    return "dynamic";
  case GS_MIC_CONDENSER:
    return "condenser";
  case GS_MIC_RIBBON:
    return "ribbon";
  }
  return "unknown";
}

double gs_spl_to_pa(double level_db_spl)
{
  return pow(10.0, (level_db_spl - 94.0) / 20.0);
}

// White noise of RMS s at rate fs has a one-sided density s^2 / (fs / 2) per
// hertz; A-weighted over 20 Hz to 20 kHz its power is s^2 / (fs / 2) times
// the integral of |A(f)|^2 (gs_a_weighting_power). Setting that equal to the
// square of the A-weighted self-noise voltage gives s.
double gs_mic_noise_rms_volts(double sens_mv_per_pa, double self_noise_db_a, double rate_hz)
{
  const double volts_a = gs_spl_to_pa(self_noise_db_a) * sens_mv_per_pa * 1e-3;
  const double nyquist = rate_hz / 2.0;
  const double weighted = gs_a_weighting_power(20.0, fmin(20000.0, nyquist)) / nyquist;
  return volts_a / sqrt(weighted);
}
