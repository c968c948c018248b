// SPDX-License-Identifier: ISC
// The headphone output: an amplifier with a volume control, an output
// impedance and a maximum output; headphone models with an impedance and a
// sensitivity; and the listening level they make, with warnings.

#ifndef GS_HEADPHONES_H
#define GS_HEADPHONES_H

#include "gainstage/realtime.h"
#include "gainstage/status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// ---------------------------------------------------------------------------
// Headphone amplifier

/// How the amplifier's output stage clips at its maximum output.
typedef enum {
  GS_HPAMP_CLIP_SOFT,  ///< a cubic that bends into a hard knee at the rail
  GS_HPAMP_CLIP_HARD,  ///< straight into the rail
} GsHpAmpClip;

/// Volume control range, in dB.
#define GS_HPAMP_VOLUME_MIN_DB (-96.0)
#define GS_HPAMP_VOLUME_MAX_DB 12.0

/// Settings of one headphone amplifier channel. Start from
/// gs_hpamp_config_default().
typedef struct {
  double rate_hz;          ///< 44100 to 192000 Hz
  double volume_db;        ///< GS_HPAMP_VOLUME_MIN_DB to GS_HPAMP_VOLUME_MAX_DB
  double max_output_vrms;  ///< open-circuit clip level (sine RMS): 0.1 to 20 V
  double output_ohm;       ///< output impedance: 0 to 120 ohm
  double load_ohm;         ///< the headphones' impedance: 8 to 1000 ohm, or 0 for none
  GsHpAmpClip clip;
  unsigned oversample;     ///< 0 for automatic (4x at 44.1/48 kHz, 2x at 88.2/96,
                           ///< 1x above), else 1, 2, 4 or 8
} GsHpAmpConfig;

/// Defaults: 48 kHz, volume 0 dB, a maximum output of 3.5 V RMS (+13.1 dBu)
/// open circuit, 10 ohm output impedance, a 32 ohm load, soft clip,
/// automatic oversampling: a generic interface headphone output
/// (docs/converters.md).
GsHpAmpConfig gs_hpamp_config_default(void);

typedef struct GsHpAmp GsHpAmp;

/// Validates the settings and builds the amplifier. Main thread.
GsStatus gs_hpamp_new(const GsHpAmpConfig *config, GsHpAmp **out, GsError *err);
/// Frees an amplifier; NULL is a no-op. Main thread.
void gs_hpamp_free(GsHpAmp *amp);

/// Amplifies n samples of instantaneous volts (from a DAC) by the volume,
/// clips at the maximum output (oversampled, anti-aliased), and returns the
/// voltage at the headphones: the open-circuit voltage through the divider
/// the output impedance makes with the load, load / (load + output). in and
/// out may alias. Real-time safe.
void gs_hpamp_process(GsHpAmp *amp, const float *in_volts, float *out_volts, uint32_t n)
  GS_REALTIME;
/// Glides the volume to volume_db (clamped to the range; NaN is ignored).
/// Real-time safe.
void gs_hpamp_set_volume_db(GsHpAmp *amp, double volume_db) GS_REALTIME;
/// Clears the filters and ends any volume glide. Real-time safe.
void gs_hpamp_reset(GsHpAmp *amp) GS_REALTIME;
/// Changes the load (headphones plugged in or swapped): 8 to 1000 ohm, or 0
/// for none; GS_ERR_RANGE otherwise. Main thread (between process calls).
GsStatus gs_hpamp_set_load_ohm(GsHpAmp *amp, double load_ohm, GsError *err);

/// load / (load + output impedance): loaded over open-circuit voltage (1 with
/// no load).
double gs_hpamp_divider(const GsHpAmp *amp);
/// The most the headphones can get, sine RMS volts: the maximum output
/// through the divider.
double gs_hpamp_max_loaded_vrms(const GsHpAmp *amp);
/// Delay in samples (the oversampling filters and the anti-aliasing).
double gs_hpamp_latency(const GsHpAmp *amp);
/// The oversampling factor in use.
unsigned gs_hpamp_oversample(const GsHpAmp *amp);

