// SPDX-License-Identifier: ISC
// The measurements of gainstage measure, on any device under test: frequency
// response by sweep, THD and THD+N on coherent sines (versus level, versus
// frequency, the harmonic spectrum), noise and dynamic range, aliasing when
// driven hard, latency. Main thread; each allocates what it needs.

#ifndef GS_CLI_MEASURE_H
#define GS_CLI_MEASURE_H

#include "cli/measure_dut.h"
#include "dsp/analysis.h"
#include "dsp/response.h"

#define GS_MEASURE_HARMONICS 10  ///< harmonics in a spectrum: H1 to H10
#define GS_MEASURE_MIN_RATE_HZ 8000.0    ///< the rates the models and converters take
#define GS_MEASURE_MAX_RATE_HZ 384000.0
#define GS_MEASURE_MIN_FREQ_HZ 20.0      ///< a single sine (spectrum) from here ...
#define GS_MEASURE_MAX_FREQ 0.45         ///< ... to this fraction of the rate
#define GS_MEASURE_MAX_LEVELS 200        ///< THD vs level: at most this many levels
#define GS_MEASURE_SWEEP_END 0.48        ///< the sweep ends at this fraction of the rate
#define GS_MEASURE_TOP_HZ 20000.0        ///< reports go up to here or the sweep's end

/// The highest frequency a report shows at rate_hz: 20 kHz, or the sweep's
/// end (GS_MEASURE_SWEEP_END x rate) when that is lower.
static inline double gs_measure_top_hz(double rate_hz)
{
  const double end = GS_MEASURE_SWEEP_END * rate_hz;
  return end < GS_MEASURE_TOP_HZ ? end : GS_MEASURE_TOP_HZ;
}

/// One sine through the device: a whole number of cycles in an analysis
/// block of about 0.34 s (16384 samples at 48 kHz) after 0.5 s to settle.
typedef struct {
  double freq_hz;      ///< the frequency measured: the coherent bin nearest the one asked for
  double level_in;     ///< input level (sine RMS), in the device's in_unit
  double level_out;    ///< the fundamental at the output, in out_unit
  double gain_db;      ///< level_out - level_in
  double thd_percent;  ///< harmonics 2 and up, within 20 Hz to 20 kHz, over the fundamental
  double thd_n_percent;  ///< everything but the fundamental and DC in 20 Hz to 20 kHz
  double harmonic_dbc[GS_MEASURE_HARMONICS + 1];  ///< [h] for h >= 2, dB re the fundamental;
                                                   ///< -300 beyond 20 kHz
  double aliasing_dbc;  ///< non-harmonic energy in 20 Hz to 20 kHz re the fundamental
  double phase_delay;   ///< delay of the fundamental by its phase, in samples, within
                        ///< -1/4 to 3/4 of its period
  GsSineAnalysis raw;   ///< the analysis itself (amplitudes in output samples)
} GsSinePoint;

/// Measures one sine of level (in_unit) at the coherent frequency nearest
/// freq_hz, from a reset device.
GsStatus gs_measure_sine(GsDut *dut, double freq_hz, double level, GsSinePoint *out);

/// The frequency response from an exponential sweep (10 Hz to 0.48 x rate,
/// 2 s, then 1.2 s of silence), deconvolved and windowed 10 ms before to
/// 1 s after the impulse response's peak.
typedef struct {
  double level;       ///< the sweep's level (a sine of the same peak), in_unit
  double delay;       ///< samples of delay taken out of the phase: the group delay at 1 kHz
  double ref_db;      ///< gain at 1 kHz
  size_t n;           ///< points
  GsResponsePoint *points;  ///< magnitude_db is the gain (out_unit re in_unit)
  double *ir;         ///< the impulse response and its window, for gs_measure_response_at()
  size_t n_ir;
  GsResponseWindow window;
  double rate_hz;
  double unit_db;     ///< 20 log10(in_peak / out_peak): samples to level units
} GsResponse;

/// Measures the response at level and evaluates it at n_points from lo_hz
/// to hi_hz on a log scale.
GsStatus gs_measure_response(GsDut *dut, double level, double lo_hz, double hi_hz,
                             size_t n_points, GsResponse *out);
/// The response at any frequency (gain in dB, phase without out->delay).
void gs_measure_response_at(const GsResponse *r, double freq_hz, GsResponsePoint *out);
void gs_measure_response_free(GsResponse *r);

