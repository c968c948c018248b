// SPDX-License-Identifier: ISC
// The LV2 plugins' control ports: symbols, units, ranges and defaults from the model table.

#include "ports.h"

#include <stdio.h>

#include <math.h>

// The output trim after the converter: enough to pull a hot strip down or
// lift a quiet one to use, in dB.
#define OUTPUT_MIN_DB (-60.0)
#define OUTPUT_MAX_DB 12.0
// The high-pass corner's range: that of gainstage process --hpf (the library
// lowers the top to 0.45 x the rate below 2222 Hz, which no model runs at).
#define HPF_MAX_HZ 1000.0
// The corner a newly switched-on filter has.
#define HPF_DEFAULT_HZ 80.0
// The converter reference's range and default, those of process --input-ref.
#define REF_MIN_DBU (-40.0)
#define REF_MAX_DBU 40.0
#define REF_DEFAULT_DBU 18.0
// The latency port's range: the largest latency of any model at any factor
// is 5.67 samples (instrument preamps at 4x and 8x, docs/models.md), plus the
// converter's 39 at rates up to 48 kHz.
#define LATENCY_MAX_FRAMES 64.0

#define SPEC(sym, nm, cm, u, lo, hi, d)                                                      \
  (GsLv2ControlSpec){.symbol = (sym), .name = (nm), .comment = (cm), .unit = (u), .min = (lo),     \
                     .max = (hi), .def = (d)}

const unsigned gs_lv2_oversample_values[GS_LV2_N_OVERSAMPLE] = {0, 1, 2, 4, 8};

bool gs_lv2_control_spec(const GsPreampInfo *m, GsLv2Control c, GsLv2ControlSpec *spec)
{
  const double tone = m->tone_range_db;
  GsLv2ControlSpec s = {0};
  switch (c) {
  case GS_LV2_GAIN:
    s = SPEC("gain", "Gain", "preamp gain", GS_LV2_UNIT_DB, m->gain_min_db, m->gain_max_db,
             m->gain_default_db);
    break;
  case GS_LV2_PAD:
    s = SPEC("pad", "Pad", "-20 dB pad in front of the preamp", GS_LV2_UNIT_NONE, 0, 1, 0);
    s.toggled = true;
    break;
  case GS_LV2_HPF:
    s = SPEC("hpf", "High-pass", "12 dB/octave high-pass filter on or off", GS_LV2_UNIT_NONE, 0,
             1, 0);
    s.toggled = true;
    break;
  case GS_LV2_HPF_FREQ:
    s = SPEC("hpf_freq", "High-pass frequency", "the high-pass corner", GS_LV2_UNIT_HZ,
             GS_PREAMP_HPF_MIN_HZ, HPF_MAX_HZ, HPF_DEFAULT_HZ);
    s.logarithmic = true;
    break;
  case GS_LV2_POLARITY:
    s = SPEC("polarity", "Polarity invert", "inverts the polarity", GS_LV2_UNIT_NONE, 0, 1, 0);
    s.toggled = true;
    break;
  case GS_LV2_OUTPUT:
    s = SPEC("output", "Output", "digital trim after the converter", GS_LV2_UNIT_DB,
             OUTPUT_MIN_DB, OUTPUT_MAX_DB, 0.0);
    break;
  case GS_LV2_OVERSAMPLE:
    s = SPEC("oversample", "Oversampling",
             "oversampling of the colouring stage: auto is the model's choice", GS_LV2_UNIT_NONE,
             0, 8, 0);
    s.integer = s.enumeration = true;
    break;
  case GS_LV2_INPUT_REF:
    s = SPEC("input_ref", "Converter reference",
             "the level (sine RMS) a full-scale sine stands for, in and out", GS_LV2_UNIT_DBU,
             REF_MIN_DBU, REF_MAX_DBU, REF_DEFAULT_DBU);
    break;
  case GS_LV2_NOISE:
    s = SPEC("noise", "Noise", "adds the model's equivalent input noise", GS_LV2_UNIT_NONE, 0, 1,
             0);
    s.toggled = true;
    break;
  case GS_LV2_LATENCY:
    s = SPEC("latency", "Latency", "the delay of the oversampling filters and the converter", GS_LV2_UNIT_FRAME, 0,
             LATENCY_MAX_FRAMES, 0);
    s.output = true;
    break;
  case GS_LV2_BASS:
    s = SPEC("bass", "Bass", "low shelf of the tone stack", GS_LV2_UNIT_DB, -tone, tone, 0);
    break;
  case GS_LV2_MID:
    s = SPEC("mid", "Mid", "peaking mid band of the tone stack", GS_LV2_UNIT_DB, -tone, tone, 0);
    break;
  case GS_LV2_TREBLE:
    s = SPEC("treble", "Treble", "high shelf of the tone stack", GS_LV2_UNIT_DB, -tone, tone, 0);
    break;
  case GS_LV2_N_CONTROLS:
    return false;
  }
  if (c >= GS_LV2_BASS && !m->has_tone) {
    return false;
  }
  *spec = s;
  return true;
}

uint32_t gs_lv2_port_count(const GsPreampInfo *m, unsigned channels)
{
  return 2 * channels + (m->has_tone ? GS_LV2_N_CONTROLS : GS_LV2_BASS);
}

int32_t gs_lv2_control_index(const GsPreampInfo *m, unsigned channels, GsLv2Control c)
{
  if (c >= GS_LV2_N_CONTROLS || (c >= GS_LV2_BASS && !m->has_tone)) {
    return -1;
  }
  return (int32_t)(2 * channels + (unsigned)c);
}

const char *gs_lv2_audio_symbol(unsigned channels, unsigned channel, bool output)
{
  static const char *const mono[2] = {"in", "out"};
  static const char *const stereo[2][2] = {{"in_l", "in_r"}, {"out_l", "out_r"}};
  return channels == 1 ? mono[output] : stereo[output][channel & 1];
}

double gs_lv2_control_clamp(const GsLv2ControlSpec *spec, float value)
{
  double v = value;
  if (v != v) {
    return spec->def;
  }
  if (spec->toggled) {
    return v > 0.5 ? 1.0 : 0.0;
  }
  if (spec->integer) {
    v = nearbyint(v);
  }
  return v < spec->min ? spec->min : v > spec->max ? spec->max : v;
}

unsigned gs_lv2_oversample_from_port(float value)
{
  // Half way between neighbours: 0.5, 1.5, 3 and 6.
  return !(value >= 0.5f) ? 0 : value < 1.5f ? 1 : value < 3.0f ? 2 : value < 6.0f ? 4 : 8;
}

bool gs_lv2_uri(const GsPreampInfo *m, unsigned channels, char *uri, size_t size)
{
  const int n = snprintf(uri, size, "%s%s%s", GS_LV2_URI_BASE, m->name,
                         channels == 2 ? "-stereo" : "");
  return n > 0 && (size_t)n < size;
}
