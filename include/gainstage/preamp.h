// SPDX-License-Identifier: ISC
// Preamp models and the channel strip that runs one: pad, high-pass filter,
// gain, the model's analog colour, the analog rail and polarity, in volts.

#ifndef GS_PREAMP_H
#define GS_PREAMP_H

#include "gainstage/realtime.h"
#include "gainstage/status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A documented harmonic distortion figure: THD in percent for a sine of
/// freq_hz and level_dbu at the input, with the gain at 0 dB and other
/// settings at their defaults (for the mic preamps that is also the output
/// level).
typedef struct {
  double freq_hz;
  double level_dbu;
  double thd_percent;
} GsThdPoint;

/// What a model is, its controls and its documented figures (docs/models.md).
typedef struct {
  const char *name;         ///< "clean", "tube", ...
  const char *imitates;     ///< one line: what kind of hardware it models
  const char *character;    ///< one line: what a listener hears
  double gain_min_db;       ///< gain range of the model's gain control
  double gain_max_db;
  double gain_default_db;
  double output_gain_db;    ///< fixed gain after the colouring stage (instrument models)
  double ein_dbu_a;         ///< equivalent input noise, A-weighted, 150 ohm source
  double rail_dbu;          ///< level (sine RMS) where the output stage clips
  double drive_dbu;         ///< level (sine RMS) into the colouring stage where it
                            ///< saturates: the rail for the mic preamps, far lower
                            ///< for the instrument stages, which are meant to break up
  unsigned auto_oversample; ///< oversampling 'auto' picks this factor
  bool has_tone;            ///< bass / mid / treble controls
  double tone_range_db;     ///< +- range of each tone control
  double bass_hz, mid_hz, treble_hz;  ///< tone control centre frequencies
  GsThdPoint thd[2];        ///< documented THD at a moderate and a hot input level
  double response_db_20k;   ///< documented response at 20 kHz relative to 1 kHz
} GsPreampInfo;

/// The number of models, and each one's description (index < count).
size_t gs_preamp_model_count(void);
const GsPreampInfo *gs_preamp_model_info(size_t index);
/// The model called name, or NULL.
const GsPreampInfo *gs_preamp_model_find(const char *name);

/// The pad's attenuation, in dB.
#define GS_PAD_DB (-20.0)
/// The high-pass filter's lowest corner, in Hz; the highest is
/// gs_preamp_hpf_max_hz().
#define GS_PREAMP_HPF_MIN_HZ 10.0
/// The highest high-pass corner at rate_hz: 1000 Hz, or 0.45 x the rate
/// where that is lower. Main thread or real time.
double gs_preamp_hpf_max_hz(double rate_hz) GS_REALTIME;

/// Settings of one strip. Start from gs_preamp_config_default().
typedef struct {
  const char *model;    ///< a model name (gs_preamp_model_find)
  double rate_hz;       ///< 8000 to 384000
  double gain_db;       ///< within the model's gain range
  bool pad;             ///< -20 dB pad in front of the gain stage
  double hpf_hz;        ///< 12 dB/octave high-pass corner, 0 for off (else 10 to 1000 Hz)
  bool invert;          ///< polarity inverted
  double bass_db;       ///< tone controls, models with has_tone only
  double mid_db;
  double treble_db;
  unsigned oversample;  ///< 0 for the model's automatic choice, else 1, 2, 4 or 8
  bool noise;           ///< add the model's equivalent input noise
  uint64_t seed;        ///< noise seed
} GsPreampConfig;

/// Defaults: model "clean" at its default gain, 48 kHz, no pad, no filter,
/// automatic oversampling, no noise.
GsPreampConfig gs_preamp_config_default(void);

typedef struct GsPreamp GsPreamp;

/// Validates the settings (err names the setting and the valid range) and
/// builds a strip. Main thread.
GsStatus gs_preamp_new(const GsPreampConfig *config, GsPreamp **out, GsError *err);
/// Frees a strip; NULL is a no-op. Main thread.
void gs_preamp_free(GsPreamp *pre);

