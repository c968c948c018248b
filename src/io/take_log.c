// SPDX-License-Identifier: ISC
// A take's JSON log (jansson).

#include "io/take_log.h"

#include "error.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *format_name(GsRecFormat f)
{
  switch (f) {
  case GS_REC_WAV:
    return "wav";
  case GS_REC_W64:
    return "w64";
  case GS_REC_FLAC:
    return "flac";
  }
  return "wav";
}

static void iso8601(double time_s, char *out, size_t size)
{
  const time_t secs = (time_t)floor(time_s);
  struct tm tm;
  localtime_r(&secs, &tm);
  char zone[8];
  strftime(zone, sizeof zone, "%z", &tm);  // +hhmm
  const int ms = (int)floor((time_s - (double)secs) * 1000.0);
  snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%.3s:%.2s", tm.tm_year + 1900,
           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms, zone, zone + 3);
}

static json_t *build(const GsRecorderConfig *c, const GsTakeFile *files, const GsTakeLogInfo *in)
{
  json_t *settings = json_loads(c->settings_json ? c->settings_json : "{}", 0, NULL);
  char start[64];
  iso8601(in->first_frame_time_s, start, sizeof start);
  json_t *tracks = json_array();
  for (unsigned t = 0; t < c->n_tracks; ++t) {
    const char *slash = strrchr(files[t].path, '/');
    json_array_append_new(tracks, json_pack("{s:s, s:s, s:i}", "name", c->tracks[t].name,
                                            "file", slash ? slash + 1 : files[t].path,
                                            "channels", (json_int_t)files[t].channels));
  }
  json_t *log = json_pack(
    "{s:i, s:s, s:s, s:I, s:f, s:i, s:s, s:I, s:I, s:f, s:I, s:I, s:o, s:o, s:b}", "take",
    (json_int_t)in->take, "session", c->session_name, "start", start, "time_reference",
    (json_int_t)in->time_reference, "rate_hz", c->rate_hz, "bits", (json_int_t)c->bits,
    "format", format_name(c->format), "frames", (json_int_t)in->frames, "preroll_frames",
    (json_int_t)in->preroll_frames, "latency_samples", c->latency_samples, "xruns",
    (json_int_t)in->xruns, "dropped_frames", (json_int_t)in->dropped_frames, "tracks", tracks,
    "settings", settings ? settings : json_object(), "finished", in->finished);
  if (log && in->stopped) {
    json_object_set_new(log, "stopped", json_string(in->stopped));
  }
  if (log && c->latency_samples < 0) {
    json_object_set_new(log, "latency_samples", json_null());
  }
  return log;
}

GsStatus gs_take_log_write(const char *path, const GsRecorderConfig *c, const GsTakeFile *files,
                           const GsTakeLogInfo *info, GsError *err)
{
  json_t *log = build(c, files, info);
  if (!log) {
    return gs_fail(err, GS_ERR_NOMEM, "%s: out of memory building the take log", path);
  }
  char tmp[GS_TAKE_PATH_MAX + 8];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  const int bad = json_dump_file(log, tmp, JSON_INDENT(2) | JSON_SORT_KEYS);
  json_decref(log);
  if (bad || rename(tmp, path) != 0) {
    remove(tmp);
    return gs_fail(err, GS_ERR_IO, "%s: cannot write the take log", path);
  }
  return GS_OK;
}
