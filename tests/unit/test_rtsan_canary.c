// SPDX-License-Identifier: ISC
// Proof that the real-time build checks what it claims: a GS_REALTIME
// function that allocates must abort under RealtimeSanitizer. Built only in
// the RealtimeSanitizer build, where meson expects this program to fail.

#include "gainstage/realtime.h"

#include <stdio.h>
#include <stdlib.h>

// The compile-time check would (rightly) reject this file; the point here is
// the run-time check.
#pragma clang diagnostic ignored "-Wfunction-effects"

static void *allocate_in_realtime(size_t n) GS_REALTIME;
static void *allocate_in_realtime(size_t n)
{
  return malloc(n);
}

int main(void)
{
  void *volatile p = allocate_in_realtime(64);
  free(p);
  puts("RealtimeSanitizer did not stop an allocation in a GS_REALTIME function");
  return 0;  // reaching here fails the test (should_fail)
}
