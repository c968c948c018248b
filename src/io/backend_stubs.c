// SPDX-License-Identifier: ISC
// TEMPORARY: stand-ins for the ALSA and null backends until src/io/alsa.c and
// src/io/null.c land; weak, so the real ones replace them.

#include "io/backend_impl.h"

#include "error.h"

__attribute__((weak)) GsStatus gs_null_open(const GsBackendConfig *config, GsBackend **out,
                                            GsError *err)
{
  (void)config;
  *out = NULL;
  return gs_fail(err, GS_ERR_IO, "the null backend is not built in");
}

__attribute__((weak)) GsStatus gs_alsa_open(const GsBackendConfig *config, GsBackend **out,
                                            GsError *err)
{
  (void)config;
  *out = NULL;
  return gs_fail(err, GS_ERR_IO, "the ALSA backend is not built in");
}

__attribute__((weak)) GsStatus gs_alsa_list(char *out, size_t size, GsError *err)
{
  (void)out;
  (void)size;
  return gs_fail(err, GS_ERR_IO, "the ALSA backend is not built in");
}

// TEMPORARY: the recorder's stand-ins until src/io/recorder.c lands.
#include "io/recorder.h"

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
