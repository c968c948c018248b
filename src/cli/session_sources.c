// SPDX-License-Identifier: ISC
// A session's inputs as sources, for render and run.

#include "cli/session_sources.h"

#include "io/audiofile.h"

#include <stdio.h>
#include <string.h>

GsStatus gs_cli_session_source(const GsSession *s, unsigned i, double rate_hz, bool live,
                               GsBandSource *band, GsSource **out, char *note, size_t note_size,
                               double *length_s, GsError *err)
{
  const GsSessionInput *in = &s->inputs[i];
  const char *strip = s->engine.strips[i].name;
  GsSourceConfig sc = in->source;
  sc.rate_hz = rate_hz;
  GsAudioFile file = {0};
  GsStatus st = GS_OK;
  note[0] = '\0';
  *length_s = 0.0;
  if (live) {
    sc.live = true;
    sc.samples = NULL;
    sc.n_samples = 0;
  } else if (in->play == GS_PLAY_FILE) {
    if ((st = gs_audiofile_read(in->file, in->channel, rate_hz, &file, err))) {
      return st;
    }
    snprintf(note, note_size, "%s", file.note);
    sc.samples = file.samples;
    sc.n_samples = file.n_frames;
    *length_s = (double)file.n_frames / rate_hz;
  } else if (in->play == GS_PLAY_BAND) {
    if ((st = gs_band_source_part(band, rate_hz, in->band_part, &sc, err))) {
      const size_t len = strlen(err->message);
      snprintf(err->message + len, sizeof(err->message) - len, " (strip %u, %s)", i + 1, strip);
      return st;
    }
    *length_s = (double)sc.n_samples / rate_hz;
  }
  GsError serr;
  st = gs_source_new(&sc, out, &serr);
  gs_audiofile_free(&file);
  if (st) {
    snprintf(err->message, sizeof(err->message), "%.120s: strip %u (%.60s): %.300s", s->path,
             i + 1, strip, serr.message);
    return st;
  }
  gs_source_set_phantom(*out, s->engine.strips[i].phantom);
  return GS_OK;
}

void gs_cli_safe_name(const char *name, char *out, size_t size)
{
  size_t j = 0;
  for (size_t i = 0; name[i] && j + 1 < size; ++i) {
    const char ch = name[i];
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
    out[j++] = ok ? ch : '-';
  }
  out[j] = '\0';
}
