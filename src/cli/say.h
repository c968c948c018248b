// SPDX-License-Identifier: ISC
// The command's one-line messages on stderr: "gainstage COMMAND: what".

#ifndef GS_CLI_SAY_H
#define GS_CLI_SAY_H

/// The exit status for bad input (a file, an option, a session, a device).
#define GS_CLI_BAD_INPUT 2

/// Prints "gainstage COMMAND: " and the formatted line on stderr.
void gs_cli_say(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/// The same, and returns GS_CLI_BAD_INPUT: return gs_cli_bad("run", "...", ...).
int gs_cli_bad(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif  // GS_CLI_SAY_H
