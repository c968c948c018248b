// SPDX-License-Identifier: ISC
// Placeholder for the JACK backend until the real one (src/io/jack.c on the
// jack branch) replaces this file: it says the backend is not built.

#include "io/backend_impl.h"

#include "error.h"

GsStatus gs_jack_open(const GsBackendConfig *config, GsBackend **out, GsError *err)
{
  (void)config;
  *out = NULL;
  return gs_fail(err, GS_ERR_UNKNOWN, "JACK backend not built (use --backend alsa|null)");
}

GsStatus gs_jack_list(char *out, size_t size, GsError *err)
{
  (void)out;
  (void)size;
  return gs_fail(err, GS_ERR_UNKNOWN, "JACK backend not built");
}
