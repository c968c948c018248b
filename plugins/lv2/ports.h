// SPDX-License-Identifier: ISC
// The LV2 plugins' URIs and ports, in one table the plugin and the Turtle generator share.

#ifndef GS_PLUGINS_LV2_PORTS_H
#define GS_PLUGINS_LV2_PORTS_H

#include "gainstage/preamp.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// Every plugin's URI is GS_LV2_URI_BASE + model name, with "-stereo" for
/// the two-channel strip: https://gainstage.org/lv2/tube-stereo.
#define GS_LV2_URI_BASE "https://gainstage.org/lv2/"
/// gainstage's own LV2 terms (state keys, the dBu unit).
#define GS_LV2_NS "https://gainstage.org/lv2#"
#define GS_LV2_STATE_VERSION_URI GS_LV2_NS "stateVersion"
#define GS_LV2_SEED_URI GS_LV2_NS "seed"
/// The state format this build writes and reads.
#define GS_LV2_STATE_VERSION 1
/// The noise seed of a new instance: that of `gainstage process --seed`'s default.
#define GS_LV2_DEFAULT_SEED 1

/// The control ports, in port order after the audio ports. The tone
/// controls are last and exist only on models with has_tone.
typedef enum {
  GS_LV2_GAIN,
  GS_LV2_PAD,
  GS_LV2_HPF,
  GS_LV2_HPF_FREQ,
  GS_LV2_POLARITY,
  GS_LV2_OUTPUT,
  GS_LV2_OVERSAMPLE,
  GS_LV2_INPUT_REF,
  GS_LV2_NOISE,
  GS_LV2_LATENCY,  ///< the only output control
  GS_LV2_BASS,
  GS_LV2_MID,
  GS_LV2_TREBLE,
  GS_LV2_N_CONTROLS
} GsLv2Control;

typedef enum { GS_LV2_UNIT_NONE, GS_LV2_UNIT_DB, GS_LV2_UNIT_HZ, GS_LV2_UNIT_DBU,
               GS_LV2_UNIT_FRAME } GsLv2Unit;

/// One control port of one model's plugin.
typedef struct {
  const char *symbol;  ///< the port's symbol: stable, the plugin's API
  const char *name;
  const char *comment;
  GsLv2Unit unit;
  double min, max, def;
  bool toggled, integer, enumeration, logarithmic;
  bool output;         ///< an output (the latency)
} GsLv2ControlSpec;

/// The oversampling port's values: 0 is auto, else the factor.
#define GS_LV2_N_OVERSAMPLE 5
extern const unsigned gs_lv2_oversample_values[GS_LV2_N_OVERSAMPLE];

/// The spec of control c for model m; false if the model has no such port.
bool gs_lv2_control_spec(const GsPreampInfo *m, GsLv2Control c, GsLv2ControlSpec *spec);

/// The number of ports of a plugin with channels (1 or 2) of model m, and the
/// port index of control c (audio ins come first, then audio outs, then the
/// controls in GsLv2Control order); -1 if the model has no such control.
uint32_t gs_lv2_port_count(const GsPreampInfo *m, unsigned channels);
/// Writes the URI of model m's plugin with channels (1 or 2) into uri, as
/// GS_LV2_URI_BASE says; returns false when size is too small.
bool gs_lv2_uri(const GsPreampInfo *m, unsigned channels, char *uri, size_t size);
int32_t gs_lv2_control_index(const GsPreampInfo *m, unsigned channels, GsLv2Control c);
/// The symbol of audio port c (channel, 0 or 1) of a plugin with channels:
/// "in" / "out" for mono, "in_l", "in_r", "out_l", "out_r" for stereo.
const char *gs_lv2_audio_symbol(unsigned channels, unsigned channel, bool output);

/// A control value from a host, made valid for spec: NaN is the default,
/// anything else is clamped to the range; toggles are 0 or 1 (above 0.5 is
/// on), integers are rounded. Real-time safe.
double gs_lv2_control_clamp(const GsLv2ControlSpec *spec, float value) GS_REALTIME;
/// The oversampling factor (0 for auto) a port value means: the nearest of
/// gs_lv2_oversample_values. Real-time safe.
unsigned gs_lv2_oversample_from_port(float value) GS_REALTIME;

#endif  // GS_PLUGINS_LV2_PORTS_H
