// SPDX-License-Identifier: ISC
// The device under test of gainstage measure: something that processes
// blocks of float samples, says its latency and its level reference, and can
// be rebuilt with its noise on or at another oversampling factor.

#ifndef GS_CLI_MEASURE_DUT_H
#define GS_CLI_MEASURE_DUT_H

#include "gainstage/preamp.h"
#include "gainstage/status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct GsDut GsDut;

/// What each kind of device does. All main thread.
typedef struct {
  /// Processes n samples of the first input into the first output (any n:
  /// the device splits it into blocks it takes).
  void (*process)(GsDut *dut, const float *in, float *out, size_t n);
  /// Clears the device's state: the next signal starts afresh. Fails
  /// (GS_ERR_NOMEM) only when a device that rebuilds itself cannot.
  GsStatus (*reset)(GsDut *dut);
  /// Rebuilds the device with its noise on or off and at an oversampling
  /// factor (0: its own choice); NULL when it has neither. GS_ERR_UNKNOWN when
  /// the device cannot do what is asked.
  GsStatus (*rebuild)(GsDut *dut, bool noise, unsigned oversample, GsError *err);
  void (*free)(GsDut *dut);
} GsDutOps;

/// A device and its level reference. A sine of level L (in in_unit) has the
/// peak in_peak 10^(L / 20) in samples; an output sample v is at
/// 20 log10(|v| / out_peak) in out_unit.
struct GsDut {
  const GsDutOps *ops;
  void *self;                ///< the kind's own state
  char name[256];            ///< for titles: "tube model, gain 0 dB, oversampling 4x"
  const char *kind;          ///< "model", "strip" or "lv2"
  double rate_hz;
  const char *in_unit;       ///< "dBu" or "dBFS"
  const char *out_unit;
  double in_peak;            ///< sample value of the peak of a 0 in_unit sine
  double out_peak;           ///< the same at the output
  double ref_dbu;            ///< converter reference (0 dBFS in dBu); NAN for a plugin
  double reported_latency;   ///< what the device says, in samples; NAN when it says nothing
  double saturation_level;   ///< input level where the device saturates; NAN when unknown
  double nominal_level;      ///< a moderate input level (THD vs frequency, spectrum)
  double linear_level;       ///< a level well below saturation (response, gain)
  double max_level;          ///< highest input level THD vs level goes to
  double gain_db;            ///< the gain setting the levels were chosen for (for EIN: noise
                             ///< is referred to the input by the measured gain, not this)
  bool can_noise;            ///< rebuild(noise = true) turns on the device's own noise
  bool can_oversample;       ///< rebuild() takes an oversampling factor
  unsigned oversample;       ///< the factor in use; 0 when the device has none
  bool noise;                ///< its noise is on
};

static inline void gs_dut_process(GsDut *dut, const float *in, float *out, size_t n)
{
  dut->ops->process(dut, in, out, n);
}

static inline GsStatus gs_dut_reset(GsDut *dut)
{
  return dut->ops->reset(dut);
}

/// Rebuilds dut with noise and oversample, or does nothing when both are what
/// it has (oversample 0 keeps the current factor). GS_ERR_UNKNOWN when it
/// cannot (err says why).
GsStatus gs_dut_rebuild(GsDut *dut, bool noise, unsigned oversample, GsError *err);

/// Frees a device; NULL is a no-op.
void gs_dut_free(GsDut *dut);

/// A model strip in volts: levels in dBu at the input and the output, no
/// converter (ref_dbu is NAN). config->noise must be false (measurements
/// turn it on). err names a bad setting and the valid range, or the models.
GsStatus gs_dut_model_new(const GsPreampConfig *config, GsDut **out, GsError *err);

/// Sets dut's default levels (saturation, nominal, linear, max) and gain_db
/// for a strip of config (a known model) whose output is capped at ref_dbu
/// (a converter's 0 dBFS; INFINITY for none).
void gs_dut_strip_levels(GsDut *dut, const GsPreampConfig *config, double ref_dbu);

/// Strip strip (0-based) of the session at path, through the engine: a volt
/// input in dBu, its converter's capture out, in dBFS, reported in dBu
/// through the session's reference. strip_name may name the strip instead
/// (NULL: by number).
GsStatus gs_dut_session_new(const char *path, int strip, const char *strip_name, GsDut **out,
                            GsError *err);

/// A control port value for an LV2 plugin.
typedef struct {
  const char *symbol;
  double value;
} GsDutControl;

/// An installed LV2 plugin by URI at rate_hz, its control ports at their
/// defaults except those in set. Levels in dBFS. GS_ERR_UNKNOWN for an
/// unknown URI, a missing feature or a control symbol that does not exist;
/// GS_ERR_USAGE for a plugin without audio ports. err has the one line.
GsStatus gs_dut_lv2_new(const char *uri, double rate_hz, const GsDutControl *set, size_t n_set,
                        GsDut **out, GsError *err);

/// The features gs_dut_lv2_new() provides to a plugin, NULL-terminated.
extern const char *const gs_dut_lv2_features[];

/// Writes into missing the required features (URIs) that gs_dut_lv2_new()
/// does not provide, separated by ", " ("" when all are provided); returns
/// how many are missing.
size_t gs_dut_lv2_missing(const char *const *required, size_t n_required, char *missing,
                          size_t size);

#endif  // GS_CLI_MEASURE_DUT_H
