// SPDX-License-Identifier: ISC
// Starting an audio thread with SCHED_FIFO when allowed, normal otherwise.

#include "io/rtthread.h"

#include "error.h"

#include <errno.h>
#include <sched.h>
#include <string.h>

GsStatus gs_rt_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg, int *priority,
                            const char *what, GsError *err)
{
  const int max = sched_get_priority_max(SCHED_FIFO);
  const int prio = max > 0 && max < GS_RT_PRIORITY ? max : GS_RT_PRIORITY;
  pthread_attr_t attr;
  if (!pthread_attr_init(&attr)) {
    struct sched_param param = {.sched_priority = prio};
    int rc = pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
    rc = rc ? rc : pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
    rc = rc ? rc : pthread_attr_setschedparam(&attr, &param);
    rc = rc ? rc : pthread_create(thread, &attr, fn, arg);
    pthread_attr_destroy(&attr);
    if (!rc) {
      *priority = prio;
      return GS_OK;
    }
  }
  // Not allowed real time (EPERM without CAP_SYS_NICE or RLIMIT_RTPRIO):
  // run at normal priority and say so through *priority.
  const int rc = pthread_create(thread, NULL, fn, arg);
  if (rc) {
    return gs_fail(err, GS_ERR_IO, "%s: cannot start the audio thread: %s", what, strerror(rc));
  }
  *priority = 0;
  return GS_OK;
}
