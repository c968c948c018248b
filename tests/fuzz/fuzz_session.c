// SPDX-License-Identifier: ISC
// libFuzzer target: any bytes through the whole session reader (YAML, the
// schema, every range check, the sources' checks). No crash, leak, hang or
// sanitizer report is acceptable.

#include "gainstage/session.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  GsSession s;
  GsError err;
  if (gs_session_parse("fuzz.yaml", (const char *)data, size, &s, &err) == GS_OK) {
    (void)gs_session_strip_index(&s, "vocal");
    gs_session_free(&s);
  }
  return 0;
}