// ---------------------------------------------------------------------------
// Headphones

/// How a sensitivity is specified.
typedef enum {
  GS_SENS_DB_SPL_PER_MW,  ///< dB SPL for 1 mW at 1 kHz
  GS_SENS_DB_SPL_PER_V,   ///< dB SPL for 1 V RMS at 1 kHz
} GsSensUnit;

/// A pair of headphones. The catalogue's are generic and documented;
/// a session may describe its own.
typedef struct {
  const char *name;         ///< "closed-32", ...
  const char *description;  ///< one line
  double impedance_ohm;     ///< nominal impedance, 8 to 1000 ohm
  double sensitivity;       ///< 70 to 130 dB SPL/mW or 80 to 140 dB SPL/V
  GsSensUnit unit;
} GsHeadphones;

/// The catalogue: the number of models and each one (index < count).
size_t gs_headphones_count(void);
const GsHeadphones *gs_headphones_info(size_t index);
/// The model called name, or NULL.
const GsHeadphones *gs_headphones_find(const char *name);
/// Checks impedance and sensitivity against their ranges (err names the
/// setting, the headphones and the range). Main thread.
GsStatus gs_headphones_validate(const GsHeadphones *hp, GsError *err);

/// dB SPL/V from dB SPL/mW at impedance_ohm: 1 V into Z ohm is 1000 / Z mW,
/// so SPL/V = SPL/mW + 10 log10(1000 / Z). And the reverse.
double gs_sens_mw_to_v(double db_spl_per_mw, double impedance_ohm);
double gs_sens_v_to_mw(double db_spl_per_v, double impedance_ohm);
/// The headphones' sensitivity in dB SPL/V, whichever way it was given.
double gs_headphones_db_spl_per_v(const GsHeadphones *hp);

// ---------------------------------------------------------------------------
// Listening level

/// Thresholds (docs/converters.md gives the reasoning): 85 dB SPL for 8 h a
/// day is the occupational limit (NIOSH REL, EU 2003/10/EC upper action
/// value), halved in time for every 3 dB more; at 100 dB SPL that allowance
/// is 15 minutes, the level the EU's personal music player standard
/// (EN 50332) caps at; a peak of 140 dB SPL is the limit for impulses.
#define GS_LISTEN_CAUTION_DB_SPL 85.0
#define GS_LISTEN_DANGER_DB_SPL 100.0
#define GS_LISTEN_PEAK_DANGER_DB_SPL 140.0

typedef enum {
  GS_LISTEN_SAFE,     ///< below 85 dB SPL
  GS_LISTEN_CAUTION,  ///< 85 to 100 dB SPL: limited daily time
  GS_LISTEN_DANGER,   ///< 100 dB SPL or more, or peaks of 140 dB SPL or more
} GsListenWarning;

/// An estimate of the listening level from a block's (or a meter window's)
/// RMS and peak voltage at the headphones.
typedef struct {
  double db_spl;       ///< sensitivity (dB SPL/V) + 20 log10(V RMS)
  double peak_db_spl;  ///< the same for the peak voltage
  double power_mw;     ///< V RMS^2 / impedance, in mW
  double safe_hours;   ///< daily exposure at this level within the 85 dB / 8 h,
                       ///< 3 dB exchange rule (8 or more below 85 dB SPL)
  GsListenWarning warning;
} GsListenLevel;

/// The level the headphones make for rms_volts and peak_volts at their
/// terminals. A level of 0 V reads -200 dB SPL. Real-time safe.
GsListenLevel gs_listen_level(const GsHeadphones *hp, double rms_volts, double peak_volts)
  GS_REALTIME;

/// A short line for the user, for example "headphones 1: about 104 dB SPL:
/// above safe listening levels, turn the volume down". output names the
/// output. Returns what snprintf returns. Main thread.
int gs_listen_message(const GsListenLevel *level, const char *output, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif  // GS_HEADPHONES_H
