// SPDX-License-Identifier: ISC
// What changes when a running interface takes a new session (at start, or a
// snapshot loaded with `load FILE`): +48 V switched on, which needs the
// user's word; changes the engine applies live; and changes it cannot.

#ifndef GS_CLI_RUN_STATE_H
#define GS_CLI_RUN_STATE_H

#include "gainstage/engine.h"
#include "gainstage/session.h"
#include "gainstage/status.h"

#include <stdbool.h>
#include <stddef.h>

/// One line listing the strips next switches +48 V on that cur has off
/// ("+48 V on: strip 3 (overhead-l), strip 4 (overhead-r)"); cur NULL: the
/// interface at power-up, every input off. "" when there are none. Returns
/// whether there were any.
bool gs_run_phantom_diff(const GsSession *cur, const GsSession *next, char *out, size_t size);

/// One line listing what next changes that the engine cannot change while it
/// runs (strip count, input types, preamp models, tone, ...): "strip 2
/// (snare): input mic -> line; mixes: 2 -> 3". "" when there is none.
bool gs_run_fixed_diff(const GsSession *cur, const GsSession *next, char *out, size_t size);

/// Posts every live change from cur to next (gains, mutes, +48 V, pads,
/// high-pass filters, polarity, sends, mix settings) to engine; *n_changes
/// counts them. err says which failed. Main thread.
GsStatus gs_run_apply(const GsSession *cur, const GsSession *next, GsEngine *engine,
                      unsigned *n_changes, GsError *err);

#endif  // GS_CLI_RUN_STATE_H
