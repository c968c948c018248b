// SPDX-License-Identifier: ISC
// The command's one-line messages on stderr.

#include "cli/say.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

bool gs_cli_number(const char *command, const char *opt, const char *text, double *out)
{
  char *end = NULL;
  errno = 0;
  const double v = strtod(text, &end);
  if (end == text || *end || errno || !isfinite(v)) {
    gs_cli_say(command, "%s %s: not a number", opt, text);
    return false;
  }
  *out = v;
  return true;
}

bool gs_cli_oversample(const char *command, const char *text, unsigned *out)
{
  static const char *const words[] = {"auto", "1", "2", "4", "8"};
  static const unsigned factors[] = {0, 1, 2, 4, 8};
  for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); ++i) {
    if (!strcmp(text, words[i])) {
      *out = factors[i];
      return true;
    }
  }
  gs_cli_say(command, "--oversample %s: not valid (auto, 1, 2, 4 or 8)", text);
  return false;
}
