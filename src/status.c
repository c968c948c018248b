// SPDX-License-Identifier: ISC
// Descriptions of status codes.

#include "gainstage/status.h"

#include "error.h"

#include <stdarg.h>
#include <stdio.h>

const char *gs_strerror(GsStatus status)
{
  // No default: the compiler flags a code without a message.
  switch (status) {
  case GS_OK:
    return "success";
  case GS_ERR_NOMEM:
    return "out of memory";
  case GS_ERR_RANGE:
    return "value out of range";
  case GS_ERR_UNKNOWN:
    return "unknown name";
  case GS_ERR_IO:
    return "input/output error";
  case GS_ERR_FORMAT:
    return "corrupt or unsupported file";
  case GS_ERR_USAGE:
    return "invalid arguments";
  }
  return "unknown status";
}

GsStatus gs_fail(GsError *err, GsStatus status, const char *fmt, ...)
{
  if (err) {
    va_list args;
    va_start(args, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, args);
    va_end(args);
  }
  return status;
}
