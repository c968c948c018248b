// SPDX-License-Identifier: ISC
// The recorder: checking the configuration, the audio thread's push, and
// starting and stopping takes from the main thread.

#include "io/recorder.h"

#include "error.h"
#include "io/recorder_hooks.h"
#include "io/recorder_impl.h"
#include "io/take_log.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TRY(st, expr)                                                                            \
  do {                                                                                           \
    if (((st) = (expr)) != GS_OK) {                                                              \
      goto fail;                                                                                 \
    }                                                                                            \
  } while (0)

/// A copy made with calloc (the allocator the tests make fail).
static char *copy(const char *s)
{
  const size_t len = strlen(s);
  char *out = calloc(len + 1, 1);
  if (out) {
    memcpy(out, s, len);
  }
  return out;
}

static GsStatus check_folder(const char *folder, GsError *err)
{
  struct stat st;
  if (!folder || !*folder) {
    return gs_fail(err, GS_ERR_USAGE, "no recording folder given (name an existing, writable "
                                      "folder)");
  }
  if (stat(folder, &st) != 0) {
    return gs_fail(err, GS_ERR_IO,
                   "recording folder %s: %s (create it first, or choose an existing folder)",
                   folder, strerror(errno));
  }
  if (!S_ISDIR(st.st_mode)) {
    return gs_fail(err, GS_ERR_IO, "recording folder %s is not a folder (choose a folder)",
                   folder);
  }
  if (access(folder, W_OK | X_OK) != 0) {
    return gs_fail(err, GS_ERR_IO,
                   "recording folder %s cannot be written (%s); choose a writable folder on a "
                   "read-write file system",
                   folder, strerror(errno));
  }
  return GS_OK;
}

static GsStatus check_config(const GsRecorderConfig *c, GsError *err)
{
  GsStatus st = check_folder(c->folder, err);
  if (st) {
    return st;
  }
  if (c->n_tracks == 0 || !c->tracks) {
    return gs_fail(err, GS_ERR_USAGE, "no track is armed (arm at least one input or mix)");
  }
  if (!(c->rate_hz >= 1000.0 && c->rate_hz <= 768000.0)) {
    return gs_fail(err, GS_ERR_RANGE, "sample rate %g Hz is out of range (1000 to 768000)",
                   c->rate_hz);
  }
  if (c->bits != 16 && c->bits != 24 && c->bits != 32) {
    return gs_fail(err, GS_ERR_RANGE, "bits %u is not recordable (16, 24, or 32 = float)",
                   c->bits);
  }
  if (c->format != GS_REC_WAV && c->format != GS_REC_W64 && c->format != GS_REC_FLAC) {
    return gs_fail(err, GS_ERR_UNKNOWN, "record format %d is unknown (wav, w64 or flac)",
                   (int)c->format);
  }
  if (c->format == GS_REC_FLAC && c->bits == 32) {
    return gs_fail(err, GS_ERR_USAGE,
                   "FLAC holds 16 or 24 bits, not 32 (choose bits 24, or wav or w64 for 32-bit "
                   "float)");
  }
  if (c->ring_s != 0.0 && !(c->ring_s >= 10.0 && c->ring_s <= 600.0)) {
    return gs_fail(err, GS_ERR_RANGE, "ring_s %g is out of range (10 to 600 s; 0: 10)",
                   c->ring_s);
  }
  if (c->preroll_s > 60.0 || c->preroll_s != c->preroll_s) {
    return gs_fail(err, GS_ERR_RANGE, "preroll_s %g is out of range (0 to 60 s)", c->preroll_s);
  }
  if (c->max_block > 65536) {
    return gs_fail(err, GS_ERR_RANGE, "max_block %u is out of range (1 to 65536 frames)",
                   c->max_block);
  }
  if (c->description && strlen(c->description) > 256) {
    return gs_fail(err, GS_ERR_RANGE, "description is %zu bytes; BWF holds at most 256",
                   strlen(c->description));
  }
  const char *pattern = c->pattern ? c->pattern : "%s-%n-%t";
  if ((st = gs_take_check_pattern(pattern, err))) {
    return st;
  }
  const char *session = c->session_name ? c->session_name : "take";
  for (unsigned t = 0; t < c->n_tracks; ++t) {
    if (!c->tracks[t].name || (c->tracks[t].channels != 1 && c->tracks[t].channels != 2)) {
      return gs_fail(err, GS_ERR_USAGE, "track %u: needs a name and 1 or 2 channels (has %u)",
                     t + 1, c->tracks[t].channels);
    }
    char a[1024], b[1024];
    if ((st = gs_take_name(pattern, session, c->tracks[t].name, 1, a, sizeof a, err))) {
      return st;
    }
    for (unsigned u = 0; u < t; ++u) {
      gs_take_name(pattern, session, c->tracks[u].name, 1, b, sizeof b, NULL);
      if (strcmp(a, b) == 0) {
        return gs_fail(err, GS_ERR_USAGE,
                       "tracks %u and %u ('%s', '%s') would both be written to '%s' (name them "
                       "apart)",
                       u + 1, t + 1, c->tracks[u].name, c->tracks[t].name, a);
      }
    }
  }
  if (c->settings_json) {
    json_error_t jerr;
    json_t *j = json_loads(c->settings_json, 0, &jerr);
    const bool object = j && json_is_object(j);
    json_decref(j);
    if (!object) {
      return gs_fail(err, GS_ERR_FORMAT, "settings_json is not a JSON object (line %d: %s)",
                     jerr.line, j ? "not an object" : jerr.text);
    }
  }
  return GS_OK;
}

