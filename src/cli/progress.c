// SPDX-License-Identifier: ISC
// A one-line progress bar on a terminal.

#include "cli/progress.h"

#include <unistd.h>

#define BAR_WIDTH 40

void gs_progress_init(GsProgress *p, FILE *out, bool enabled, const char *label, uint64_t total)
{
  p->out = enabled && total && isatty(fileno(out)) ? out : NULL;
  p->total = total;
  p->last_percent = -1;
  p->label = label;
}

void gs_progress_update(GsProgress *p, uint64_t done)
{
  if (!p->out) {
    return;
  }
  const int percent = (int)(done * 100 / p->total);
  if (percent == p->last_percent) {
    return;
  }
  p->last_percent = percent;
  const int filled = percent * BAR_WIDTH / 100;
  fprintf(p->out, "\r%s [", p->label);
  for (int i = 0; i < BAR_WIDTH; ++i) {
    fputc(i < filled ? '=' : (i == filled ? '>' : ' '), p->out);
  }
  fprintf(p->out, "] %3d%%", percent);
  fflush(p->out);
}

void gs_progress_finish(GsProgress *p)
{
  if (p->out) {
    fprintf(p->out, "\r%*s\r", BAR_WIDTH + 40, "");
    fflush(p->out);
  }
}
