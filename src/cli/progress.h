// SPDX-License-Identifier: ISC
// A one-line progress bar on a terminal.

#ifndef GS_CLI_PROGRESS_H
#define GS_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
  FILE *out;       ///< NULL: draw nothing
  uint64_t total;
  int last_percent;
  const char *label;
} GsProgress;

/// Draws only when out is a terminal and enabled is true.
void gs_progress_init(GsProgress *p, FILE *out, bool enabled, const char *label, uint64_t total);
void gs_progress_update(GsProgress *p, uint64_t done);
/// Clears the line.
void gs_progress_finish(GsProgress *p);

#endif  // GS_CLI_PROGRESS_H
