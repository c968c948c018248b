// SPDX-License-Identifier: ISC
// GS_REALTIME marks functions that are safe to call from the audio thread.

#ifndef GS_REALTIME_H
#define GS_REALTIME_H

// A GS_REALTIME function does not allocate, lock, make system calls or do I/O,
// and runs in bounded time. With clang it becomes the 'nonblocking' function
// effect: -Wfunction-effects checks it at compile time and
// -fsanitize=realtime (RealtimeSanitizer) aborts on a violation at run time.
#if defined(__clang__) && defined(__has_attribute)
#  if __has_attribute(nonblocking)
#    define GS_REALTIME __attribute__((nonblocking))
#  endif
#endif
#ifndef GS_REALTIME
#  define GS_REALTIME
#endif

#endif  // GS_REALTIME_H