/// Processes n samples. Input and output are instantaneous voltages (volts);
/// in and out may alias. Real-time safe.
void gs_preamp_process(GsPreamp *pre, const float *in_volts, float *out_volts, uint32_t n)
  GS_REALTIME;

/// Glides the gain to gain_db (clamped to the model's range). Real-time safe.
void gs_preamp_set_gain_db(GsPreamp *pre, double gain_db) GS_REALTIME;

/// Clears all filter state and ends any gain glide at its target (a strip
/// starts afresh at its settings). Real-time safe.
void gs_preamp_reset(GsPreamp *pre) GS_REALTIME;

/// The delay the strip adds at low frequencies, in samples (oversampling
/// filters and anti-aliasing). Main thread or real time.
double gs_preamp_latency(const GsPreamp *pre);
/// The oversampling factor in use.
unsigned gs_preamp_oversample(const GsPreamp *pre);
/// The model the strip runs.
const GsPreampInfo *gs_preamp_info(const GsPreamp *pre);

/// A bank of strips: channels strips of one model with the same settings,
/// processed together, 8 channels per group of vector lanes (the
/// oversampling and the model's colouring stage run on all 8 at once; the
/// pad, noise, high-pass, gain, output shelf and polarity run per channel,
/// and pad, high-pass and polarity may differ between channels). Each
/// channel matches a GsPreamp with the same settings to within float
/// rounding (tests/unit/model/test_bank.c states the bound), and has its own
/// gain and noise (channel c is seeded config->seed + c).
typedef struct GsPreampBank GsPreampBank;

/// Most channels in one bank.
#define GS_PREAMP_BANK_MAX_CHANNELS 64

/// Validates the settings exactly as gs_preamp_new() does (same statuses,
/// same messages) and channels (1 to GS_PREAMP_BANK_MAX_CHANNELS, else
/// GS_ERR_RANGE), and builds the bank with all its memory. Main thread.
GsStatus gs_preamp_bank_new(const GsPreampConfig *config, unsigned channels, GsPreampBank **out,
                            GsError *err);
/// Frees a bank; NULL is a no-op. Main thread.
void gs_preamp_bank_free(GsPreampBank *bank);

/// Processes n samples of every channel: in_volts[c] and out_volts[c] are
/// channel c's buffers (instantaneous volts), for c below the bank's channel
/// count. in_volts[c] may be out_volts[c]; different channels must not
/// overlap. A non-finite output clears that channel's state and is replaced by
/// zero, as a strip does; the other channels go on untouched. Real-time safe.
void gs_preamp_bank_process(GsPreampBank *bank, const float *const *in_volts,
                            float *const *out_volts, uint32_t n) GS_REALTIME;

/// Glides channel's gain to gain_db (clamped to the model's range; a NaN or
/// a channel out of range is ignored). Real-time safe.
void gs_preamp_bank_set_gain_db(GsPreampBank *bank, unsigned channel, double gain_db)
  GS_REALTIME;

/// Live settings of one channel, as a strip's switches change them while it
/// plays: the -20 dB pad and the polarity glide (a polarity change fades
/// through zero, without a click); the high-pass corner (0: off, else 10 to
/// 1000 Hz and below 0.45 x the rate) glides by octaves, and off means it
/// glides down below the audio band and then stops. A channel out of range
/// or a corner out of range is ignored. Channels start at the config's
/// settings. Real-time safe.
void gs_preamp_bank_set_pad(GsPreampBank *bank, unsigned channel, bool pad) GS_REALTIME;
void gs_preamp_bank_set_invert(GsPreampBank *bank, unsigned channel, bool invert) GS_REALTIME;
void gs_preamp_bank_set_hpf_hz(GsPreampBank *bank, unsigned channel, double hpf_hz) GS_REALTIME;

/// Live tone controls of models with has_tone (bass, mid, treble in dB, each
/// clamped to +-tone_range_db; a NaN keeps that control's setting; other
/// models ignore it). Shared by every channel of the bank. The three bands
/// glide to the new gains in dB (20 ms time constant, designed anew once per
/// 256-sample chunk) and stop redesigning once there; a call that changes
/// nothing costs three comparisons. gs_preamp_bank_reset() ends a glide at
/// its target, which then equals a bank created with those settings bit for
/// bit. Real-time safe.
void gs_preamp_bank_set_tone(GsPreampBank *bank, double bass_db, double mid_db,
                             double treble_db) GS_REALTIME;

