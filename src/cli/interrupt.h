// SPDX-License-Identifier: ISC
// Stopping a long command cleanly on Ctrl-C, kill or a closed terminal.

#ifndef GS_CLI_INTERRUPT_H
#define GS_CLI_INTERRUPT_H

#include <signal.h>

/// The signal that asked the command to stop, or 0. Written by the signal
/// handler only; a command polls it between blocks.
extern volatile sig_atomic_t gs_cli_interrupted;

/// Catches SIGINT, SIGTERM and SIGHUP into gs_cli_interrupted, except those
/// that were ignored when the command started (nohup, a background job of a
/// script), which stay ignored.
void gs_cli_catch_interrupts(void);

#endif  // GS_CLI_INTERRUPT_H
