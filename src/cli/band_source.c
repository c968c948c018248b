// SPDX-License-Identifier: ISC
// The demo band's parts as calibrated samples for sources.

#include "cli/band_source.h"

#include "model/band.h"

#include <stdio.h>
#include <string.h>

#define BAND_SEED 1  // the demo's performance

GsStatus gs_band_source_part(GsBandSource *b, double rate_hz, const char *part,
                             GsSourceConfig *sc, GsError *err)
{
  int found = -1;
  char names[256] = "";
  for (int p = 0; p < GS_BAND_N_PARTS; ++p) {
    const char *name = gs_band_part_name((GsBandPart)p);
    const size_t len = strlen(names);
    snprintf(names + len, sizeof(names) - len, "%s%s", p ? ", " : "", name);
    if (!strcmp(name, part)) {
      found = p;
    }
  }
  if (found < 0) {
    snprintf(err->message, sizeof(err->message), "band part '%s' is not known (parts: %s)", part,
             names);
    return GS_ERR_UNKNOWN;
  }
  const GsBandPart p = (GsBandPart)found;
  if (gs_band_part_kind(p) != sc->kind) {
    snprintf(err->message, sizeof(err->message),
             "band part '%s' is %s, so it needs %s input", part,
             gs_band_part_kind(p) == GS_SOURCE_MIC ? "heard through a microphone"
                                                  : "an instrument's pickup",
             gs_band_part_kind(p) == GS_SOURCE_MIC ? "a mic" : "an instrument");
    return GS_ERR_USAGE;
  }
  if (!b->band) {
    const GsStatus st = gs_band_render(rate_hz, 0.0, BAND_SEED, &b->band, err);
    if (st) {
      return st;
    }
  }
  sc->samples = gs_band_samples(b->band, p);
  sc->n_samples = gs_band_n_samples(b->band);
  sc->fullscale_level = gs_band_fullscale_level(p);
  return GS_OK;
}

void gs_band_source_free(GsBandSource *b)
{
  gs_band_free(b->band);
  b->band = NULL;
}
