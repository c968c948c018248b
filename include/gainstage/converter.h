// SPDX-License-Identifier: ISC
// Converters: the ADC at the end of an input strip (volts in, samples out)
// and the DAC in front of an output (samples in, volts out).

#ifndef GS_CONVERTER_H
#define GS_CONVERTER_H

#include "gainstage/realtime.h"
#include "gainstage/status.h"

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Documented defaults (docs/converters.md says where they come from).
#define GS_CONVERTER_REF_DBU 18.0       ///< +18 dBu = 0 dBFS (EBU R68)
#define GS_ADC_NOISE_DBFS_A (-120.0)    ///< a modern interface's ADC: 120 dB(A) dynamic range
#define GS_DAC_NOISE_DBFS_A (-120.0)    ///< its line output DAC likewise

/// Clips since the last gs_adc_take_clips() / gs_dac_take_clips(). Frames
/// count the converter's output samples from its creation or last reset, so
/// they line up with what it wrote (the ADC's own delay is included).
typedef struct {
  uint64_t count;        ///< samples clipped (0: the frames and times mean nothing)
  uint64_t first_frame;  ///< output frame of the first one
  uint64_t last_frame;   ///< output frame of the last one
  double first_s;        ///< the same as times in seconds
  double last_s;
} GsClipReport;

// ---------------------------------------------------------------------------
// ADC

/// Settings of one ADC channel. Start from gs_adc_config_default().
///
/// Levels in dBFS follow AES17: 0 dBFS is the RMS level of a full-scale
/// sine, so a level in dBFS is the analog level in dBu minus ref_dbu (a
/// -120 dBFS(A) noise floor at +18 dBu is -102 dBu(A)).
typedef struct {
  double ref_dbu;        ///< analog level (sine RMS) of 0 dBFS: +4 to +24 dBu
  double rate_hz;        ///< 44100, 48000, 88200, 96000, 176400 or 192000
  unsigned bits;         ///< 16 or 24 (fixed point) or 32 (float, not quantised)
  bool dither;           ///< TPDF dither before 16 or 24-bit rounding
  bool noise;            ///< add the converter's noise floor
  double noise_dbfs_a;   ///< the noise floor, white, A-weighted over 22 Hz-22 kHz:
                         ///< -150 to -80 dBFS(A)
  double filter_latency; ///< the hardware decimation filter's delay, samples (0 to
                         ///< 100), for the latency budget; negative: the
                         ///< documented figure (gs_adc_default_filter_latency)
  uint64_t seed;         ///< noise and dither seed
} GsAdcConfig;

/// Defaults: +18 dBu, 48 kHz, 24 bits with TPDF dither, noise floor
/// GS_ADC_NOISE_DBFS_A (off), the documented filter latency.
GsAdcConfig gs_adc_config_default(void);

/// The documented decimation filter delay at rate_hz: 5 samples at every
/// rate, the low-latency converters of current interfaces (RME publishes AD
/// 5/fs at 44.1 to 192 kHz for the HDSPe AIO Pro; classic linear-phase
/// filters are about 40 samples, e.g. 37/fs for the M-32 AD).
double gs_adc_default_filter_latency(double rate_hz);

typedef struct GsAdc GsAdc;

/// Validates the settings (err names the setting and the valid range) and
/// builds the converter. Main thread.
GsStatus gs_adc_new(const GsAdcConfig *config, GsAdc **out, GsError *err);
/// Frees a converter; NULL is a no-op. Main thread.
void gs_adc_free(GsAdc *adc);

/// Converts n samples of instantaneous voltage into samples (1.0 = full
/// scale: the peak of a sine at ref_dbu). The input clips at full scale as
/// in an overdriven sigma-delta modulator, without aliasing (src/dsp/clipper.h:
/// the clip runs at 4x the rate at 44.1/48 kHz, 2x above, and only on
/// stretches that come near full scale); then the noise floor, then the
/// word length. The output is delayed by gs_adc_latency() samples. A NaN
/// input is taken as 0 V. in and out may alias. Returns the number of
/// samples in this block whose input was beyond full scale. Real-time safe.
uint32_t gs_adc_process(GsAdc *adc, const float *in_volts, float *out, uint32_t n) GS_REALTIME;

