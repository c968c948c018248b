// SPDX-License-Identifier: ISC
// gainstage devices: what each audio backend offers (JACK servers, ALSA
// PCMs and cards, the null clock), for choosing --backend and --device.

#include "cli/commands.h"

#include "io/backend.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
  "usage: gainstage devices [options]\n"
  "Lists what each audio backend offers: the JACK server (or that none is\n"
  "running), the ALSA PCMs and sound cards with their channels and rates, and\n"
  "the null backend (a clock with no hardware).\n"
  "\n"
  "  -b, --backend NAME  only this backend: jack, alsa or null\n"
  "  -h, --help          show this help\n";

static char text[1 << 16];

static void list(GsBackendKind kind)
{
  GsError err = {""};
  if (gs_backend_list(kind, text, sizeof(text), &err)) {
    printf("%s: %s\n", gs_backend_kind_name(kind), err.message);
    return;
  }
  fputs(text, stdout);
  if (text[0] && text[strlen(text) - 1] != '\n') {
    putchar('\n');
  }
}

int gs_cli_devices(int argc, char **argv)
{
  static const struct option opts[] = {
    {"backend", required_argument, NULL, 'b'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
  };
  const char *only = NULL;
  int c;
  while ((c = getopt_long(argc, argv, ":b:h", opts, NULL)) != -1) {
    switch (c) {
    case 'b': only = optarg; break;
    case 'h': fputs(usage, stdout); return 0;
    case ':':
      fprintf(stderr, "gainstage devices: %s needs a value (see --help)\n", argv[optind - 1]);
      return 2;
    default:
      fprintf(stderr, "gainstage devices: unknown option '%s' (see --help)\n", argv[optind - 1]);
      return 2;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "gainstage devices: takes no arguments (see --help)\n");
    return 2;
  }
  if (only) {
    GsBackendKind kind;
    GsError err = {""};
    if (gs_backend_kind_parse(only, &kind, &err)) {
      fprintf(stderr, "gainstage devices: %s\n", err.message);
      return 2;
    }
    list(kind);
    return 0;
  }
  list(GS_BACKEND_JACK);
  list(GS_BACKEND_ALSA);
  list(GS_BACKEND_NULL);
  return 0;
}
