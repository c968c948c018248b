// SPDX-License-Identifier: ISC
// Audio backends: what moves blocks between the engine and the world. JACK
// (also PipeWire's JACK), ALSA directly, and null: a free-running real-time
// clock with no hardware. One interface for all three; `gainstage run`
// drives it and does not care which it has.

#ifndef GS_IO_BACKEND_H
#define GS_IO_BACKEND_H

#include "gainstage/realtime.h"
#include "gainstage/status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
  GS_BACKEND_NULL,
  GS_BACKEND_JACK,
  GS_BACKEND_ALSA,
} GsBackendKind;

/// "null", "jack", "alsa".
const char *gs_backend_kind_name(GsBackendKind kind);
/// By name; GS_ERR_UNKNOWN (err lists the valid ones) otherwise.
GsStatus gs_backend_kind_parse(const char *name, GsBackendKind *out, GsError *err);

/// The audio thread's callback: in[c] holds n frames of input channel c,
/// out[c] must be filled with n frames for output channel c. frame counts
/// frames since the stream started (for logs); with JACK it follows the
/// server's clock, so cycles the server ran without this client (an xrun)
/// show as a jump. Must be real-time safe.
typedef void (*GsBackendProcess)(void *user, const float *const *in, float *const *out,
                                 uint32_t n, uint64_t frame) GS_REALTIME;

typedef struct {
  GsBackendKind kind;
  const char *client_name;   ///< JACK client name; NULL: "gainstage"
  const char *server;        ///< JACK server name; NULL: the default ($JACK_DEFAULT_SERVER)
  const char *device;        ///< ALSA PCM ("hw:0", "plughw:1", "null"); NULL: "default"
  double rate_hz;            ///< ALSA and null: the rate to run at; JACK follows the server
  uint32_t period;           ///< ALSA and null: frames per period; JACK follows the server
  unsigned periods;          ///< ALSA: periods in the buffer (2 to 16; 0: 2)
  unsigned n_inputs;         ///< channels into gainstage
  unsigned n_outputs;        ///< channels out of it
  const char *const *input_names;   ///< JACK port names, n_inputs; NULL: "in_1"...
  const char *const *input_pretty;  ///< JACK metadata pretty-names, or NULL
  const char *const *output_names;
  const char *const *output_pretty;
  const char *connect;       ///< JACK: connect to the system ports whose names match this
                             ///< (a regular expression); NULL: connect nothing
  /// Latency gainstage adds between its inputs and an output port, in
  /// frames, per output: the output's JACK capture latency range is the
  /// inputs' upstream range plus output_latency_min (its low end) and
  /// output_latency (its high end), so hosts compensate (NULL: none).
  const double *output_latency;
  const double *output_latency_min;  ///< NULL: the same as output_latency
  /// Latency from an input port to the outputs, per input (for a strip, the
  /// preamp and converter; for a return, none): the input's JACK playback
  /// latency range is the outputs' downstream range plus this (NULL: none).
  const double *input_latency;
  GsBackendProcess process;
  void *user;
  uint32_t max_block;        ///< the largest block the callback can take
} GsBackendConfig;

/// What happened, for the main thread to report.
typedef enum {
  GS_BACKEND_EV_XRUN,        ///< an over- or underrun (frame, delay_us)
  GS_BACKEND_EV_RATE,        ///< the rate changed (value: the new rate)
  GS_BACKEND_EV_BUFFER,      ///< the block size changed (value: frames)
  GS_BACKEND_EV_SHUTDOWN,    ///< the server went away (message says why)
  GS_BACKEND_EV_RECONNECTED, ///< the server is back and the ports are again in place
} GsBackendEventKind;

typedef struct {
  GsBackendEventKind kind;
  uint64_t frame;            ///< when, in frames since the stream started
  double value;
  double wall_s;             ///< when, in seconds since the epoch (CLOCK_REALTIME)
  char message[256];
} GsBackendEvent;

typedef struct GsBackend GsBackend;

/// Opens the backend (err names the server or device and says what would
/// work: "JACK server 'foo' is not running (start it with jackd, or use
/// --backend alsa|null)"; GS_ERR_IO) and registers its ports or opens the
/// PCM with the channel counts asked for (GS_ERR_RANGE naming the device and
/// the counts it gives when it cannot). Does not start the callback. Main thread.
GsStatus gs_backend_open(const GsBackendConfig *config, GsBackend **out, GsError *err);
/// Starts calling process; with JACK, then makes the --connect connections.
GsStatus gs_backend_start(GsBackend *b, GsError *err);
/// Stops the callback (it is not called after this returns) and closes.
/// NULL is a no-op. Main thread.
void gs_backend_close(GsBackend *b);

/// JACK: connects gainstage's output port `index` to the first input port
/// whose name matches the regular expression `pattern` (output true), or the
/// first output port matching it to gainstage's input port `index` (output
/// false); a NULL pattern connects gainstage's output `index` to its own
/// input `index` (a loopback: JACK delays it by one period). GS_ERR_UNKNOWN
/// naming the pattern when no port matches, GS_ERR_IO when JACK refuses;
/// GS_ERR_USAGE on a backend without ports to connect. After
/// gs_backend_start(). Main thread.
GsStatus gs_backend_connect(GsBackend *b, bool output, unsigned index, const char *pattern,
                            GsError *err);

/// The rate and block size now in force.
double gs_backend_rate(const GsBackend *b);
uint32_t gs_backend_block(const GsBackend *b);

/// The audio thread's SCHED_FIFO priority once started, 0 when it runs at
/// normal priority (the system did not allow real time). Main thread.
int gs_backend_priority(const GsBackend *b);
/// One line saying what the backend was granted ("ALSA 'hw:1': 48000 Hz,
/// 256 frames x 2 periods, S32_LE interleaved, 2 in, 2 out"); may be empty
/// for a backend that says nothing. Main thread.
const char *gs_backend_info(const GsBackend *b);

/// Takes the next event into ev, false when there is none. Main thread.
/// A JACK backend whose server went away tries to reconnect with back-off
/// from inside this call (so call it a few times a second).
bool gs_backend_poll(GsBackend *b, GsBackendEvent *ev);

/// Xruns since the start. Any thread; real-time safe.
uint64_t gs_backend_xruns(const GsBackend *b) GS_REALTIME;

/// One line per device or server the backend offers, for `gainstage devices`
/// (written to out). Main thread.
GsStatus gs_backend_list(GsBackendKind kind, char *out, size_t size, GsError *err);

#endif  // GS_IO_BACKEND_H
