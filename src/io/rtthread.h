// SPDX-License-Identifier: ISC
// The audio thread of the null and ALSA backends: started with SCHED_FIFO
// when the system allows it, at normal priority otherwise; and the
// timespec arithmetic of their period deadlines.

#ifndef GS_IO_RTTHREAD_H
#define GS_IO_RTTHREAD_H

#include "gainstage/status.h"

#include <pthread.h>
#include <stdint.h>
#include <time.h>

/// The SCHED_FIFO priority asked for: above JACK's default (10) and the
/// kernel's threaded interrupt handlers (50), below the watchdogs (99).
#define GS_RT_PRIORITY 70

/// Starts fn(arg) with SCHED_FIFO at GS_RT_PRIORITY (or the highest the
/// system has, if lower), or at normal priority when that is not allowed
/// (EPERM, no RLIMIT_RTPRIO). *priority is set to the priority granted, 0 for
/// normal. what names the thread in the error ("null backend"). Main thread.
GsStatus gs_rt_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg, int *priority,
                            const char *what, GsError *err);

/// t + ns.
static inline struct timespec gs_timespec_add(struct timespec t, int64_t ns)
{
  const int64_t total = (int64_t)t.tv_nsec + ns;
  t.tv_sec += (time_t)(total / 1000000000);
  t.tv_nsec = (long)(total % 1000000000);
  if (t.tv_nsec < 0) {
    t.tv_nsec += 1000000000;
    t.tv_sec -= 1;
  }
  return t;
}

/// a - b in nanoseconds.
static inline int64_t gs_timespec_diff_ns(struct timespec a, struct timespec b)
{
  return (int64_t)(a.tv_sec - b.tv_sec) * 1000000000 + (int64_t)(a.tv_nsec - b.tv_nsec);
}

/// CLOCK_REALTIME in seconds, for the wall time of events.
static inline double gs_wall_s(void)
{
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

#endif  // GS_IO_RTTHREAD_H
