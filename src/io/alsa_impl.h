// SPDX-License-Identifier: ISC
// Inside the ALSA backend: its state, shared by the code that opens the
// device (alsa.c) and the audio thread (alsa_thread.c).

#ifndef GS_IO_ALSA_IMPL_H
#define GS_IO_ALSA_IMPL_H

#include "io/alsa_convert.h"
#include "io/backend_impl.h"

#include <alsa/asoundlib.h>
#include <pthread.h>
#include <stdbool.h>

typedef struct {
  snd_pcm_t *pcm;     // NULL: this direction is not used
  const char *dir;    // "capture" or "playback"
  GsSampleLayout layout;
  snd_pcm_format_t alsa_format;
  unsigned char *raw;  // one period as the device has it
  void **planes;       // non-interleaved: each channel's plane in raw
  float *floats;       // one period per channel, channel after channel
} AlsaStream;

typedef struct {
  GsBackend base;  // first: a GsBackend * is an AlsaBackend *
  // Set while opening (main thread); read only afterwards.
  GsBackendProcess process;
  void *user;
  char *device;
  AlsaStream capture;
  AlsaStream playback;
  uint32_t period;
  unsigned periods;
  uint32_t block;      // frames per process call (period, or max_block)
  bool linked;         // snd_pcm_link joined the two directions
  bool clockless;      // no clock of its own (the null PCM): paced by ours
  const float **in;    // the block's input pointers (audio thread)
  float **out;
  snd_pcm_status_t *status;  // audio thread, for the length of an xrun
  // Main thread.
  pthread_t thread;
  bool started;
  // Written by the main thread, read by the audio thread.
  _Atomic bool running;
  // Audio thread only.
  uint64_t frame;
} AlsaBackend;

/// The channel counts and rates a configuration space allows.
typedef struct {
  unsigned channels_min, channels_max;
  unsigned rate_min, rate_max;  ///< an open end (48000 < rate < 48001) is the integer inside
} AlsaRanges;

/// What hw allows. Main thread.
AlsaRanges gs_alsa_ranges(const snd_pcm_hw_params_t *hw);

/// The audio thread (arg: the AlsaBackend): starts the device, then reads,
/// processes and writes a period at a time until running is cleared or the
/// device fails for good (a SHUTDOWN event says why).
void *gs_alsa_run(void *arg);

#endif  // GS_IO_ALSA_IMPL_H