static GsStatus copy_config(GsRecorder *r, const GsRecorderConfig *c)
{
  r->config = *c;
  r->config.folder = copy(c->folder);
  r->config.session_name = copy(c->session_name ? c->session_name : "take");
  r->config.pattern = copy(c->pattern ? c->pattern : "%s-%n-%t");
  r->config.settings_json = copy(c->settings_json ? c->settings_json : "{}");
  r->config.description = copy(c->description ? c->description : "");
  r->tracks = calloc(c->n_tracks, sizeof(GsRecTrack));
  r->config.tracks = r->tracks;
  if (!r->config.folder || !r->config.session_name || !r->config.pattern ||
      !r->config.settings_json || !r->config.description || !r->tracks) {
    return GS_ERR_NOMEM;
  }
  for (unsigned t = 0; t < c->n_tracks; ++t) {
    r->tracks[t].channels = c->tracks[t].channels;
    r->tracks[t].name = copy(c->tracks[t].name);
    if (!r->tracks[t].name) {
      return GS_ERR_NOMEM;
    }
    r->n_channels += c->tracks[t].channels;
  }
  if (r->config.ring_s == 0.0) {
    r->config.ring_s = 10.0;
  }
  if (r->config.preroll_s < 0.0) {
    r->config.preroll_s = 2.0;
  }
  if (r->config.max_block == 0) {
    r->config.max_block = 8192;
  }
  return GS_OK;
}

static void free_config(GsRecorder *r)
{
  free((void *)r->config.folder);
  free((void *)r->config.session_name);
  free((void *)r->config.pattern);
  free((void *)r->config.settings_json);
  free((void *)r->config.description);
  if (r->tracks) {
    for (unsigned t = 0; t < r->config.n_tracks; ++t) {
      free((void *)r->tracks[t].name);
    }
  }
  free(r->tracks);
}

GsStatus gs_recorder_new(const GsRecorderConfig *config, GsRecorder **out, GsError *err)
{
  *out = NULL;
  GsStatus st = check_config(config, err);
  if (st) {
    return st;
  }
  GsRecorder *r = calloc(1, sizeof(GsRecorder));
  if (!r) {
    return gs_fail(err, GS_ERR_NOMEM, "out of memory for the recorder");
  }
  bool sync = false;
  TRY(st, copy_config(r, config));
  r->preroll_frames = (uint64_t)llround(r->config.preroll_s * r->config.rate_hz);
  const uint64_t capacity =
    (uint64_t)ceil((r->config.ring_s + r->config.preroll_s) * r->config.rate_hz) +
    r->config.max_block;
  r->take.files = calloc(config->n_tracks, sizeof(GsTakeFile));
  r->scratch = calloc(GS_REC_SCRATCH_FRAMES * 2, sizeof(float));
  if (!r->take.files || !r->scratch) {
    st = GS_ERR_NOMEM;
    goto fail;
  }
  TRY(st, gs_rec_ring_init(&r->ring, r->n_channels, capacity));
  if (pthread_mutex_init(&r->lock, NULL) || pthread_cond_init(&r->wake, NULL) ||
      pthread_cond_init(&r->done, NULL)) {
    st = GS_ERR_NOMEM;
    goto fail;
  }
  sync = true;
  if (pthread_create(&r->thread, NULL, gs_recorder_disk_main, r) != 0) {
    st = gs_fail(err, GS_ERR_IO, "recorder: cannot start the disk thread (%s)", strerror(errno));
    goto fail;
  }
  *out = r;
  return GS_OK;
fail:
  if (sync) {
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->wake);
    pthread_cond_destroy(&r->done);
  }
  gs_rec_ring_destroy(&r->ring);
  free(r->scratch);
  free(r->take.files);
  free_config(r);
  free(r);
  if (st == GS_ERR_NOMEM) {
    gs_fail(err, st, "out of memory for the recorder's rings (%u channels, %g s each)",
            config->n_tracks, config->ring_s);
  }
  return st;
}

