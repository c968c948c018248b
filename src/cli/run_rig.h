// SPDX-License-Identifier: ISC
// What `gainstage run` plays in real time: a session's sources (or live
// input from the backend's ports) through the engine, into capture and mix
// outputs and the recorder. The audio thread's callback lives here; a rate
// change swaps in a whole new core without stopping the callback.

#ifndef GS_CLI_RUN_RIG_H
#define GS_CLI_RUN_RIG_H

#include "cli/band_source.h"
#include "cli/run_record.h"
#include "gainstage/engine.h"
#include "gainstage/realtime.h"
#include "gainstage/session.h"
#include "gainstage/source.h"
#include "io/backend.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/// The engine and sources at one rate. Built and freed by the main thread;
/// used by the audio thread while it is current.
typedef struct {
  double rate_hz;
  unsigned n_strips, n_returns, n_mixes;  ///< the layout, the same for every core
  GsEngine *engine;
  GsSource **sources;     ///< one per strip
  float **volts;          ///< one per strip, max_block each
  const float **engine_in;  ///< strips' volts, then returns
  float **cap;            ///< per strip: where captures go this block
  float **mix;            ///< 2 per mix
  float **scratch;        ///< per strip and per mix side, for outputs the backend lacks
  float *silence;         ///< max_block zeros, for returns the backend lacks
  GsRunRecord *record;    ///< NULL when there is nothing to record
  /// Per strip, +48 V as the main thread last switched it (it posts the
  /// engine's change too); the audio thread passes it on to the source.
  atomic_bool *phantom;
} GsRigCore;

/// The port layout and what feeds the strips.
typedef struct {
  const GsSession *session;  ///< what the next core is built from (main thread only)
  bool live;              ///< strips take the backend's inputs, else the session's sources
  bool returns;           ///< the backend's inputs after the strips are returns
  bool capture_ports;     ///< the backend's outputs after the mixes carry each strip's capture
  uint32_t max_block;
  const char *record_folder;  ///< NULL: no recorder
  double preroll_s;           ///< kept before record is pressed
} GsRigConfig;

typedef struct {
  GsRigConfig config;
  GsBandSource band;
  GsRigCore *current;             ///< the audio thread's (the main thread's before start)
  _Atomic(GsRigCore *) next;      ///< main -> audio: a core to switch to
  _Atomic(GsRigCore *) retired;   ///< audio -> main: the core it switched from
  GsRigCore *latest;              ///< main thread: the core it last handed over
  const GsBackend *backend;       ///< set before the callback starts, for its xrun count
  uint64_t xruns_seen;            ///< audio thread: the count it last told the recorder
  uint64_t next_frame;            ///< audio thread: the frame its next block should start at
  bool frames_known;
} GsRig;

/// Inputs and outputs the backend should have for this layout.
unsigned gs_rig_n_inputs(const GsRigConfig *c);
unsigned gs_rig_n_outputs(const GsRigConfig *c);

typedef struct {
  char **names;     ///< names and pretty-names, inputs then outputs (NULL-terminated)
  double *latency;  ///< per input, then per output (max), then per output (min)
} GsRigPorts;

/// The backend's port names, pretty-names and latencies for this layout:
/// inputs in_N (pretty "in N (name)") then return_N; outputs each mix's
/// NAME_L and NAME_R, then capture_N (pretty: the strip's name). Latencies
/// from lat: a strip's input reaches the outputs lat->input later, a return
/// at once. Points bc's names and latencies at p (free it after the backend
/// is closed). False when out of memory. Main thread.
bool gs_rig_ports(const GsRigConfig *c, const GsLatency *lat, GsRigPorts *p,
                  GsBackendConfig *bc);
void gs_rig_ports_free(GsRigPorts *p);

/// Builds a core at rate_hz (err names the session and what failed). Main thread.
GsStatus gs_rig_core_new(GsRig *rig, double rate_hz, GsRigCore **out, GsError *err);
void gs_rig_core_free(GsRigCore *core);

/// The backend's callback (user: the GsRig).
void gs_rig_process(void *user, const float *const *in, float *const *out, uint32_t n,
                    uint64_t frame) GS_REALTIME;

/// Hands a new core to the audio thread and waits up to wait_s for it to
/// take it; the old core is freed once the audio thread let it go (now, or
/// at a later gs_rig_collect()). Main thread.
void gs_rig_swap(GsRig *rig, GsRigCore *core, double wait_s);
/// Frees a core the audio thread let go. Main thread.
void gs_rig_collect(GsRig *rig);

#endif  // GS_CLI_RUN_RIG_H