/// Copies the clips since the last call into report and starts a new
/// interval. Real-time safe.
void gs_adc_take_clips(GsAdc *adc, GsClipReport *report) GS_REALTIME;

/// Clears the delay line, the clip report and the frame count. Real-time safe.
void gs_adc_reset(GsAdc *adc) GS_REALTIME;

/// The delay the model adds, in samples (its clipper's linear-phase filters:
/// 39 at 44.1/48 kHz, 11 or 12 at 88.2/96, 9 at 176.4/192).
uint32_t gs_adc_latency(const GsAdc *adc);
/// The hardware's decimation filter delay in samples, for the latency budget
/// (the model does not add it).
double gs_adc_filter_latency(const GsAdc *adc);
/// The peak voltage of full scale (sample 1.0).
double gs_adc_fullscale_volts(const GsAdc *adc);
/// The oversampling factor of the clip.
unsigned gs_adc_oversample(const GsAdc *adc);

// ---------------------------------------------------------------------------
// DAC

/// Settings of one DAC channel. Start from gs_dac_config_default().
typedef struct {
  double ref_dbu;        ///< analog level (sine RMS) of 0 dBFS: +4 to +24 dBu
  double rate_hz;        ///< as for the ADC
  bool noise;            ///< add the output's noise floor
  double noise_dbfs_a;   ///< -150 to -80 dBFS(A), as for the ADC
  double filter_latency; ///< the hardware interpolation filter's delay, samples (0 to
                         ///< 100); negative: gs_dac_default_filter_latency
  uint64_t seed;         ///< noise seed
} GsDacConfig;

/// Defaults: +18 dBu, 48 kHz, noise floor GS_DAC_NOISE_DBFS_A (off), the
/// documented filter latency.
GsDacConfig gs_dac_config_default(void);

/// The documented interpolation filter delay at rate_hz: 6.25 samples up to
/// 48 kHz and 5.63 above (RME's published DA figures for the HDSPe AIO Pro
/// with its sharp filter; classic filters are about 30-40 samples).
double gs_dac_default_filter_latency(double rate_hz);

typedef struct GsDac GsDac;

/// Validates the settings and builds the converter. Main thread.
GsStatus gs_dac_new(const GsDacConfig *config, GsDac **out, GsError *err);
/// Frees a converter; NULL is a no-op. Main thread.
void gs_dac_free(GsDac *dac);

/// Converts n samples into instantaneous volts through the reference level:
/// sample 1.0 is the peak of a sine at ref_dbu. A digital word cannot exceed
/// full scale, so samples beyond +-1 are clamped (and counted) before
/// conversion, as a fixed-point DAC input saturates; then the noise floor.
/// No delay. A NaN sample plays as 0. in and out may alias. Returns the
/// number of clamped samples in this block. Real-time safe.
uint32_t gs_dac_process(GsDac *dac, const float *in, float *out_volts, uint32_t n) GS_REALTIME;

/// Copies the clips since the last call into report and starts a new
/// interval. Real-time safe.
void gs_dac_take_clips(GsDac *dac, GsClipReport *report) GS_REALTIME;
/// Clears the clip report and the frame count. Real-time safe.
void gs_dac_reset(GsDac *dac) GS_REALTIME;

/// The delay the model adds: 0.
uint32_t gs_dac_latency(const GsDac *dac);
/// The hardware's interpolation filter delay in samples, for the latency budget.
double gs_dac_filter_latency(const GsDac *dac);
/// The peak voltage of full scale (sample 1.0).
double gs_dac_fullscale_volts(const GsDac *dac);

#ifdef __cplusplus
}
#endif

#endif  // GS_CONVERTER_H
