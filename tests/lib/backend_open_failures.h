// SPDX-License-Identifier: ISC
// Every allocation of gs_backend_open() failing in turn: each must be
// reported as GS_ERR_NOMEM, "out of memory", with nothing returned, until
// the open succeeds. Include after failing_calloc.h (which owns fail_after).

#ifndef GS_TESTS_BACKEND_OPEN_FAILURES_H
#define GS_TESTS_BACKEND_OPEN_FAILURES_H

#include "check.h"

#include "io/backend.h"

#include <string.h>

/// Returns how many allocations the open makes before it succeeds (the
/// backend it then opened is closed).
static inline int backend_open_failures(const GsBackendConfig *config)
{
  int n = 0;
  for (;; ++n) {
    GsBackend *b = NULL;
    GsError err = {{0}};
    fail_after = n;
    const GsStatus st = gs_backend_open(config, &b, &err);
    fail_after = -1;
    if (st == GS_OK) {
      gs_backend_close(b);
      return n;
    }
    assert_int_equal(st, GS_ERR_NOMEM);
    assert_null(b);
    assert_non_null(strstr(err.message, "out of memory"));
  }
}

#endif  // GS_TESTS_BACKEND_OPEN_FAILURES_H
