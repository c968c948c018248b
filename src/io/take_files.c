// SPDX-License-Identifier: ISC
// A take's files: names, exclusive creation, the BWF chunk, closing.

#include "io/take_files.h"

#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

GsStatus gs_take_check_pattern(const char *pattern, GsError *err)
{
  if (strchr(pattern, '/') || strstr(pattern, "..")) {
    return gs_fail(err, GS_ERR_USAGE,
                   "file name pattern '%s' holds '/' or '..'; takes stay in the recording "
                   "folder (use %%s, %%t, %%n and plain characters)",
                   pattern);
  }
  bool track = false, take = false;
  for (const char *p = pattern; *p; ++p) {
    if (*p != '%') {
      continue;
    }
    ++p;
    if (*p == 't') {
      track = true;
    } else if (*p == 'n') {
      take = true;
    } else if (*p != 's' && *p != '%') {
      return gs_fail(err, GS_ERR_USAGE,
                     "file name pattern '%s': unknown '%%%c' (use %%s session, %%t track, "
                     "%%n take number, %%%% a percent sign)",
                     pattern, *p ? *p : ' ');
    }
  }
  if (!track || !take) {
    return gs_fail(err, GS_ERR_USAGE,
                   "file name pattern '%s' needs %%t (the track) and %%n (the take number) so "
                   "no two files share a name",
                   pattern);
  }
  return GS_OK;
}

void gs_take_sanitize(const char *name, char *out, size_t size)
{
  size_t o = 0;
  for (const char *p = name; *p && o + 1 < size; ++p) {
    const char ch = *p;
    const bool safe = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '+' ||
                      (ch == '.' && o > 0 && out[o - 1] != '.');
    out[o++] = safe ? ch : '_';
  }
  if (o == 0 && size > 1) {
    out[o++] = '_';
  }
  if (size) {
    out[o] = '\0';
  }
}

GsStatus gs_take_name(const char *pattern, const char *session, const char *track, unsigned n,
                      char *out, size_t size, GsError *err)
{
  char s[256], t[256], num[16];
  gs_take_sanitize(session, s, sizeof s);
  gs_take_sanitize(track, t, sizeof t);
  snprintf(num, sizeof num, "%03u", n);
  size_t o = 0;
  for (const char *p = pattern; *p; ++p) {
    const char *part = NULL;
    char one[2] = {*p, '\0'};
    if (*p == '%' && p[1]) {
      ++p;
      part = *p == 's' ? s : *p == 't' ? t : *p == 'n' ? num : "%";
    } else {
      part = one;
    }
    const size_t len = strlen(part);
    if (o + len + 1 > size) {
      return gs_fail(err, GS_ERR_RANGE, "file name from pattern '%s' is longer than %zu bytes",
                     pattern, size - 1);
    }
    memcpy(out + o, part, len);
    o += len;
  }
  out[o] = '\0';
  return GS_OK;
}

const char *gs_take_extension(GsRecFormat format)
{
  switch (format) {
  case GS_REC_WAV:
    return ".wav";
  case GS_REC_W64:
    return ".w64";
  case GS_REC_FLAC:
    return ".flac";
  }
  return ".wav";
}

int gs_take_sf_format(GsRecFormat format, unsigned bits)
{
  const int sub = bits == 16 ? SF_FORMAT_PCM_16 : bits == 24 ? SF_FORMAT_PCM_24 : SF_FORMAT_FLOAT;
  switch (format) {
  case GS_REC_WAV:
    return SF_FORMAT_RF64 | sub;
  case GS_REC_W64:
    return SF_FORMAT_W64 | sub;
  case GS_REC_FLAC:
    return SF_FORMAT_FLAC | sub;
  }
  return SF_FORMAT_RF64 | sub;
}

