// SPDX-License-Identifier: ISC
// The interface engine: input strips, direct-monitoring mixes, parameter
// changes from other threads and meters for them.

#ifndef GS_ENGINE_H
#define GS_ENGINE_H

#include "gainstage/preamp.h"
#include "gainstage/realtime.h"
#include "gainstage/status.h"

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What kind of signal an input takes; it sets the gain range the strip
/// offers, as an interface's input does.
typedef enum {
  GS_INPUT_MIC,         ///< XLR: 0 to 60 dB of gain on top of the model's range floor
  GS_INPUT_INSTRUMENT,  ///< Hi-Z jack (about 1 Mohm): up to 35 dB
  GS_INPUT_LINE,        ///< line level (about 10 kohm): up to 20 dB
} GsInputType;

/// The gain range an input type offers, in dB.
void gs_input_type_gain_range(GsInputType type, double *min_db, double *max_db);
/// "mic", "instrument", "line".
const char *gs_input_type_name(GsInputType type);

/// One input strip: the analog path (a preamp strip) and the converter.
typedef struct {
  const char *name;        ///< shown in reports ("kick", "vocal"); may be NULL
  GsInputType type;
  GsPreampConfig preamp;   ///< model, gain, pad, high-pass, polarity, tone, oversampling, noise
  bool phantom;            ///< +48 V on this input
  bool mute;
  bool link_next;          ///< stereo-linked with the next strip (gain and mute move together)
  bool clip_safe;          ///< look-ahead gain reduction (1 ms) keeps the converter from
                           ///< clipping: peaks held at -1 dBFS; adds 1 ms of latency
  double safety_db;        ///< 0: none; else -30 to -1: a second converter records the
                           ///< preamp this much lower (before Clip Safe), sample-aligned
} GsStripConfig;

/// A stereo mix: what the monitors or a pair of headphones hear.
typedef struct {
  const char *name;   ///< "monitors", "headphones 1"
  double volume_db;   ///< -120 (off) to +12
  bool mute;
  bool mono;          ///< sum to mono (both sides carry (L + R) / 2)
  bool dim;           ///< lower by dim_db
  double dim_db;      ///< -60 to 0; -20 is usual
} GsMixConfig;

/// One send into a mix, from a strip or a playback return.
typedef struct {
  double level_db;  ///< -120 (off) to +12
  double pan;       ///< -1 (left) to +1 (right), constant power
  bool mute;
  bool solo;        ///< when any send of a mix is soloed, only soloed sends are heard
} GsSendConfig;

/// A send's initial settings, as a session gives them.
typedef struct {
  unsigned mix;
  unsigned source;   ///< strips first, then returns
  GsSendConfig send;
} GsEngineSend;

/// The whole engine's shape: fixed when it is built.
typedef struct {
  double rate_hz;        ///< 44100 to 192000
  uint32_t max_block;    ///< largest block gs_engine_process() takes (16 to 8192)
  double adc_ref_dbu;    ///< converter reference: a full-scale sine is this level (+4 to +24)
  bool adc_noise;        ///< the converters add their noise floor (-120 dBFS(A))
  unsigned phantom_group;  ///< 0: +48 V per input; N: per group of N adjacent inputs
                           ///< (1-N, N+1-2N, ...), as many interfaces switch it
  unsigned n_strips;     ///< 0 to GS_ENGINE_MAX_STRIPS
  unsigned n_returns;    ///< playback returns from the host (0 to GS_ENGINE_MAX_STRIPS)
  unsigned n_mixes;      ///< 0 to GS_ENGINE_MAX_MIXES
  const GsStripConfig *strips;  ///< n_strips of them
  const GsMixConfig *mixes;     ///< n_mixes of them
  const GsEngineSend *sends;    ///< n_sends initial send settings (the rest start off)
  size_t n_sends;
} GsEngineConfig;

#define GS_ENGINE_MAX_STRIPS 128
#define GS_ENGINE_MAX_MIXES 16

typedef struct GsEngine GsEngine;

/// Validates the configuration (err names the strip or mix, the setting and
/// the valid range) and builds the engine with all its memory: nothing is
/// allocated afterwards. Sends start as config->sends gives them, settled (no
/// glide); the others start off (-120 dB), centred. Main thread.
GsStatus gs_engine_new(const GsEngineConfig *config, GsEngine **out, GsError *err);
/// Frees an engine; NULL is a no-op. Main thread.
void gs_engine_free(GsEngine *engine);

/// Processes one block of n frames (n <= max_block).
/// inputs[s]: strip s's input in volts (n_strips buffers), then
/// inputs[n_strips + r]: playback return r in samples (full scale 1.0).
/// captures[s]: strip s after its converter (a gs_adc: alias-free clipping at
/// full scale), in float samples (what a recorder or a host gets); may be
/// NULL to skip.
/// mixes[2 m], mixes[2 m + 1]: mix m's left and right, in samples.
/// Real-time safe: no allocation, lock, system call or I/O.
void gs_engine_process(GsEngine *engine, const float *const *inputs, float *const *captures,
                       float *const *mixes, uint32_t n) GS_REALTIME;

