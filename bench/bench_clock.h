// SPDX-License-Identifier: ISC
// The clock the benchmarks time with: monotonic seconds.

#ifndef GS_BENCH_CLOCK_H
#define GS_BENCH_CLOCK_H

#include <time.h>

static inline double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#endif  // GS_BENCH_CLOCK_H