static GsStatus open_one(const GsRecorderConfig *c, GsTakeFile *f, GsError *err)
{
  const int fd = open(f->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST) {
      return GS_ERR_USAGE;
    }
    return gs_fail(err, GS_ERR_IO, "%s: cannot create the take file (%s)", f->path,
                   strerror(errno));
  }
  SF_INFO info = {
    .samplerate = (int)lrint(c->rate_hz),
    .channels = (int)f->channels,
    .format = gs_take_sf_format(c->format, c->bits),
  };
  f->file = sf_open_fd(fd, SFM_WRITE, &info, SF_TRUE);
  if (!f->file) {
    const GsStatus st = gs_fail(err, GS_ERR_IO, "%s: libsndfile cannot write it (%s)", f->path,
                                sf_strerror(NULL));
    close(fd);
    unlink(f->path);
    return st;
  }
  if (c->format == GS_REC_WAV) {
    // Plain WAV (RIFF) while the file is under 4 GiB; RF64 past it.
    sf_command(f->file, SFC_RF64_AUTO_DOWNGRADE, NULL, SF_TRUE);
  }
  // A float file holds what it was given: no clipping to +-1.
  sf_command(f->file, SFC_SET_CLIPPING, NULL, c->bits == 32 ? SF_FALSE : SF_TRUE);
  return GS_OK;
}

GsStatus gs_take_open(const GsRecorderConfig *c, unsigned n, GsTakeFile *files, GsError *err)
{
  const char *pattern = c->pattern ? c->pattern : "%s-%n-%t";
  unsigned channel = 0;
  for (unsigned t = 0; t < c->n_tracks; ++t) {
    GsTakeFile *f = &files[t];
    memset(f, 0, sizeof(*f));
    f->channels = c->tracks[t].channels;
    f->first_channel = channel;
    channel += f->channels;
    char name[1024];
    GsStatus st = gs_take_name(pattern, c->session_name, c->tracks[t].name, n, name,
                               sizeof name, err);
    if (!st && snprintf(f->path, sizeof f->path, "%s/%s%s", c->folder, name,
                        gs_take_extension(c->format)) >= (int)sizeof f->path) {
      st = gs_fail(err, GS_ERR_RANGE, "%s/%s: path too long", c->folder, name);
    }
    if (!st) {
      st = open_one(c, f, err);
    }
    if (st) {
      gs_take_close(files, t, true);
      return st;
    }
  }
  return GS_OK;
}

void gs_take_close(GsTakeFile *files, unsigned n_files, bool remove)
{
  for (unsigned t = 0; t < n_files; ++t) {
    if (files[t].file) {
      sf_close(files[t].file);
      files[t].file = NULL;
      if (remove) {
        unlink(files[t].path);
      }
    }
  }
}

void gs_take_set_bext(GsTakeFile *f, const char *description, double first_frame_time_s,
                      double rate_hz)
{
  SF_BROADCAST_INFO bext;
  memset(&bext, 0, sizeof bext);
  snprintf(bext.description, sizeof bext.description, "%s", description);
  snprintf(bext.originator, sizeof bext.originator, "gainstage");
  const time_t secs = (time_t)floor(first_frame_time_s);
  struct tm tm;
  localtime_r(&secs, &tm);
  char date[48], clock[48];
  snprintf(date, sizeof date, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  snprintf(clock, sizeof clock, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
  memcpy(bext.origination_date, date, sizeof bext.origination_date);
  memcpy(bext.origination_time, clock, sizeof bext.origination_time);
  const uint64_t ref = gs_take_time_reference(first_frame_time_s, rate_hz);
  bext.time_reference_low = (uint32_t)(ref & 0xffffffffu);
  bext.time_reference_high = (uint32_t)(ref >> 32);
  bext.version = 1;
  sf_command(f->file, SFC_SET_BROADCAST_INFO, &bext, sizeof bext);
}

uint64_t gs_take_time_reference(double time_s, double rate_hz)
{
  // BWF (EBU Tech 3285): samples since the midnight before the first frame.
  const time_t secs = (time_t)floor(time_s);
  struct tm tm;
  localtime_r(&secs, &tm);
  const double since_midnight =
    tm.tm_hour * 3600.0 + tm.tm_min * 60.0 + tm.tm_sec + (time_s - (double)secs);
  return (uint64_t)llround(since_midnight * rate_hz);
}
