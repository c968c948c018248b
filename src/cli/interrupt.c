// SPDX-License-Identifier: ISC
// Stopping a long command cleanly on Ctrl-C, kill or a closed terminal.

#include "cli/interrupt.h"

#include <stddef.h>

volatile sig_atomic_t gs_cli_interrupted;

static void on_signal(int sig)
{
  gs_cli_interrupted = sig;
}

void gs_cli_catch_interrupts(void)
{
  static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};
  for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); ++i) {
    struct sigaction old;
    if (!sigaction(stop_signals[i], NULL, &old) && old.sa_handler != SIG_IGN) {
      struct sigaction sa = {.sa_handler = on_signal};
      sigemptyset(&sa.sa_mask);
      sigaction(stop_signals[i], &sa, NULL);
    }
  }
}
