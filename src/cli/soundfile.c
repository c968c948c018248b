// SPDX-License-Identifier: ISC
// Output files that are complete or absent, and format names.

#include "cli/soundfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  const char *name;
  int major;
} FormatName;

static const FormatName formats[] = {
  {"wav", SF_FORMAT_WAV},   {"rf64", SF_FORMAT_RF64}, {"w64", SF_FORMAT_W64},
  {"aiff", SF_FORMAT_AIFF}, {"aif", SF_FORMAT_AIFF},  {"flac", SF_FORMAT_FLAC},
  {"caf", SF_FORMAT_CAF},
};

#define N_FORMATS (sizeof(formats) / sizeof(formats[0]))

static const char *const valid_formats = "wav, rf64, w64, aiff, flac, caf";

int gs_cli_format(const char *name, const char *path, GsError *err)
{
  const char *key = name;
  if (!key) {
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash)) {
      snprintf(err->message, sizeof(err->message),
               "%s: no file extension to choose the format from (use --format %s)", path,
               valid_formats);
      return 0;
    }
    key = dot + 1;
  }
  for (size_t i = 0; i < N_FORMATS; ++i) {
    if (!strcasecmp(key, formats[i].name)) {
      return formats[i].major;
    }
  }
  if (name) {
    snprintf(err->message, sizeof(err->message), "--format %s: unknown format (valid: %s)", name,
             valid_formats);
  } else {
    snprintf(err->message, sizeof(err->message),
             "%s: unknown extension '.%s' (valid: %s, or use --format)", path, key,
             valid_formats);
  }
  return 0;
}

int gs_cli_subtype(int major, const char *bits, GsError *err)
{
  int subtype = 0;
  if (!strcmp(bits, "16")) {
    subtype = SF_FORMAT_PCM_16;
  } else if (!strcmp(bits, "24")) {
    subtype = SF_FORMAT_PCM_24;
  } else if (!strcmp(bits, "32f")) {
    subtype = SF_FORMAT_FLOAT;
  } else {
    snprintf(err->message, sizeof(err->message), "--bits %s: not valid (16, 24 or 32f)", bits);
    return 0;
  }
  SF_INFO probe = {.samplerate = 48000, .channels = 1, .format = major | subtype};
  if (!sf_format_check(&probe)) {
    snprintf(err->message, sizeof(err->message),
             "--bits %s: the output format cannot hold it (FLAC holds 16 or 24 bits)", bits);
    return 0;
  }
  return subtype;
}

bool gs_cli_same_file(const char *a, const char *b)
{
  if (!strcmp(a, b)) {
    return true;
  }
  struct stat sa, sb;
  return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

GsStatus gs_outfile_open(GsOutFile *f, const char *path, SF_INFO *info, GsError *err)
{
  *f = (GsOutFile){0};
  // The temporary file sits beside the destination, so the final rename is
  // atomic (same file system) and a crash leaves at most a hidden .tmp file.
  const char *slash = strrchr(path, '/');
  const int dir_len = slash ? (int)(slash - path + 1) : 0;
  const char *base = slash ? slash + 1 : path;
  const size_t size = strlen(path) + 32;
  f->path = strdup(path);
  f->tmp_path = malloc(size);
  if (!f->path || !f->tmp_path) {
    gs_outfile_abort(f);
    snprintf(err->message, sizeof(err->message), "out of memory");
    return GS_ERR_NOMEM;
  }
  snprintf(f->tmp_path, size, "%.*s.%s.tmp-XXXXXX", dir_len, path, base);
  const int fd = mkstemp(f->tmp_path);
  if (fd < 0) {
    snprintf(err->message, sizeof(err->message), "%s: cannot create the output file: %s", path,
             strerror(errno));
    free(f->tmp_path);
    f->tmp_path = NULL;
    gs_outfile_abort(f);
    return GS_ERR_IO;
  }
  fchmod(fd, 0644);
  // WAV is written as RF64 that downgrades itself to WAV when it closes under
  // 4 GiB, so a long file never hits the WAV size limit.
  const bool wav = (info->format & SF_FORMAT_TYPEMASK) == SF_FORMAT_WAV;
  if (wav) {
    info->format = (info->format & ~SF_FORMAT_TYPEMASK) | SF_FORMAT_RF64;
  }
  f->sf = sf_open_fd(fd, SFM_WRITE, info, SF_TRUE);
  if (!f->sf) {
    snprintf(err->message, sizeof(err->message), "%s: cannot write this format: %s", path,
             sf_strerror(NULL));
    gs_outfile_abort(f);  // sf_open_fd() closed fd already (close_desc)
    return GS_ERR_FORMAT;
  }
  if (wav) {
    sf_command(f->sf, SFC_RF64_AUTO_DOWNGRADE, NULL, SF_TRUE);
  }
  return GS_OK;
}

GsStatus gs_outfile_commit(GsOutFile *f, GsError *err)
{
  GsStatus st = GS_OK;
  sf_write_sync(f->sf);
  // sf_close() frees the handle even when it fails, so the error is read
  // first and the handle closed exactly once either way.
  int code = sf_error(f->sf);
  const int closed = sf_close(f->sf);
  f->sf = NULL;
  code = code ? code : closed;
  if (code) {
    snprintf(err->message, sizeof(err->message), "%s: writing failed: %s", f->path,
             sf_error_number(code));
    gs_outfile_abort(f);
    return GS_ERR_IO;
  }
  if (rename(f->tmp_path, f->path)) {
    snprintf(err->message, sizeof(err->message), "%s: cannot move the finished file into place: %s",
             f->path, strerror(errno));
    st = GS_ERR_IO;
    gs_outfile_abort(f);
    return st;
  }
  free(f->tmp_path);
  free(f->path);
  *f = (GsOutFile){0};
  return st;
}

void gs_outfile_abort(GsOutFile *f)
{
  if (f->sf) {
    sf_close(f->sf);
  }
  if (f->tmp_path) {
    unlink(f->tmp_path);
  }
  free(f->tmp_path);
  free(f->path);
  *f = (GsOutFile){0};
}
