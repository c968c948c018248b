// SPDX-License-Identifier: ISC
// The gainstage command: dispatches to its subcommands.

#include "cli/commands.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
  "usage: gainstage COMMAND [options]\n"
  "An audio interface with modelled preamps, in software.\n"
  "\n"
  "Commands:\n"
  "  process [options] IN OUT   run one channel strip over a sound file\n"
  "  render [options] SESSION   play a session through the interface, offline\n"
  "  run [options] SESSION      run a session as a live interface (JACK, ALSA or null)\n"
  "  latency [options] [SESSION] measure the round trip through a loopback\n"
  "  measure [WHAT] DEVICE      measure a model, a strip or an LV2 plugin (response, THD,\n"
  "                             noise, aliasing, latency)\n"
  "  demo                       record the bundled band (no hardware, no downloads)\n"
  "  models                     list the preamp models\n"
  "  devices                    list the audio devices (JACK, ALSA, null)\n"
  "\n"
  "  gainstage COMMAND --help   options of a command\n"
  "  gainstage --version        the version\n";

static int models(int argc, char **argv)
{
  (void)argc;
  char list[] = "--list-models";
  char *args[] = {argv[0], list, NULL};
  return gs_cli_process(2, args);
}

static const struct {
  const char *name;
  int (*run)(int argc, char **argv);
} commands[] = {
  {"process", gs_cli_process}, {"render", gs_cli_render}, {"run", gs_cli_run},
  {"latency", gs_cli_latency}, {"demo", gs_cli_demo},     {"models", models},
  {"devices", gs_cli_devices}, {"measure", gs_cli_measure},
};

int main(int argc, char **argv)
{
  if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
      !strcmp(argv[1], "help")) {
    fputs(usage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (!strcmp(argv[1], "--version")) {
    printf("gainstage %s\n", GS_VERSION);
    return 0;
  }
  for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); ++i) {
    if (!strcmp(argv[1], commands[i].name)) {
      return commands[i].run(argc - 1, argv + 1);
    }
  }
  fprintf(stderr, "gainstage: unknown command '%s' (commands: process, render, run, latency, "
                  "measure, demo, models, devices; see --help)\n", argv[1]);
  return 2;
}
