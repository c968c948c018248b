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
  "  demo                       record the bundled band (no hardware, no downloads)\n"
  "  models                     list the preamp models\n"
  "  devices                    list the audio devices (JACK, ALSA, null)\n"
  "\n"
  "  gainstage COMMAND --help   options of a command\n"
  "  gainstage --version        the version\n";

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
  if (!strcmp(argv[1], "devices")) {
    return gs_cli_devices(argc - 1, argv + 1);
  }
  if (!strcmp(argv[1], "process")) {
    return gs_cli_process(argc - 1, argv + 1);
  }
  if (!strcmp(argv[1], "demo")) {
    return gs_cli_demo(argc - 1, argv + 1);
  }
  if (!strcmp(argv[1], "render")) {
    return gs_cli_render(argc - 1, argv + 1);
  }
  if (!strcmp(argv[1], "run")) {
    return gs_cli_run(argc - 1, argv + 1);
  }
  if (!strcmp(argv[1], "models")) {
    char list[] = "--list-models";
    char *args[] = {argv[0], list, NULL};
    return gs_cli_process(2, args);
  }
  fprintf(stderr, "gainstage: unknown command '%s' (commands: process, render, run, demo, models; see --help)\n",
          argv[1]);
  return 2;
}
