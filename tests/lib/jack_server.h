// SPDX-License-Identifier: ISC
// A real JACK server for a test: `jackd -d dummy` under a name of the
// test's own, started and stopped by the test; and a command run in the
// background with a pipe to its standard input.

#ifndef GS_TESTS_JACK_SERVER_H
#define GS_TESTS_JACK_SERVER_H

#include <jack/jack.h>

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static inline void sleep_s(double s)
{
  const struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
  nanosleep(&ts, NULL);
}

static void jack_quiet(const char *message)
{
  (void)message;
}

/// A client of the server called name, or NULL when it does not answer.
static inline jack_client_t *jack_test_client(const char *server, const char *name)
{
  jack_set_error_function(jack_quiet);
  jack_set_info_function(jack_quiet);
  jack_status_t status;
  return jack_client_open(name, (jack_options_t)(JackNoStartServer | JackServerName), &status,
                          server);
}

/// Starts `jackd -n name -d dummy -r 48000 -p 256` (its output in log) and
/// waits up to 10 s for it to answer. Returns its pid, or -1.
static inline pid_t jackd_start(const char *name, const char *log)
{
  const pid_t pid = fork();
  if (pid == 0) {
    setenv("JACK_NO_AUDIO_RESERVATION", "1", 1);
    if (!freopen(log, "w", stdout) || !freopen(log, "a", stderr)) {
      _exit(127);
    }
    execlp("jackd", "jackd", "-n", name, "-d", "dummy", "-r", "48000", "-p", "256", (char *)NULL);
    _exit(127);
  }
  for (int i = 0; pid > 0 && i < 100; ++i) {
    jack_client_t *c = jack_test_client(name, "probe");
    if (c) {
      jack_client_close(c);
      return pid;
    }
    sleep_s(0.1);
  }
  if (pid > 0) {
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
  }
  return -1;
}

/// Stops a process: signal sig, then SIGKILL if it has not ended in 5 s.
/// Returns its wait status.
static inline int stop_process(pid_t pid, int sig)
{
  int status = 0;
  if (pid <= 0) {
    return -1;
  }
  kill(pid, sig);
  for (int i = 0; i < 500; ++i) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      return status;
    }
    sleep_s(0.01);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return status;
}

/// Waits up to timeout_s for a process to end by itself; its wait status,
/// or -1 if it is still running.
static inline int wait_process(pid_t pid, double timeout_s)
{
  int status = 0;
  for (double t = 0.0; t < timeout_s; t += 0.01) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      return status;
    }
    sleep_s(0.01);
  }
  return -1;
}

/// Runs argv in folder in the background, stdout and stderr into out and
/// err there; *stdin_fd gets a pipe to its standard input (or NULL: none,
/// /dev/null). Returns its pid.
static inline pid_t spawn(const char *folder, char *const *argv, const char *out, const char *err,
                          int *stdin_fd)
{
  int fds[2] = {-1, -1};
  if (stdin_fd && pipe(fds)) {
    return -1;
  }
  const pid_t pid = fork();
  if (pid == 0) {
    if (chdir(folder) || !freopen(out, "w", stdout) || !freopen(err, "w", stderr)) {
      _exit(127);
    }
    if (stdin_fd) {
      dup2(fds[0], STDIN_FILENO);
      close(fds[0]);
      close(fds[1]);
    } else if (!freopen("/dev/null", "r", stdin)) {
      _exit(127);
    }
    execv(argv[0], argv);
    _exit(127);
  }
  if (stdin_fd) {
    close(fds[0]);
    *stdin_fd = fds[1];
  }
  return pid;
}

/// Types commands on a background command's standard input, closes it, and
/// waits up to 10 s for the command to end: its wait status (-1: still running).
static inline int type_and_wait(pid_t pid, int stdin_fd, const char *commands)
{
  const size_t n = strlen(commands);
  const bool typed = write(stdin_fd, commands, n) == (ssize_t)n;
  const int st = wait_process(pid, 10.0);
  close(stdin_fd);
  return typed ? st : -1;
}

/// Waits up to timeout_s for a port to exist.
static inline jack_port_t *wait_port(jack_client_t *c, const char *name, double timeout_s)
{
  for (double t = 0.0; t < timeout_s; t += 0.02) {
    jack_port_t *p = jack_port_by_name(c, name);
    if (p) {
      return p;
    }
    sleep_s(0.02);
  }
  return NULL;
}

#endif  // GS_TESTS_JACK_SERVER_H
