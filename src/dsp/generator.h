// SPDX-License-Identifier: ISC
// Test-signal generators: silence, sine, logarithmic sweep, pink noise, click.

#ifndef GS_DSP_GENERATOR_H
#define GS_DSP_GENERATOR_H

#include "dsp/noise.h"
#include "gainstage/realtime.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum {
  GS_WAVE_SILENCE,
  GS_WAVE_SINE,
  GS_WAVE_SWEEP,
  GS_WAVE_PINK,
  GS_WAVE_CLICK,
} GsWave;

/// One generator; the caller owns it. Amplitudes are in the caller's unit:
/// the peak of a sine, a sweep or a click, the RMS (20 Hz to 20 kHz) of pink
/// noise. Owned by the thread that processes it.
typedef struct {
  GsWave wave;
  double amplitude;
  double rate_hz;
  double freq_hz;           ///< sine
  double phase;             ///< sine: cycles, in [0, 1)
  double start_hz, end_hz;  ///< sweep
  double length;            ///< sweep: samples per sweep; click: samples per beat
  uint64_t t;               ///< sweep: samples into the sweep; click: samples into the beat
  double next;              ///< click: the number of the next beat
  bool loop;                ///< sweep: start again at the end, else fall silent
  bool done;
  GsPink pink;
  GsPink pink_start;        ///< pink as seeded, for reset
} GsGenerator;

/// Designs; the parameters are not checked (the model layer validates them).
/// Main thread.
void gs_generator_init_silence(GsGenerator *g);
void gs_generator_init_sine(GsGenerator *g, double rate_hz, double freq_hz, double amplitude);
void gs_generator_init_sweep(GsGenerator *g, double rate_hz, double start_hz, double end_hz,
                             double duration_s, double amplitude, bool loop);
void gs_generator_init_pink(GsGenerator *g, double amplitude, uint64_t seed);
void gs_generator_init_click(GsGenerator *g, double rate_hz, double tempo_bpm,
                             double amplitude);

/// Back to the first sample (the pink sequence starts again from its seed).
/// Real-time safe.
void gs_generator_reset(GsGenerator *g) GS_REALTIME;

/// Writes (not adds) the next n samples. Real-time safe.
void gs_generator_process(GsGenerator *g, float *out, uint32_t n) GS_REALTIME;

/// The sweep's instantaneous frequency t_s seconds into it:
/// start_hz (end_hz / start_hz)^(t_s / duration_s).
double gs_sweep_freq_hz(const GsGenerator *g, double t_s);

#endif  // GS_DSP_GENERATOR_H