/// Switches the equivalent input noise (the config's noise) on or off for
/// every channel. Real-time safe.
void gs_preamp_bank_set_noise(GsPreampBank *bank, bool noise) GS_REALTIME;
/// Restarts every channel's noise sequence: channel c from seed + c, as a
/// new bank with that config seed. Real-time safe (on the thread that
/// processes).
void gs_preamp_bank_set_seed(GsPreampBank *bank, uint64_t seed) GS_REALTIME;

/// The converter at the end of a strip between digital ends (what
/// `gainstage process` and the LV2 plugins run): volts to full-scale samples,
/// clipping at 0 dBFS as the interface's ADC model does, without aliasing
/// (an oversampled clip with antiderivative anti-aliasing between
/// linear-phase filters; docs/converters.md). One clip per channel. Below
/// about 0.4 of full scale (0.6 above 88.2 kHz) a block costs a copy; its
/// output is its input delayed by gs_strip_converter_latency() samples,
/// exactly, wherever the signal stays below full scale.
typedef struct GsStripConverter GsStripConverter;

/// A converter of channels (1 to GS_PREAMP_BANK_MAX_CHANNELS) at rate_hz
/// (8000 to 384000). GS_ERR_RANGE, GS_ERR_NOMEM. Main thread.
GsStatus gs_strip_converter_new(double rate_hz, unsigned channels, GsStripConverter **out,
                                GsError *err);
/// Frees a converter; NULL is a no-op. Main thread.
void gs_strip_converter_free(GsStripConverter *conv);
/// Clears every channel's history. Real-time safe.
void gs_strip_converter_reset(GsStripConverter *conv) GS_REALTIME;
/// Its delay in samples (39 at 44.1 and 48 kHz, 11 or 12 at 88.2 and
/// 96 kHz, 9 at 176.4 and 192 kHz). Real-time safe.
uint32_t gs_strip_converter_latency(const GsStripConverter *conv) GS_REALTIME;

/// Runs n frames of every channel from samples to samples, the path of
/// `gainstage process`: a sample of 1.0 is the peak of a full-scale sine at
/// input_ref_dbu (gs_fullscale_volts()); those volts run through the bank;
/// conv (as many channels as the bank, the same rate; a channel it lacks comes
/// out silent) divides them by the
/// full-scale voltage of output_ref_dbu and clips at 0 dBFS. The output is
/// delayed by gs_preamp_bank_latency() + gs_strip_converter_latency(). in[c]
/// may be out[c]; channels must not overlap. clipped (NULL, or one counter
/// per channel) gains the samples of each channel that went beyond full
/// scale. Real-time safe.
void gs_preamp_bank_process_samples(GsPreampBank *bank, GsStripConverter *conv,
                                    double input_ref_dbu, double output_ref_dbu,
                                    const float *const *in, float *const *out, uint32_t n,
                                    uint64_t *clipped) GS_REALTIME;

/// Clears all filter state of every channel, as gs_preamp_reset(); ends
/// every glide (gain, pad, polarity, high-pass, tone) at its target.
/// Real-time safe.
void gs_preamp_bank_reset(GsPreampBank *bank) GS_REALTIME;

/// The delay every channel adds, in samples: gs_preamp_latency() of a strip
/// with the same settings. Main thread or real time.
double gs_preamp_bank_latency(const GsPreampBank *bank) GS_REALTIME;
/// The oversampling factor in use. Real-time safe.
unsigned gs_preamp_bank_oversample(const GsPreampBank *bank) GS_REALTIME;
/// The number of channels. Real-time safe.
unsigned gs_preamp_bank_channels(const GsPreampBank *bank) GS_REALTIME;

#ifdef __cplusplus
}
#endif

#endif  // GS_PREAMP_H
