// SPDX-License-Identifier: ISC
// TEMPORARY: stand-ins for the recorder until src/io/recorder.c lands; this
// file goes when it does (weak definitions in a static library would keep the
// real ones out).

#include "io/recorder.h"

#include "error.h"

__attribute__((weak)) GsStatus gs_recorder_new(const GsRecorderConfig *config, GsRecorder **out,
                                               GsError *err)
{
  (void)config;
  *out = NULL;
  return gs_fail(err, GS_ERR_IO, "the recorder is not built in");
}

__attribute__((weak)) void gs_recorder_free(GsRecorder *rec)
{
  (void)rec;
}

__attribute__((weak)) void gs_recorder_push(GsRecorder *rec, const float *const *channels,
                                            uint32_t n)
{
  (void)rec;
  (void)channels;
  (void)n;
}

__attribute__((weak)) void gs_recorder_note_xrun(GsRecorder *rec, uint64_t frame)
{
  (void)rec;
  (void)frame;
}

__attribute__((weak)) GsStatus gs_recorder_start(GsRecorder *rec, GsError *err)
{
  (void)rec;
  return gs_fail(err, GS_ERR_IO, "the recorder is not built in");
}

__attribute__((weak)) GsStatus gs_recorder_stop(GsRecorder *rec, GsTakeSummary *summary,
                                                GsError *err)
{
  (void)rec;
  (void)summary;
  return gs_fail(err, GS_ERR_IO, "the recorder is not built in");
}

__attribute__((weak)) bool gs_recorder_recording(const GsRecorder *rec)
{
  (void)rec;
  return false;
}
