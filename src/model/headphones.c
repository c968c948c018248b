// SPDX-License-Identifier: ISC
// Headphone models (impedance, sensitivity) and the listening level they
// make from the voltage at their terminals.

#include "gainstage/headphones.h"

#include "error.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

// Generic models, each typical of its class (docs/converters.md): figures in
// the range manufacturers publish for such headphones, not any one product.
static const GsHeadphones catalogue[] = {
  {"closed-32", "closed-back studio headphones, 32 ohm, 100 dB SPL/mW", 32.0, 100.0,
   GS_SENS_DB_SPL_PER_MW},
  {"open-250", "open-back studio headphones, 250 ohm, 96 dB SPL/mW", 250.0, 96.0,
   GS_SENS_DB_SPL_PER_MW},
  {"open-300", "open-back reference headphones, 300 ohm, 100 dB SPL/V", 300.0, 100.0,
   GS_SENS_DB_SPL_PER_V},
  {"iem-16", "in-ear monitors, 16 ohm, 108 dB SPL/mW", 16.0, 108.0, GS_SENS_DB_SPL_PER_MW},
};

#define N_MODELS (sizeof(catalogue) / sizeof(catalogue[0]))

size_t gs_headphones_count(void)
{
  return N_MODELS;
}

const GsHeadphones *gs_headphones_info(size_t index)
{
  return index < N_MODELS ? &catalogue[index] : NULL;
}

const GsHeadphones *gs_headphones_find(const char *name)
{
  for (size_t i = 0; name && i < N_MODELS; ++i) {
    if (!strcmp(catalogue[i].name, name)) {
      return &catalogue[i];
    }
  }
  return NULL;
}

static bool within(double x, double lo, double hi)
{
  return x >= lo && x <= hi;  // false for NaN
}

GsStatus gs_headphones_validate(const GsHeadphones *hp, GsError *err)
{
  const char *name = hp->name ? hp->name : "headphones";
  if (!within(hp->impedance_ohm, 8.0, 1000.0)) {
    return gs_fail(err, GS_ERR_RANGE, "%s: impedance %g ohm is out of range (8 to 1000 ohm)", name,
                hp->impedance_ohm);
  }
  if (hp->unit == GS_SENS_DB_SPL_PER_MW) {
    if (!within(hp->sensitivity, 70.0, 130.0)) {
      return gs_fail(err, GS_ERR_RANGE,
                  "%s: sensitivity %g dB SPL/mW is out of range (70 to 130 dB SPL/mW)", name,
                  hp->sensitivity);
    }
  } else if (hp->unit == GS_SENS_DB_SPL_PER_V) {
    if (!within(hp->sensitivity, 80.0, 140.0)) {
      return gs_fail(err, GS_ERR_RANGE,
                  "%s: sensitivity %g dB SPL/V is out of range (80 to 140 dB SPL/V)", name,
                  hp->sensitivity);
    }
  } else {
    return gs_fail(err, GS_ERR_RANGE,
                "%s: sensitivity unit %d is not valid (dB SPL/mW or dB SPL/V)", name,
                (int)hp->unit);
  }
  return GS_OK;
}

// 1 V RMS into Z ohm dissipates 1 / Z W = 1000 / Z mW: 10 log10(1000 / Z) dB
// more (or less) power than 1 mW.
double gs_sens_mw_to_v(double db_spl_per_mw, double impedance_ohm)
{
  return db_spl_per_mw + 10.0 * log10(1000.0 / impedance_ohm);
}

double gs_sens_v_to_mw(double db_spl_per_v, double impedance_ohm)
{
  return db_spl_per_v - 10.0 * log10(1000.0 / impedance_ohm);
}

double gs_headphones_db_spl_per_v(const GsHeadphones *hp)
{
  return hp->unit == GS_SENS_DB_SPL_PER_V ? hp->sensitivity
                                          : gs_sens_mw_to_v(hp->sensitivity, hp->impedance_ohm);
}

static double volts_db(double volts) GS_REALTIME
{
  return volts > 1e-10 ? 20.0 * log10(volts) : -200.0;
}

GsListenLevel gs_listen_level(const GsHeadphones *hp, double rms_volts, double peak_volts)
{
  // The same conversion as gs_headphones_db_spl_per_v, inline: that one is
  // not marked real-time (it is main-thread API), this must call only
  // real-time functions and libm.
  const double sens = hp->unit == GS_SENS_DB_SPL_PER_V
                        ? hp->sensitivity
                        : hp->sensitivity + 10.0 * log10(1000.0 / hp->impedance_ohm);
  GsListenLevel l;
  l.db_spl = sens + volts_db(rms_volts);
  l.peak_db_spl = sens + volts_db(peak_volts);
  l.power_mw = rms_volts * rms_volts / hp->impedance_ohm * 1000.0;
  // NIOSH REL: 8 h at 85 dB(A), halved for every 3 dB more.
  l.safe_hours = l.db_spl <= GS_LISTEN_CAUTION_DB_SPL
                   ? 8.0
                   : 8.0 * pow(2.0, -(l.db_spl - GS_LISTEN_CAUTION_DB_SPL) / 3.0);
  l.warning = l.db_spl >= GS_LISTEN_DANGER_DB_SPL ||
                  l.peak_db_spl >= GS_LISTEN_PEAK_DANGER_DB_SPL
                ? GS_LISTEN_DANGER
              : l.db_spl >= GS_LISTEN_CAUTION_DB_SPL ? GS_LISTEN_CAUTION
                                                     : GS_LISTEN_SAFE;
  return l;
}

int gs_listen_message(const GsListenLevel *l, const char *output, char *buf, size_t size)
{
  const char *name = output ? output : "headphones";
  switch (l->warning) {
  case GS_LISTEN_SAFE:
    return snprintf(buf, size, "%s: about %.0f dB SPL: within safe listening levels", name,
                    l->db_spl);
  case GS_LISTEN_CAUTION: {
    const double minutes = l->safe_hours * 60.0;
    if (minutes >= 90.0) {
      return snprintf(buf, size,
                      "%s: about %.0f dB SPL: safe for about %.0f hours a day, consider turning "
                      "the volume down",
                      name, l->db_spl, l->safe_hours);
    }
    return snprintf(buf, size,
                    "%s: about %.0f dB SPL: safe for about %.0f minutes a day, consider turning "
                    "the volume down",
                    name, l->db_spl, minutes);
  }
  case GS_LISTEN_DANGER:
    if (l->db_spl < GS_LISTEN_DANGER_DB_SPL) {
      return snprintf(buf, size,
                      "%s: peaks of about %.0f dB SPL: above safe listening levels, turn the "
                      "volume down",
                      name, l->peak_db_spl);
    }
    return snprintf(buf, size,
                    "%s: about %.0f dB SPL: above safe listening levels, turn the volume down",
                    name, l->db_spl);
  }
  return snprintf(buf, size, "%s: about %.0f dB SPL", name, l->db_spl);
}
