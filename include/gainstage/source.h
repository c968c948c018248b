// SPDX-License-Identifier: ISC
// The sources an interface's inputs see: microphones, instrument pickups and
// line outputs, each playing a generator or calibrated samples, in volts.

#ifndef GS_SOURCE_H
#define GS_SOURCE_H

#include "gainstage/realtime.h"
#include "gainstage/status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What is plugged into an input. The kind sets the unit of every level in a
/// source's settings: dB SPL for a microphone (the sound pressure at it),
/// dBu for an instrument (the pickup's open-circuit EMF) and for a line
/// source (its output voltage).
typedef enum {
  GS_SOURCE_MIC,
  GS_SOURCE_INSTRUMENT,
  GS_SOURCE_LINE,
} GsSourceKind;

// ---- Microphones ----------------------------------------------------------

typedef enum {
  GS_MIC_DYNAMIC,
  GS_MIC_CONDENSER,  ///< needs +48 V phantom power: without it, no signal
  GS_MIC_RIBBON,     ///< passive: phantom power on it is warned about
} GsMicType;

/// A microphone of the catalogue and its published-style figures (docs/sources.md).
typedef struct {
  const char *name;         ///< "dynamic-57", "condenser-ld", ...
  const char *imitates;     ///< one line: the class of microphone it imitates
  GsMicType type;
  double sens_mv_per_pa;    ///< open-circuit output for 1 Pa (94 dB SPL)
  double self_noise_db_a;   ///< equivalent noise level, dB SPL A-weighted
  double impedance_ohm;     ///< rated output impedance (documentation only)
} GsMicInfo;

/// The number of microphones in the catalogue, and each one (index < count).
size_t gs_mic_model_count(void);
const GsMicInfo *gs_mic_model_info(size_t index);
/// The microphone called name, or NULL.
const GsMicInfo *gs_mic_model_find(const char *name);
/// "dynamic", "condenser" or "ribbon".
const char *gs_mic_type_name(GsMicType type);

// ---- Instrument pickups ---------------------------------------------------

/// A passive magnetic pickup of the catalogue: its coil and the instrument's
/// own volume and tone potentiometers (at full), which load it in parallel
/// with the input.
typedef struct {
  const char *name;       ///< "guitar-single", "bass-passive", ...
  const char *imitates;   ///< one line: the class of pickup it imitates
  double inductance_h;    ///< coil inductance L
  double resistance_ohm;  ///< coil (DC) resistance R
  double winding_pf;      ///< winding capacitance
  double pots_ohm;        ///< the instrument's pots at full, in parallel (0: none)
} GsPickupInfo;

size_t gs_pickup_model_count(void);
const GsPickupInfo *gs_pickup_model_info(size_t index);
/// The pickup called name, or NULL.
const GsPickupInfo *gs_pickup_model_find(const char *name);

/// The circuit a pickup makes with its cable and the input: the EMF in series
/// with R and L, into C (winding + cable) in parallel with the load (the
/// instrument's pots in parallel with the input impedance).
typedef struct {
  double inductance_h;
  double resistance_ohm;
  double capacitance_f;   ///< winding + cable
  double load_ohm;        ///< pots || input impedance
} GsPickupCircuit;

/// The circuit of pickup p through cable_pf of cable into input_ohm.
GsPickupCircuit gs_pickup_circuit(const GsPickupInfo *p, double cable_pf, double input_ohm);
/// The analytic magnitude |V_jack / EMF| in dB at freq_hz (docs/sources.md
/// derives it). Main thread or real time.
double gs_pickup_magnitude_db(const GsPickupCircuit *c, double freq_hz);
/// 1 / (2 pi sqrt(L C)), the undamped resonance of the coil and the capacitance.
double gs_pickup_resonance_hz(const GsPickupCircuit *c);

// ---- Line sources ---------------------------------------------------------

