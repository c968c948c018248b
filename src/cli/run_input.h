// SPDX-License-Identifier: ISC
// What reaches `gainstage run` from outside while it runs: signals (through a
// self-pipe), lines on standard input, and a yes or no on the terminal.

#ifndef GS_CLI_RUN_INPUT_H
#define GS_CLI_RUN_INPUT_H

#include <stdbool.h>
#include <stddef.h>

/// Catches SIGINT, SIGTERM, SIGHUP, SIGUSR1 and SIGUSR2: the handler only
/// writes the signal's number to a pipe. False when the pipe cannot be made.
bool gs_run_catch_signals(void);
/// The pipe's end to poll.
int gs_run_signal_fd(void);
/// The next signal caught, false when there is none.
bool gs_run_next_signal(unsigned char *sig);

/// Standard input, split into lines.
typedef struct {
  char buf[4096];
  size_t len;
  bool eof;
} GsRunLines;

/// Takes the next complete line (without its newline) into line; with
/// wait, blocks until there is one; false when there is none (or at the end).
bool gs_run_next_line(GsRunLines *in, char *line, size_t size, bool wait);

/// Asks "what / Switch it on? [y/N]" on the terminal; true for yes. With
/// yes, says what and returns true. Without a terminal: false and *no_tty.
bool gs_run_confirm(GsRunLines *in, const char *what, bool yes, bool *no_tty);

#endif  // GS_CLI_RUN_INPUT_H
