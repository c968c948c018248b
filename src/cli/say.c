// SPDX-License-Identifier: ISC
// The command's one-line messages on stderr.

#include "cli/say.h"

#include <stdarg.h>
#include <stdio.h>

static void vsay(const char *command, const char *fmt, va_list args)
{
  fprintf(stderr, "gainstage %s: ", command);
  vfprintf(stderr, fmt, args);
  fputc('\n', stderr);
}

void gs_cli_say(const char *command, const char *fmt, ...)
{
  va_list args;
  va_start(args, fmt);
  vsay(command, fmt, args);
  va_end(args);
}

int gs_cli_bad(const char *command, const char *fmt, ...)
{
  va_list args;
  va_start(args, fmt);
  vsay(command, fmt, args);
  va_end(args);
  return GS_CLI_BAD_INPUT;
}