typedef enum {
  GS_LINE_PRO,       ///< +4 dBu nominal (1.228 V RMS)
  GS_LINE_CONSUMER,  ///< -10 dBV nominal (0.316 V RMS, -7.78 dBu)
} GsLineNominal;

/// The nominal level in dBu.
double gs_line_nominal_dbu(GsLineNominal nominal);

// ---- Generators -----------------------------------------------------------

typedef enum {
  GS_GEN_SILENCE,
  GS_GEN_SINE,
  GS_GEN_SWEEP,  ///< logarithmic (exponential) sine sweep
  GS_GEN_PINK,   ///< pink noise, -3 dB per octave
  GS_GEN_CLICK,  ///< one-sample impulses at a tempo
} GsGeneratorKind;

/// What a generator plays. level is in the source kind's unit (dB SPL or
/// dBu): the RMS level of a sine or a sweep, the RMS level of pink noise
/// between 20 Hz and 20 kHz, and for a click the level of the sine with the
/// same peak (the impulse's height is sqrt(2) times that RMS).
typedef struct {
  GsGeneratorKind kind;
  double level;
  double freq_hz;     ///< sine: 0.1 Hz to 0.49 x the rate
  double start_hz;    ///< sweep: from start_hz to end_hz (each 1 Hz to 0.49 x the rate)
  double end_hz;
  double duration_s;  ///< sweep: 0.01 to 3600 s; then it repeats (loop) or falls silent
  double tempo_bpm;   ///< click: 1 to 1000 beats per minute
  uint64_t seed;      ///< pink noise
} GsGeneratorConfig;

// ---- Sources --------------------------------------------------------------

/// Settings of one source. Start from gs_source_config_mic(),
/// gs_source_config_instrument() or gs_source_config_line().
typedef struct {
  GsSourceKind kind;
  double rate_hz;            ///< 8000 to 384000

  // Microphone: a catalogue name, or NULL for a custom microphone given by
  // mic_type, sens_mv_per_pa (0.1 to 100) and self_noise_db_a (0 to 40).
  const char *mic;
  GsMicType mic_type;
  double sens_mv_per_pa;
  double self_noise_db_a;
  bool self_noise;           ///< add the microphone's self-noise
  uint64_t noise_seed;

  // Instrument: a catalogue name, or NULL for a custom pickup given by
  // inductance_h (0.1 to 20 H), resistance_ohm (100 to 50000 ohm),
  // winding_pf (10 to 1000 pF) and pots_ohm (0 for none, else 10 kohm to
  // 10 Mohm). cable_pf (0 to 5000 pF) and input_ohm (1 kohm to 10 Mohm)
  // always apply.
  const char *pickup;
  double inductance_h;
  double resistance_ohm;
  double winding_pf;
  double pots_ohm;
  double cable_pf;
  double input_ohm;

  // Line source.
  GsLineNominal nominal;

  // What it plays: the generator, or, when samples is not NULL, n_samples
  // mono samples at rate_hz (copied by gs_source_new()), calibrated so that
  // a full-scale sine (peak 1.0) has the RMS level fullscale_level (dB SPL
  // for a microphone, 60 to 160; dBu otherwise, -60 to +40).
  GsGeneratorConfig gen;
  const float *samples;
  size_t n_samples;
  double fullscale_level;
  bool loop;                 ///< samples and sweeps start again at their end
  /// Live input: the signal comes block by block through
  /// gs_source_process_input() (a port of the host or a sound card's
  /// capture), calibrated as samples are (fullscale_level); gen and samples
  /// are not used.
  bool live;
} GsSourceConfig;