/// Whether strip's input has +48 V now (as the audio thread last applied
/// it). Any thread.
bool gs_engine_strip_phantom(const GsEngine *engine, unsigned strip);

/// Strip s's safety capture from the last gs_engine_process() (as many
/// samples as it processed), or NULL when the strip has none. Valid until
/// the next process call; for the thread that calls it. Real-time safe.
const float *gs_engine_safety(const GsEngine *engine, unsigned strip) GS_REALTIME;

/// The parameters other threads may change while the engine runs.
typedef enum {
  GS_PARAM_STRIP_GAIN_DB,    ///< index: strip
  GS_PARAM_STRIP_MUTE,       ///< index: strip; value 0 or 1
  GS_PARAM_STRIP_PHANTOM,    ///< index: strip (its whole phantom group); value 0 or 1
  GS_PARAM_STRIP_PAD,        ///< index: strip; value 0 or 1 (-20 dB, gliding)
  GS_PARAM_STRIP_HPF_HZ,     ///< index: strip; 0 (off) or 10 to 1000 Hz (gliding by octaves)
  GS_PARAM_STRIP_POLARITY,   ///< index: strip; value 1 to invert (fades through zero)
  GS_PARAM_SEND_LEVEL_DB,    ///< index: mix, sub: source (strips first, then returns)
  GS_PARAM_SEND_PAN,         ///< index: mix, sub: source
  GS_PARAM_SEND_MUTE,        ///< index: mix, sub: source
  GS_PARAM_SEND_SOLO,        ///< index: mix, sub: source
  GS_PARAM_MIX_VOLUME_DB,    ///< index: mix
  GS_PARAM_MIX_MUTE,         ///< index: mix
  GS_PARAM_MIX_MONO,         ///< index: mix
  GS_PARAM_MIX_DIM,          ///< index: mix
} GsParam;

/// Queues a change for the audio thread, which applies it at the start of its
/// next block and glides continuous values there (no zipper noise). Gain,
/// mute, pad and high-pass move both strips of a linked pair; polarity only
/// the one. The model, its tone controls and oversampling are fixed when the
/// engine is built (a new engine takes a change of them). Checks
/// index, sub and value (err says what is valid); GS_ERR_IO when the queue is
/// full (the audio thread is not running). One thread may post at a time.
GsStatus gs_engine_post(GsEngine *engine, GsParam param, unsigned index, unsigned sub,
                        double value, GsError *err);

/// A strip's meters, as the audio thread last published them.
typedef struct {
  float peak_dbfs;        ///< since the last snapshot
  float peak_hold_dbfs;   ///< highest in the last 2 s
  float rms_dbfs;         ///< over the last 300 ms
  float input_peak_dbu;   ///< before the converter, at the preamp's output
  uint64_t clips;         ///< samples clipped at the converter since the start
  float momentary_lufs;   ///< EBU R128 momentary (400 ms), -200 until it has 400 ms
  float shortterm_lufs;   ///< EBU R128 short-term (3 s), -200 until it has 3 s
  uint64_t clip_safe_acted;      ///< times Clip Safe has begun reducing, since the start
  float clip_safe_db;            ///< its deepest reduction in the last block (0: none)
  uint64_t clip_safe_frame;      ///< frame where its latest episode in that block began
} GsStripMeters;

/// Copies strip's latest meters. Any thread; never blocks the audio thread.
void gs_engine_strip_meters(const GsEngine *engine, unsigned strip, GsStripMeters *out);

/// The latency budget, in samples at the engine's rate.
typedef struct {
  double input;       ///< analog input to capture: the slowest strip's preamp in
                      ///< whole samples (the others are delayed to match it) plus
                      ///< the converter's (its model's decimation filter)
  double output;      ///< mix to analog output: the DAC's interpolation filter
  double monitoring;  ///< analog input to a mix's analog output (direct monitoring:
                      ///< no host buffers): input + output
  double buffer;      ///< one host buffer (max_block)
  double safety;      ///< the driver's safety offset on the way back (GS_SAFETY_OFFSET)
  double round_trip;  ///< through a host and back: input + output + 2 buffers + safety
} GsLatency;

/// Samples a driver keeps between what it plays and what it was given, as
/// RME's drivers do (REFERENCES.md: 32 samples).
#define GS_SAFETY_OFFSET 32.0

/// Main thread or real time.
GsLatency gs_engine_latency(const GsEngine *engine);
/// Samples to milliseconds at the engine's rate.
double gs_engine_ms(const GsEngine *engine, double samples);

#ifdef __cplusplus
}
#endif

#endif  // GS_ENGINE_H
