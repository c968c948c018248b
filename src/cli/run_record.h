// SPDX-License-Identifier: ISC
// Recording in `gainstage run`: the armed strips (and their safety tracks)
// of a running engine into the recorder (src/io/recorder.h), pushed from the
// audio thread; takes started and stopped from the main thread.

#ifndef GS_CLI_RUN_RECORD_H
#define GS_CLI_RUN_RECORD_H

#include "gainstage/engine.h"
#include "gainstage/realtime.h"
#include "gainstage/session.h"
#include "gainstage/status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct GsRunRecord GsRunRecord;

/// A recorder for session's armed strips (with their safety tracks) and
/// armed mixes (stereo) at rate_hz into folder, keeping preroll_s before
/// record is pressed (negative: the recorder's 2 s), or *out = NULL when
/// nothing is armed. err names the folder and what would work. Main thread.
GsStatus gs_run_record_new(const GsSession *session, const GsEngine *engine, double rate_hz,
                           uint32_t max_block, const char *folder, double preroll_s,
                           GsRunRecord **out, GsError *err);
/// Stops any take; NULL is a no-op. Main thread.
void gs_run_record_free(GsRunRecord *rec);

/// The audio thread's call every block, after gs_engine_process(): cap holds
/// every strip's capture, mix every mix's left and right. Real-time safe.
void gs_run_record_push(GsRunRecord *rec, const GsEngine *engine, float *const *cap,
                        float *const *mix, uint32_t n) GS_REALTIME;
/// n frames of silence on every track: cycles the audio thread missed, so
/// the take keeps time with the server's clock. Real-time safe.
void gs_run_record_push_silence(GsRunRecord *rec, uint32_t n) GS_REALTIME;
/// An xrun at frame, for the take log. Real-time safe.
void gs_run_record_note_xrun(GsRunRecord *rec, uint64_t frame) GS_REALTIME;

/// Starts a take (err names a file that cannot be made). Main thread.
GsStatus gs_run_record_start(GsRunRecord *rec, GsError *err);
/// Ends the take and writes a few lines saying what it held to summary.
/// Main thread.
GsStatus gs_run_record_stop(GsRunRecord *rec, char *summary, size_t size, GsError *err);
bool gs_run_record_recording(const GsRunRecord *rec);
/// How many tracks a take has.
unsigned gs_run_record_tracks(const GsRunRecord *rec);

#endif  // GS_CLI_RUN_RECORD_H