/// Noise with the device's own noise on and no signal, and the dynamic range.
typedef struct {
  double gain_db;    ///< measured with a 1 kHz sine at the linear level, noise off
  double band_lo_hz, band_hi_hz;  ///< the band: 22 Hz to 22 kHz, or to the sweep's end
  double out_a;      ///< output noise, A-weighted, in the band (out_unit)
  double out_flat;   ///< output noise in the band, unweighted (out_unit)
  double ein_a;      ///< out_a - gain: equivalent input noise (in_unit)
  double ein_flat;
  double max_in;     ///< input level where THD+N at 1 kHz reaches 1 %
  double max_out;    ///< the output level there
  bool max_reached;  ///< false: 1 % was not reached up to max_level (max_* are there)
  double dynamic_range_db;  ///< max_out - out_a
} GsNoiseResult;

GsStatus gs_measure_noise(GsDut *dut, GsNoiseResult *out, GsError *err);

/// The input level (in_unit) where THD+N at 1 kHz reaches 1 %, by bisection
/// to 0.1 dB between lo and hi; *reached false when it stays below at hi.
GsStatus gs_measure_max_level(GsDut *dut, double lo, double hi, double *level_in,
                              double *level_out, bool *reached);

/// Delay through the device.
typedef struct {
  double correlation;    ///< by cross-correlation of a noise probe (dsp/delay_estimate.h)
  double confidence_db;
  double phase_1k;       ///< phase delay of a 1 kHz sine, in samples
  double reported;       ///< what the device says; NAN when it says nothing
} GsLatencyResult;

GsStatus gs_measure_latency(GsDut *dut, GsLatencyResult *out, GsError *err);

#define GS_MEASURE_MAX_ALIAS_FREQS 4
#define GS_MEASURE_MAX_FACTORS 4

/// Aliasing at one oversampling factor (0: the device's own setting).
typedef struct {
  unsigned oversample;
  double dbc[GS_MEASURE_MAX_ALIAS_FREQS];
  double thd_percent[GS_MEASURE_MAX_ALIAS_FREQS];
} GsAliasRow;

#define GS_MEASURE_ALIAS_PAST_DB 12.0  ///< aliasing sines: this far past saturation

/// The oversampling factors aliasing is measured at: 1, 2, 4, 8.
extern const unsigned gs_measure_factors[GS_MEASURE_MAX_FACTORS];

/// One row of aliasing: sines at freq_hz[0..n) of level through dut rebuilt
/// at oversample (0: as it is), into row.
GsStatus gs_measure_alias_row(GsDut *dut, unsigned oversample, const double *freq_hz, size_t n,
                              double level, GsAliasRow *row, GsError *err);

/// What gs_measure_all() measures: a mask of these.
enum {
  GS_MEASURE_RESPONSE = 1u << 0,
  GS_MEASURE_THD_LEVEL = 1u << 1,
  GS_MEASURE_THD_FREQ = 1u << 2,
  GS_MEASURE_SPECTRUM = 1u << 3,
  GS_MEASURE_NOISE = 1u << 4,
  GS_MEASURE_ALIASING = 1u << 5,
  GS_MEASURE_LATENCY = 1u << 6,
  GS_MEASURE_ALL = (1u << 7) - 1,
};

/// Settings; NAN for a level means the device's default.
typedef struct {
  unsigned what;
  double level;          ///< THD vs frequency and spectrum (default: nominal_level)
  double response_level; ///< default: linear_level
  double spectrum_hz;    ///< default 1000
  double from, to, step; ///< THD vs level at 1 kHz (default: max_level - 66 to max_level by 3)
  double alias_level;    ///< default: 12 dB past saturation_level (0 dBFS for a plugin)
} GsMeasureSettings;

GsMeasureSettings gs_measure_settings_default(void);

/// Everything measured.
typedef struct {
  unsigned what;
  GsMeasureSettings settings;  ///< with the defaults resolved
  GsResponse response;
  GsSinePoint *thd_level;
  size_t n_thd_level;
  GsSinePoint *thd_freq;
  size_t n_thd_freq;
  GsSinePoint spectrum;
  GsNoiseResult noise;
  double alias_freq[GS_MEASURE_MAX_ALIAS_FREQS];
  size_t n_alias_freq;
  GsAliasRow alias[GS_MEASURE_MAX_FACTORS];
  size_t n_alias;
  GsLatencyResult latency;
  double seconds;  ///< time the measurements took
} GsMeasurement;

/// Runs what settings asks for. err says what went wrong.
GsStatus gs_measure_all(GsDut *dut, const GsMeasureSettings *settings, GsMeasurement *out,
                        GsError *err);
void gs_measurement_free(GsMeasurement *m);

#endif  // GS_CLI_MEASURE_H