void gs_recorder_free(GsRecorder *rec)
{
  if (!rec) {
    return;
  }
  atomic_store(&rec->hold, false);  // a held disk thread could not end the take
  GsTakeSummary summary;
  gs_recorder_stop(rec, &summary, NULL);
  pthread_mutex_lock(&rec->lock);
  atomic_store(&rec->quit, true);
  pthread_cond_signal(&rec->wake);
  pthread_mutex_unlock(&rec->lock);
  pthread_join(rec->thread, NULL);
  pthread_mutex_destroy(&rec->lock);
  pthread_cond_destroy(&rec->wake);
  pthread_cond_destroy(&rec->done);
  gs_rec_ring_destroy(&rec->ring);
  free(rec->scratch);
  free(rec->take.files);
  free_config(rec);
  free(rec);
}

void gs_recorder_push(GsRecorder *rec, const float *const *channels, uint32_t n)
{
  GsRecRing *ring = &rec->ring;
  if (rec->gap_n) {
    const GsRecEvent gap = {.pos = rec->gap_pos, .n = rec->gap_n, .kind = GS_REC_EV_GAP};
    if (gs_rec_ring_post(ring, &gap)) {
      rec->gap_n = 0;
    }
  }
  // Requests become events at one frame, the head, shared by every track.
  // With a gap still unposted they wait, so events stay in frame order.
  if (!rec->gap_n) {
    const uint64_t head = atomic_load_explicit(&ring->head, memory_order_relaxed);
    const uint64_t xruns = atomic_load_explicit(&rec->xruns_total, memory_order_relaxed);
    const uint32_t stop = atomic_load_explicit(&rec->req_stop, memory_order_acquire);
    if (stop != rec->seen_stop &&
        gs_rec_ring_post(ring, &(GsRecEvent){.pos = head, .n = xruns, .kind = GS_REC_EV_STOP})) {
      rec->seen_stop = stop;
    }
    const uint32_t start = atomic_load_explicit(&rec->req_start, memory_order_acquire);
    if (start != rec->seen_start && stop == rec->seen_stop &&
        gs_rec_ring_post(ring, &(GsRecEvent){.pos = head, .n = xruns, .kind = GS_REC_EV_START})) {
      rec->seen_start = start;
    }
  }
  if (rec->gap_n || n > rec->config.max_block || !gs_rec_ring_write(ring, channels, n)) {
    if (!rec->gap_n) {
      rec->gap_pos = atomic_load_explicit(&ring->head, memory_order_relaxed);
    }
    rec->gap_n += n;
    atomic_fetch_add_explicit(&rec->dropped_total, n, memory_order_relaxed);
  }
  const uint64_t fill = atomic_load_explicit(&ring->head, memory_order_relaxed) -
                        atomic_load_explicit(&ring->tail, memory_order_relaxed);
  if (fill > atomic_load_explicit(&rec->fill_max, memory_order_relaxed)) {
    atomic_store_explicit(&rec->fill_max, fill, memory_order_relaxed);
  }
}

void gs_recorder_note_xrun(GsRecorder *rec, uint64_t frame)
{
  (void)frame;
  atomic_fetch_add_explicit(&rec->xruns_total, 1, memory_order_relaxed);
}

static double wall_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/// Opens take n's files, or says the number is taken (GS_ERR_USAGE, no message).
static GsStatus open_take(GsRecorder *r, unsigned n, GsError *err)
{
  const GsRecorderConfig *c = &r->config;
  char name[1024];
  GsStatus st = gs_take_name(c->pattern, c->session_name, "take", n, name, sizeof name, err);
  if (st) {
    return st;
  }
  snprintf(r->take.log_path, sizeof r->take.log_path, "%s/%s.json", c->folder, name);
  if (access(r->take.log_path, F_OK) == 0) {
    return GS_ERR_USAGE;
  }
  return gs_take_open(c, n, r->take.files, err);
}

