// SPDX-License-Identifier: ISC
// What reaches `gainstage run` from outside while it runs: signals (through a
// self-pipe), lines on standard input, and a yes or no on the terminal.

#include "cli/run_input.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

// ---- signals: a self-pipe the main loop polls ---------------------------------

// Written by the signal handler, read by the main loop.
static int signal_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
  const int saved = errno;
  const unsigned char byte = (unsigned char)sig;
  if (write(signal_pipe[1], &byte, 1) < 0) {
    // the pipe is full: the main loop has enough to wake for
  }
  errno = saved;
}

bool gs_run_catch_signals(void)
{
  if (pipe(signal_pipe)) {
    return false;
  }
  for (int k = 0; k < 2; ++k) {
    fcntl(signal_pipe[k], F_SETFL, fcntl(signal_pipe[k], F_GETFL) | O_NONBLOCK);
    fcntl(signal_pipe[k], F_SETFD, FD_CLOEXEC);
  }
  static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2};
  for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); ++i) {
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    sigaction(sigs[i], &sa, NULL);
  }
  return true;
}

int gs_run_signal_fd(void)
{
  return signal_pipe[0];
}

bool gs_run_next_signal(unsigned char *sig)
{
  return read(signal_pipe[0], sig, 1) == 1;
}

// ---- standard input, a line at a time --------------------------------------------

// Takes the next complete line into line; with wait, blocks until there is one.
bool gs_run_next_line(GsRunLines *in, char *line, size_t size, bool wait)
{
  for (;;) {
    char *nl = memchr(in->buf, '\n', in->len);
    if (nl || (in->eof && in->len)) {
      const size_t n = nl ? (size_t)(nl - in->buf) : in->len;
      snprintf(line, size, "%.*s", (int)n, in->buf);
      const size_t used = nl ? n + 1 : n;
      memmove(in->buf, in->buf + used, in->len - used);
      in->len -= used;
      return true;
    }
    if (in->eof) {
      return false;
    }
    if (!wait) {
      struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
      if (poll(&p, 1, 0) <= 0) {
        return false;
      }
    }
    if (in->len == sizeof(in->buf)) {
      in->len = 0;  // a line longer than the buffer: dropped
    }
    const ssize_t got = read(STDIN_FILENO, in->buf + in->len, sizeof(in->buf) - in->len);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      in->eof = true;
    } else {
      in->len += (size_t)got;
    }
  }
}

// Asks on the terminal; true for yes. Without a terminal: false, and *no_tty.
bool gs_run_confirm(GsRunLines *in, const char *what, bool yes, bool *no_tty)
{
  *no_tty = false;
  if (yes) {
    fprintf(stderr, "gainstage run: %s\n", what);
    return true;
  }
  if (!isatty(STDIN_FILENO)) {
    *no_tty = true;
    return false;
  }
  fprintf(stderr, "gainstage run: %s\nSwitch it on? [y/N] ", what);
  fflush(stderr);
  char line[64];
  return gs_run_next_line(in, line, sizeof(line), true) && (line[0] == 'y' || line[0] == 'Y');
}

