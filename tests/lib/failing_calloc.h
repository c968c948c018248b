// SPDX-License-Identifier: ISC
// Making the library's Nth allocation fail (zix's failing allocator, at link
// time): a test program that includes this once links with
// -Wl,--wrap=calloc (tests/meson.build), sets fail_after to N and checks
// that _new reports GS_ERR_NOMEM and leaks nothing.

#ifndef GS_TESTS_FAILING_CALLOC_H
#define GS_TESTS_FAILING_CALLOC_H

#include <stddef.h>

void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);

/// Allocations that still succeed; -1: never fail.
static int fail_after = -1;

void *__wrap_calloc(size_t n, size_t size)
{
  if (fail_after == 0) {
    return NULL;
  }
  if (fail_after > 0) {
    --fail_after;
  }
  return __real_calloc(n, size);
}

#endif  // GS_TESTS_FAILING_CALLOC_H
