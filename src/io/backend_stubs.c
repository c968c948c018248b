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