/// A microphone from the catalogue (NULL: a custom one, a dynamic of
/// 2 mV/Pa and 18 dB(A) to change) at 48 kHz, playing a 1 kHz sine at
/// 94 dB SPL, with self-noise; samples, if given, are calibrated 0 dBFS =
/// 120 dB SPL.
GsSourceConfig gs_source_config_mic(const char *model);
/// A pickup from the catalogue (NULL: a custom one, set from guitar-single,
/// to change) through 500 pF of cable into a 1 Mohm Hi-Z input, at 48 kHz,
/// playing a 1 kHz sine at -20 dBu of EMF; samples, if given, are calibrated
/// 0 dBFS = 0 dBu.
GsSourceConfig gs_source_config_instrument(const char *model);
/// A line output at its nominal level: a 1 kHz sine at the nominal level;
/// samples, if given, are calibrated 0 dBFS = nominal + 18 dB (the file's
/// nominal level sits at -18 dBFS, as in EBU R 68 alignment).
GsSourceConfig gs_source_config_line(GsLineNominal nominal);

typedef struct GsSource GsSource;

/// Validates the settings (err names the setting and the valid range, or
/// lists the catalogue for an unknown name) and builds the source, copying
/// any samples. Main thread.
GsStatus gs_source_new(const GsSourceConfig *config, GsSource **out, GsError *err);
/// Frees a source; NULL is a no-op. Main thread.
void gs_source_free(GsSource *src);

/// Writes the next n samples of the source's output, instantaneous volts at
/// the input jack, to out_volts. Real-time safe.
void gs_source_process(GsSource *src, float *out_volts, uint32_t n) GS_REALTIME;
/// Live input: turns n samples of in (full scale 1.0, as a file's samples)
/// into volts at the input jack in out_volts, with the pickup's filter, the
/// microphone's self-noise and phantom power as for any source; in and
/// out_volts may be the same buffer. A source that is not live ignores in and
/// plays as gs_source_process(). Real-time safe.
void gs_source_process_input(GsSource *src, const float *in, float *out_volts, uint32_t n)
  GS_REALTIME;
/// Whether the source takes live input.
bool gs_source_live(const GsSource *src) GS_REALTIME;
/// Starts again from the beginning (generators, samples, filter state and
/// the noise sequence). Real-time safe.
void gs_source_reset(GsSource *src) GS_REALTIME;
/// True once samples that do not loop have all been played (the source then
/// gives silence, and a microphone its self-noise). Real-time safe.
bool gs_source_finished(const GsSource *src) GS_REALTIME;

/// The kind, and the catalogue name ("condenser-ld"), "custom" for a custom
/// microphone or pickup, or "line +4 dBu" / "line -10 dBV".
GsSourceKind gs_source_kind(const GsSource *src);
const char *gs_source_name(const GsSource *src);

/// Something the engine should show about a source.
typedef enum {
  GS_SOURCE_WARN_NONE = 0,
  GS_SOURCE_WARN_NEEDS_PHANTOM,  ///< a condenser without +48 V: no signal
  GS_SOURCE_WARN_PHANTOM_RIBBON, ///< +48 V on a ribbon (it still passes signal)
} GsSourceWarning;

/// Switches the +48 V phantom power the input gives the source. A condenser's
/// output fades in or out over about 10 ms; other sources are unaffected.
/// Starts off. Real-time safe.
void gs_source_set_phantom(GsSource *src, bool on) GS_REALTIME;
bool gs_source_phantom(const GsSource *src) GS_REALTIME;
/// The source's warning under its current phantom setting. Real-time safe.
GsSourceWarning gs_source_warning(const GsSource *src) GS_REALTIME;
/// What a warning means, without the source's name ("" for none). Real-time safe.
const char *gs_source_warning_text(GsSourceWarning warning) GS_REALTIME;
/// One line for a person: the source's name, where it is (for example
/// "input 3"; NULL leaves it out) and the warning: "condenser-ld on input 3
/// needs +48 V phantom power: no signal". Empty when there is no warning.
/// Returns buf. Main thread.
char *gs_source_warning_message(const GsSource *src, const char *where, char *buf,
                                size_t size);

#ifdef __cplusplus
}
#endif

#endif  // GS_SOURCE_H
