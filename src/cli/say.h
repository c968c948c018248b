// SPDX-License-Identifier: ISC
// The command's one-line messages on stderr: "gainstage COMMAND: what".

#ifndef GS_CLI_SAY_H
#define GS_CLI_SAY_H

#include <stdbool.h>

/// The exit status for bad input (a file, an option, a session, a device).
#define GS_CLI_BAD_INPUT 2

/// Prints "gainstage COMMAND: " and the formatted line on stderr.
void gs_cli_say(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/// The same, and returns GS_CLI_BAD_INPUT: return gs_cli_bad("run", "...", ...).
int gs_cli_bad(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/// Reads option opt's value text as a finite number into *out; on anything
/// else says "gainstage COMMAND: OPT TEXT: not a number" and returns false.
bool gs_cli_number(const char *command, const char *opt, const char *text, double *out);
/// Reads an --oversample value (auto, 1, 2, 4 or 8; auto is 0) into *out; on
/// anything else says so in one line and returns false.
bool gs_cli_oversample(const char *command, const char *text, unsigned *out);

#endif  // GS_CLI_SAY_H
