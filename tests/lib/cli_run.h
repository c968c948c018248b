// SPDX-License-Identifier: ISC
// Running the gainstage command as a user does, for the command's tests: a
// fresh folder, the command's exit status, its output kept in files, and the
// sound files it wrote read back through libsndfile.

#ifndef GS_TESTS_CLI_RUN_H
#define GS_TESTS_CLI_RUN_H

#include "check.h"

#include <sndfile.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static char gainstage[4096];  // absolute path of the command under test
static char dir[256];         // this program's folder; the command runs in it

/// Takes the command's path from argv[1] and makes the folder. Returns false
/// (having said why) when it cannot.
static inline bool cli_setup(int argc, char **argv, const char *name)
{
  if (argc < 2 || !realpath(argv[1], gainstage)) {
    fprintf(stderr, "usage: %s PATH-TO-GAINSTAGE\n", name);
    return false;
  }
  snprintf(dir, sizeof(dir), "/tmp/gs-%s-XXXXXX", name);
  return mkdtemp(dir) != NULL;
}

/// Removes the folder; returns failed, or 1 if the folder could not go.
static inline int cli_teardown(int failed)
{
  char cmd[512];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  return system(cmd) ? 1 : failed;
}

/// name inside the folder (four results stay valid at once).
static inline const char *path(const char *name)
{
  static char buf[4][512];
  static int next;
  char *p = buf[next++ % 4];
  snprintf(p, 512, "%s/%s", dir, name);
  return p;
}

/// Runs gainstage with args in the folder; stdout and stderr go to
/// stdout.txt and stderr.txt there. Returns the exit status.
static inline int run(const char *args)
{
  char cmd[8192];
  snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' %s >stdout.txt 2>stderr.txt", dir, gainstage,
           args);
  const int st = system(cmd);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/// A file of the folder as text (the same buffer each call).
static inline const char *slurp(const char *name)
{
  static char buf[1 << 16];
  FILE *f = fopen(path(name), "r");
  const size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
  buf[n] = '\0';
  if (f) {
    fclose(f);
  }
  return buf;
}

static inline bool exists(const char *name)
{
  return access(path(name), F_OK) == 0;
}

/// A sound file of the folder, all frames interleaved (free it).
static inline float *read_audio(const char *name, SF_INFO *info)
{
  *info = (SF_INFO){0};
  SNDFILE *sf = sf_open(path(name), SFM_READ, info);
  if (!sf) {
    print_error("%s: %s\n", name, sf_strerror(NULL));
    fail();
  }
  float *x = malloc(sizeof(float) * (size_t)(info->frames * info->channels));
  assert_int_equal(sf_readf_float(sf, x, info->frames), info->frames);
  sf_close(sf);
  return x;
}

#endif  // GS_TESTS_CLI_RUN_H