GsStatus gs_recorder_start(GsRecorder *rec, GsError *err)
{
  const int state = atomic_load(&rec->state);
  if (state == TAKE_DONE) {
    return gs_fail(err, GS_ERR_USAGE,
                   "take %u stopped by itself; stop it (for its summary) before the next",
                   rec->take.number);
  }
  if (state != TAKE_NONE) {
    return gs_fail(err, GS_ERR_USAGE, "take %u is recording already (stop it first)",
                   rec->take.number);
  }
  GsStatus st = GS_ERR_USAGE;
  unsigned n = rec->last_take;
  while (st == GS_ERR_USAGE && n < 99999) {
    st = open_take(rec, ++n, err);
  }
  if (st) {
    return st == GS_ERR_USAGE
             ? gs_fail(err, st, "%s: no free take number below 100000", rec->config.folder)
             : st;
  }
  GsTake *t = &rec->take;
  GsTakeFile *files = t->files;
  char log_path[GS_TAKE_PATH_MAX];
  memcpy(log_path, t->log_path, sizeof log_path);
  memset(t, 0, sizeof(*t));
  t->files = files;
  memcpy(t->log_path, log_path, sizeof log_path);
  t->number = n;
  t->pressed_time_s = wall_now();
  rec->last_take = n;
  pthread_mutex_lock(&rec->lock);
  atomic_store(&rec->force, false);
  atomic_store(&rec->state, TAKE_ARMED);
  atomic_store(&rec->recording, true);
  atomic_fetch_add_explicit(&rec->req_start, 1, memory_order_release);
  pthread_cond_signal(&rec->wake);
  pthread_mutex_unlock(&rec->lock);
  return GS_OK;
}

GsStatus gs_recorder_stop(GsRecorder *rec, GsTakeSummary *summary, GsError *err)
{
  memset(summary, 0, sizeof(*summary));
  pthread_mutex_lock(&rec->lock);
  if (atomic_load(&rec->state) == TAKE_NONE) {
    pthread_mutex_unlock(&rec->lock);
    return GS_OK;
  }
  atomic_fetch_add_explicit(&rec->req_stop, 1, memory_order_release);
  pthread_cond_signal(&rec->wake);
  // The audio thread turns the request into a frame at its next push; with
  // no push for four of the largest blocks (at least 0.2 s: the stream has
  // stopped) the take ends where the ring is.
  const double wait_s = fmax(0.2, 4.0 * rec->config.max_block / rec->config.rate_hz);
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  const double ns = (double)until.tv_nsec + wait_s * 1e9;
  until.tv_sec += (time_t)(ns / 1e9);
  until.tv_nsec = (long)fmod(ns, 1e9);
  while (atomic_load(&rec->state) != TAKE_DONE) {
    if (pthread_cond_timedwait(&rec->done, &rec->lock, &until) == ETIMEDOUT) {
      atomic_store(&rec->force, true);
      pthread_cond_signal(&rec->wake);
      until.tv_sec += 1;
    }
  }
  const GsTake *t = &rec->take;
  summary->take = t->number;
  summary->frames = t->frames;
  summary->dropped_frames = t->dropped;
  summary->xruns = t->xruns;
  summary->disk_full = t->disk_full;
  snprintf(summary->log_path, sizeof summary->log_path, "%s", t->log_path);
  if (t->message[0]) {
    snprintf(summary->message, sizeof summary->message, "%s", t->message);
  } else if (t->dropped || t->xruns) {
    snprintf(summary->message, sizeof summary->message,
             "take %u: %llu frames dropped (replaced by silence), %llu xruns", t->number,
             (unsigned long long)t->dropped, (unsigned long long)t->xruns);
  }
  atomic_store(&rec->state, TAKE_NONE);
  atomic_store(&rec->recording, false);
  atomic_store(&rec->force, false);
  pthread_mutex_unlock(&rec->lock);
  if (t->disk_full) {
    return gs_fail(err, GS_ERR_IO, "%s", t->message);
  }
  return GS_OK;
}

bool gs_recorder_recording(const GsRecorder *rec)
{
  return atomic_load(&((GsRecorder *)rec)->recording);
}

void gs_recorder_hold_disk(GsRecorder *rec, bool hold)
{
  atomic_store(&rec->hold, hold);
}

void gs_recorder_stats(const GsRecorder *rec, GsRecorderStats *s)
{
  GsRecorder *r = (GsRecorder *)rec;
  s->capacity_frames = r->ring.capacity;
  s->fill_max_frames = atomic_load(&r->fill_max);
  s->backlog_max_frames = atomic_load(&r->backlog_max);
  s->dropped_frames = atomic_load(&r->dropped_total);
  s->bytes_written = atomic_load(&r->bytes_written);
  s->tick_max_s = atomic_load(&r->tick_max_s);
}
