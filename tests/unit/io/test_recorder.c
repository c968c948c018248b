// SPDX-License-Identifier: ISC
// The multitrack recorder, for real: a pattern through the rings into files
// read back by libsndfile and sox, the pre-roll, overflow, kill -9, a full
// tmpfs, the BWF chunk and the take log, bad input, failing allocations.

// mount(), MAP_ANONYMOUS.
#define _GNU_SOURCE

#include "check.h"
#include "failing_calloc.h"

#include "io/recorder.h"
#include "io/recorder_hooks.h"

#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

static char dir[64];

static int make_dir(void **state)
{
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/gs-test-recorder-XXXXXX");
  return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
  (void)state;
  char cmd[256];
  // A failed test may leave its tmpfs mounted.
  snprintf(cmd, sizeof cmd, "umount -l '%s'/* 2>/dev/null; rm -rf '%s'", dir, dir);
  return system(cmd);
}

/// A fresh, empty folder under dir for one test.
static const char *sub(const char *name)
{
  static char path[128];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  mkdir(path, 0755);
  return path;
}

static unsigned count_files(const char *folder)
{
  DIR *d = opendir(folder);
  unsigned n = 0;
  if (!d) {
    return 0;
  }
  for (struct dirent *e; (e = readdir(d));) {
    n += e->d_name[0] != '.';
  }
  closedir(d);
  return n;
}

/// The test pattern: distinct per channel and frame, exact in float, in [-0.5, 0.5).
static float pat(unsigned channel, uint64_t frame)
{
  const uint32_t k = (uint32_t)((frame * 31u + channel * 1009u) % 65536u);
  return (float)((int)k - 32768) / 65536.0f;
}

/// Pushes stream frames [from, from + n) of the pattern in blocks of `block`.
static void push_pattern(GsRecorder *rec, unsigned channels, uint64_t from, uint64_t n,
                         uint32_t block)
{
  float buf[8][1024];
  const float *ptr[8];
  for (unsigned c = 0; c < channels; ++c) {
    ptr[c] = buf[c];
  }
  for (uint64_t done = 0; done < n;) {
    const uint32_t m = (uint32_t)(n - done < block ? n - done : block);
    for (unsigned c = 0; c < channels; ++c) {
      for (uint32_t i = 0; i < m; ++i) {
        buf[c][i] = pat(c, from + done + i);
      }
    }
    gs_recorder_push(rec, ptr, m);
    done += m;
  }
}

static const GsRecTrack tracks3[] = {{"kick", 1}, {"mix a/b", 2}, {"../snare", 1}};

static GsRecorderConfig config_for(const char *folder)
{
  return (GsRecorderConfig){
    .folder = folder,
    .session_name = "demo",
    .rate_hz = 48000.0,
    .bits = 32,
    .format = GS_REC_WAV,
    .preroll_s = 0.0,
    .max_block = 1024,
    .n_tracks = 3,
    .tracks = tracks3,
    .latency_samples = 123.0,
  };
}

/// Reads a track file; frames read into *frames, samples (interleaved) returned.
static float *read_file(const char *path, int *channels, uint64_t *frames)
{
  SF_INFO info = {0};
  SNDFILE *f = sf_open(path, SFM_READ, &info);
  if (!f) {
    print_error("%s: %s\n", path, sf_strerror(NULL));
    fail();
  }
  float *data = malloc((size_t)info.frames * (size_t)info.channels * sizeof(float) + 4);
  *frames = (uint64_t)sf_readf_float(f, data, info.frames);
  *channels = info.channels;
  sf_close(f);
  return data;
}

/// Checks one file holds the pattern of channels [first, first + channels)
/// from stream frame `from`, with silence in [gap_from, gap_to) (file frames).
static void check_file(const char *path, unsigned first, unsigned channels, uint64_t from,
                       uint64_t frames, double tol, uint64_t gap_from, uint64_t gap_to)
{
  int ch = 0;
  uint64_t n = 0;
  float *data = read_file(path, &ch, &n);
  assert_int_equal(ch, channels);
  if (n != frames) {
    print_error("%s: %llu frames, expected %llu\n", path, (unsigned long long)n,
                (unsigned long long)frames);
    fail();
  }
  uint64_t bad = 0, first_bad = 0;
  for (uint64_t j = 0; j < n; ++j) {
    for (unsigned c = 0; c < channels; ++c) {
      const double want = j >= gap_from && j < gap_to ? 0.0 : pat(first + c, from + j);
      if (!(fabs(data[j * channels + c] - want) <= tol)) {
        first_bad = bad++ ? first_bad : j;
      }
    }
  }
  free(data);
  if (bad) {
    print_error("%s: %llu samples differ from the pattern, first at frame %llu\n", path,
                (unsigned long long)bad, (unsigned long long)first_bad);
    fail();
  }
}

static void test_pattern_formats(void **state)
{
  (void)state;
  const struct {
    GsRecFormat format;
    unsigned bits;
    const char *ext;
    double tol;
  } cases[] = {
    {GS_REC_WAV, 32, "wav", 0.0},
    {GS_REC_WAV, 24, "wav", 1.5 / 8388608.0},
    {GS_REC_W64, 16, "w64", 1.5 / 32768.0},
    {GS_REC_FLAC, 24, "flac", 1.5 / 8388608.0},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; ++k) {
    char name[32];
    snprintf(name, sizeof name, "pattern-%zu", k);
    const char *folder = sub(name);
    GsRecorderConfig c = config_for(folder);
    c.format = cases[k].format;
    c.bits = cases[k].bits;
    GsRecorder *rec = NULL;
    GsError err = {{0}};
    assert_int_equal(gs_recorder_new(&c, &rec, &err), GS_OK);
    push_pattern(rec, 4, 0, 1000, 333);  // before record is pressed, no pre-roll kept
    assert_int_equal(gs_recorder_start(rec, &err), GS_OK);
    // Odd block sizes, 1.5 s.
    uint64_t at = 1000;
    const uint32_t blocks[] = {7, 333, 1021, 1, 64, 999};
    for (unsigned b = 0; at < 1000 + 72000; ++b) {
      const uint32_t m = blocks[b % 6];
      push_pattern(rec, 4, at, m, m);
      at += m;
    }
    GsTakeSummary s;
    assert_int_equal(gs_recorder_stop(rec, &s, &err), GS_OK);
    assert_int_equal(s.take, 1);
    assert_int_equal(s.frames, at - 1000);
    assert_int_equal(s.dropped_frames, 0);
    assert_string_equal(s.message, "");
    char path[256];
    // Track names made safe: "mix a/b" -> "mix_a_b", "../snare" -> "_._snare".
    snprintf(path, sizeof path, "%s/demo-001-kick.%s", folder, cases[k].ext);
    check_file(path, 0, 1, 1000, at - 1000, cases[k].tol, 0, 0);
    snprintf(path, sizeof path, "%s/demo-001-mix_a_b.%s", folder, cases[k].ext);
    check_file(path, 1, 2, 1000, at - 1000, cases[k].tol, 0, 0);
    snprintf(path, sizeof path, "%s/demo-001-_._snare.%s", folder, cases[k].ext);
    check_file(path, 3, 1, 1000, at - 1000, cases[k].tol, 0, 0);
    if (cases[k].format == GS_REC_WAV) {
      // Under 4 GiB the RF64 file is downgraded to plain RIFF WAVE.
      FILE *f = fopen(path, "rb");
      char magic[4] = {0};
      assert_int_equal(fread(magic, 1, 4, f), 4);
      fclose(f);
      assert_memory_equal(magic, "RIFF", 4);
    }
    if (k == 0) {
      // Take 2, then a stray file of take 3 makes the next take 4; nothing is overwritten.
      assert_int_equal(gs_recorder_start(rec, &err), GS_OK);
      push_pattern(rec, 4, at, 4800, 256);
      assert_int_equal(gs_recorder_stop(rec, &s, &err), GS_OK);
      assert_int_equal(s.take, 2);
      assert_int_equal(s.frames, 4800);
      snprintf(path, sizeof path, "%s/demo-003-_._snare.wav", folder);
      FILE *f = fopen(path, "w");
      fputs("not audio", f);
      fclose(f);
      assert_int_equal(gs_recorder_start(rec, &err), GS_OK);
      push_pattern(rec, 4, at + 4800, 480, 256);
      assert_int_equal(gs_recorder_stop(rec, &s, &err), GS_OK);
      assert_int_equal(s.take, 4);
      struct stat st;
      assert_int_equal(stat(path, &st), 0);
      assert_int_equal(st.st_size, 9);
      snprintf(path, sizeof path, "%s/demo-003-kick.wav", folder);
      assert_int_not_equal(access(path, F_OK), 0);
      snprintf(path, sizeof path, "%s/demo-004-mix_a_b.wav", folder);
      check_file(path, 1, 2, at + 4800, 480, 0.0, 0, 0);
      // A new recorder on the same folder also skips every existing take.
      gs_recorder_free(rec);
      assert_int_equal(gs_recorder_new(&c, &rec, &err), GS_OK);
      assert_int_equal(gs_recorder_start(rec, &err), GS_OK);
      push_pattern(rec, 4, 0, 100, 100);
      assert_int_equal(gs_recorder_stop(rec, &s, &err), GS_OK);
      assert_int_equal(s.take, 5);
    }
    gs_recorder_free(rec);
  }
}

static void test_preroll(void **state)
{
  (void)state;
  const char *folder = sub("preroll");
  GsRecorderConfig c = config_for(folder);
  c.preroll_s = 0.5;  // 24000 frames
  c.n_tracks = 2;
  GsRecorder *rec = NULL;
  GsError err = {{0}};
  assert_int_equal(gs_recorder_new(&c, &rec, &err), GS_OK);
  // 3 s before record is pressed, in real-ish time so the disk thread trims.
  for (uint64_t at = 0; at < 144000; at += 4800) {
    push_pattern(rec, 3, at, 4800, 480);
    nanosleep(&(struct timespec){.tv_nsec = 5000000}, NULL);
  }
  assert_int_equal(gs_recorder_start(rec, &err), GS_OK);
  push_pattern(rec, 3, 144000, 10000, 250);
  GsTakeSummary s;
  assert_int_equal(gs_recorder_stop(rec, &s, &err), GS_OK);
  assert_int_equal(s.frames, 24000 + 10000);
  char path[256];
  snprintf(path, sizeof path, "%s/demo-001-kick.wav", folder);
  check_file(path, 0, 1, 144000 - 24000, 34000, 0.0, 0, 0);
  snprintf(path, sizeof path, "%s/demo-001-mix_a_b.wav", folder);
  check_file(path, 1, 2, 144000 - 24000, 34000, 0.0, 0, 0);

  // Record pressed 0.1 s after the stream began: the take holds all 4800 frames before.
  gs_recorder_free(rec);
  assert_int_equal(gs_recorder_new(&c, &rec, &err), GS_OK);
  push_pattern(rec, 3, 0, 4800, 480);
  assert_int_equal(gs_recorder_start(rec, &err), GS_OK);
  push_pattern(rec, 3, 4800, 4800, 480);
  assert_int_equal(gs_recorder_stop(rec, &s, &err), GS_OK);
  assert_int_equal(s.take, 2);
  assert_int_equal(s.frames, 9600);
  snprintf(path, sizeof path, "%s/demo-002-kick.wav", folder);
  check_file(path, 0, 1, 0, 9600, 0.0, 0, 0);
  gs_recorder_free(rec);
}

static void test_overflow(void **state)
{
  (void)state;
  const char *folder = sub("overflow");
  GsRecorderConfig c = config_for(folder);
  c.rate_hz = 1000.0;  // 10 s ring: 10000 frames + max_block 64
  c.max_block = 64;
  c.n_tracks = 2;
  GsRecorder *rec = NULL;
  GsError err = {{0}};
  assert_int_equal(gs_recorder_new(&c, &rec, &err), GS_OK);
  GsRecorderStats stats;
  gs_recorder_stats(rec, &stats);
  assert_int_equal(stats.capacity_frames, 10064);
  gs_recorder_hold_disk(rec, true);
  assert_int_equal(gs_recorder_start(rec, &err), GS_OK);
  push_pattern(rec, 3, 0, 15000, 50);  // 201 blocks fit (10050 frames), 99 are dropped
  gs_recorder_hold_disk(rec, false);
  for (int i = 0; i < 200; ++i) {
    gs_recorder_stats(rec, &stats);
    nanosleep(&(struct timespec){.tv_nsec = 10000000}, NULL);
  }
  push_pattern(rec, 3, 15000, 1000, 50);
  GsTakeSummary s;
  assert_int_equal(gs_recorder_stop(rec, &s, &err), GS_OK);
  assert_int_equal(s.dropped_frames, 4950);
  assert_int_equal(s.frames, 16000);
  assert_non_null(strstr(s.message, "4950 frames dropped"));
  char path[256];
  snprintf(path, sizeof path, "%s/demo-001-kick.wav", folder);
  check_file(path, 0, 1, 0, 16000, 0.0, 10050, 15000);
  snprintf(path, sizeof path, "%s/demo-001-mix_a_b.wav", folder);
  check_file(path, 1, 2, 0, 16000, 0.0, 10050, 15000);
  json_t *log = json_load_file(s.log_path, 0, NULL);
  assert_non_null(log);
  assert_int_equal(json_integer_value(json_object_get(log, "dropped_frames")), 4950);
  json_decref(log);
  gs_recorder_free(rec);
}

/// Runs a command; its exit status.
static int run(const char *fmt, const char *arg)
{
  char cmd[512];
  snprintf(cmd, sizeof cmd, fmt, arg);
  const int st = system(cmd);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/// Frames sox reads from the file's header.
static long sox_frames(const char *path)
{
  char cmd[512];
  // (sox warns that a float WAV's fmt chunk lacks its extension; it reads it right.)
  snprintf(cmd, sizeof cmd, "sox --i -s '%s' 2>/dev/null", path);
  FILE *p = popen(cmd, "r");
  long n = -1;
  char line[512] = "";
  if (!p || !fgets(line, sizeof line, p) || sscanf(line, "%ld", &n) != 1) {
    print_error("%s: %s", cmd, line);
    n = -1;
  }
  if (p) {
    pclose(p);
  }
  return n;
}

static void test_kill9(void **state)
{
  (void)state;
  const char *folder = sub("kill9");
  char folder_copy[128];
  snprintf(folder_copy, sizeof folder_copy, "%s", folder);
  volatile uint64_t *pushed =
    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  assert_true(pushed != MAP_FAILED);
  *pushed = 0;
  const pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    // The child records 4 mono tracks at real-time pace until it is killed.
    static const GsRecTrack mono4[] = {{"a", 1}, {"b", 1}, {"c", 1}, {"d", 1}};
    GsRecorderConfig c = config_for(folder_copy);
    c.tracks = mono4;
    c.n_tracks = 4;
    GsRecorder *rec = NULL;
    if (gs_recorder_new(&c, &rec, NULL) || gs_recorder_start(rec, NULL)) {
      _exit(3);
    }
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    for (uint64_t at = 0;; at += 256) {
      push_pattern(rec, 4, at, 256, 256);
      *pushed = at + 256;
      next.tv_nsec += 5333333;  // 256 frames at 48 kHz
      if (next.tv_nsec >= 1000000000L) {
        next.tv_nsec -= 1000000000L;
        next.tv_sec += 1;
      }
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    }
  }
  sleep(3);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  const uint64_t total = *pushed;
  munmap((void *)pushed, 4096);
  GS_ASSERT_ABOVE(total, 2.5 * 48000);
  for (char t = 'a'; t <= 'd'; ++t) {
    char path[256];
    snprintf(path, sizeof path, "%s/demo-001-%c.wav", folder, t);
    int ch = 0;
    uint64_t frames = 0;
    float *data = read_file(path, &ch, &frames);
    free(data);
    // All but the last second, and nothing that was not pushed.
    print_message("kill -9: %s holds %llu of %llu frames pushed (%.3f s short)\n", path,
                  (unsigned long long)frames, (unsigned long long)total,
                  (double)(total - frames) / 48000.0);
    GS_ASSERT_ABOVE(frames, (double)total - 48000.0);
    GS_ASSERT_BELOW(frames, (double)total + 1.0);
    check_file(path, (unsigned)(t - 'a'), 1, 0, frames, 0.0, 0, 0);
    assert_int_equal(sox_frames(path), (long)frames);
    assert_int_equal(run("sox '%s' -n stat 2>/dev/null", path), 0);
  }
}

static void test_full_disk(void **state)
{
  (void)state;
  const char *folder = sub("full");
  if (mount("tmpfs", folder, "tmpfs", 0, "size=2m") != 0) {
    print_error("mount -t tmpfs %s: %s (the full-disk test needs root)\n", folder,
                strerror(errno));
    fail();
  }
  GsRecorderConfig c = config_for(folder);
  c.n_tracks = 2;
  GsRecorder *rec = NULL;
  GsError err = {{0}};
  assert_int_equal(gs_recorder_new(&c, &rec, &err), GS_OK);
  assert_int_equal(gs_recorder_start(rec, &err), GS_OK);
  // 2 MB hold about 2.7 s of 3 float channels at 48 kHz; push at 10x real time.
  uint64_t at = 0, after = 0;
  for (int i = 0; i < 20000 && after < 100; ++i) {
    push_pattern(rec, 3, at, 480, 480);
    at += 480;
    after += !gs_recorder_recording(rec);
    nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
  }
  assert_int_equal(after, 100);  // it stopped by itself, and pushes went on
  GsTakeSummary s;
  assert_int_equal(gs_recorder_stop(rec, &s, &err), GS_ERR_IO);
  assert_true(s.disk_full);
  print_message("full disk: %s\n", err.message);
  assert_non_null(strstr(err.message, folder));
  assert_non_null(strstr(err.message, "KiB free"));
  assert_string_equal(err.message, s.message);
  gs_recorder_free(rec);
  char path[256];
  const char *names[] = {"kick", "mix_a_b"};
  for (int k = 0; k < 2; ++k) {
    snprintf(path, sizeof path, "%s/demo-001-%s.wav", folder, names[k]);
    int ch = 0;
    uint64_t frames = 0;
    float *data = read_file(path, &ch, &frames);
    free(data);
    GS_ASSERT_ABOVE(frames, 48000);
    assert_int_equal(sox_frames(path), (long)frames);
  }
  assert_int_equal(umount2(folder, MNT_DETACH), 0);
}

static void test_bext_and_log(void **state)
{
  (void)state;
  const char *folder = sub("bext");
  GsRecorderConfig c = config_for(folder);
  c.settings_json = "{\"strips\": [{\"gain_db\": 32.5}]}";
  c.description = "band rehearsal";
  c.preroll_s = 0.1;
  GsRecorder *rec = NULL;
  GsError err = {{0}};
  assert_int_equal(gs_recorder_new(&c, &rec, &err), GS_OK);
  push_pattern(rec, 4, 0, 9600, 480);
  assert_int_equal(gs_recorder_start(rec, &err), GS_OK);
  push_pattern(rec, 4, 9600, 4800, 480);
  gs_recorder_note_xrun(rec, 12000);
  gs_recorder_note_xrun(rec, 13000);
  push_pattern(rec, 4, 14400, 4800, 480);
  GsTakeSummary s;
  assert_int_equal(gs_recorder_stop(rec, &s, &err), GS_OK);
  gs_recorder_free(rec);
  assert_int_equal(s.xruns, 2);
  assert_non_null(strstr(s.message, "2 xruns"));

  json_error_t jerr;
  json_t *log = json_load_file(s.log_path, 0, &jerr);
  if (!log) {
    print_error("%s: %s\n", s.log_path, jerr.text);
    fail();
  }
  assert_int_equal(json_integer_value(json_object_get(log, "take")), 1);
  assert_int_equal(json_integer_value(json_object_get(log, "frames")), 4800 + 9600);
  assert_int_equal(json_integer_value(json_object_get(log, "preroll_frames")), 4800);
  assert_int_equal(json_integer_value(json_object_get(log, "bits")), 32);
  assert_int_equal(json_integer_value(json_object_get(log, "xruns")), 2);
  assert_int_equal(json_integer_value(json_object_get(log, "dropped_frames")), 0);
  assert_true(json_is_true(json_object_get(log, "finished")));
  GS_ASSERT_NEAR(json_real_value(json_object_get(log, "rate_hz")), 48000.0, 0.0);
  GS_ASSERT_NEAR(json_real_value(json_object_get(log, "latency_samples")), 123.0, 0.0);
  assert_string_equal(json_string_value(json_object_get(log, "format")), "wav");
  json_t *gain = json_object_get(
    json_array_get(json_object_get(json_object_get(log, "settings"), "strips"), 0), "gain_db");
  GS_ASSERT_NEAR(json_real_value(gain), 32.5, 0.0);
  json_t *tracks = json_object_get(log, "tracks");
  assert_int_equal(json_array_size(tracks), 3);
  assert_string_equal(json_string_value(json_object_get(json_array_get(tracks, 1), "file")),
                      "demo-001-mix_a_b.wav");
  const char *start = json_string_value(json_object_get(log, "start"));
  assert_non_null(start);
  // 2026-11-25T04:18:46.123+00:00
  assert_int_equal(strlen(start), 29);
  assert_int_equal(start[10], 'T');
  const json_int_t ref = json_integer_value(json_object_get(log, "time_reference"));
  GS_ASSERT_BELOW(ref, 86400.0 * 48000.0);
  // The start's clock time and the time reference agree (to the millisecond).
  const int hh = atoi(start + 11), mm = atoi(start + 14);
  const double ss = atof(start + 17);
  GS_ASSERT_NEAR((double)ref / 48000.0, hh * 3600.0 + mm * 60.0 + ss, 0.0011);

  char path[256];
  snprintf(path, sizeof path, "%s/demo-001-kick.wav", folder);
  SF_INFO info = {0};
  SNDFILE *f = sf_open(path, SFM_READ, &info);
  assert_non_null(f);
  SF_BROADCAST_INFO bext;
  memset(&bext, 0, sizeof bext);
  assert_int_equal(sf_command(f, SFC_GET_BROADCAST_INFO, &bext, sizeof bext), SF_TRUE);
  sf_close(f);
  const uint64_t bref = bext.time_reference_low | ((uint64_t)bext.time_reference_high << 32);
  assert_int_equal(bref, (uint64_t)ref);
  assert_non_null(strstr(bext.description, "band rehearsal"));
  assert_non_null(strstr(bext.description, "take 1"));
  assert_non_null(strstr(bext.description, "2 xruns"));
  assert_memory_equal(bext.origination_date, start, 10);
  assert_memory_equal(bext.origination_time, start + 11, 8);
  assert_memory_equal(bext.originator, "gainstage", 9);
  json_decref(log);
}

/// gs_recorder_new must fail with a message holding `want`, creating nothing.
static void expect_refused(const GsRecorderConfig *c, GsStatus status, const char *want)
{
  GsRecorder *rec = NULL;
  GsError err = {{0}};
  const GsStatus st = gs_recorder_new(c, &rec, &err);
  if (st != status || !strstr(err.message, want) || strchr(err.message, '\n')) {
    print_error("status %d (expected %d), message '%s' (expected one line with '%s')\n", st,
                status, err.message, want);
    fail();
  }
  assert_null(rec);
}

static void test_bad_input(void **state)
{
  (void)state;
  const char *folder = sub("bad");
  char missing[160];
  snprintf(missing, sizeof missing, "%s/no-such-folder", folder);
  GsRecorderConfig c = config_for(missing);
  expect_refused(&c, GS_ERR_IO, missing);

  c = config_for(folder);
  c.pattern = "../%s-%n-%t";
  expect_refused(&c, GS_ERR_USAGE, "'../%s-%n-%t'");
  c.pattern = "%s/%n-%t";
  expect_refused(&c, GS_ERR_USAGE, "'%s/%n-%t'");
  c.pattern = "%s-%t";
  expect_refused(&c, GS_ERR_USAGE, "needs %t");
  c.pattern = NULL;
  c.bits = 20;
  expect_refused(&c, GS_ERR_RANGE, "bits 20");
  c.bits = 32;
  c.format = GS_REC_FLAC;
  expect_refused(&c, GS_ERR_USAGE, "FLAC holds 16 or 24 bits");
  c.format = GS_REC_WAV;
  c.ring_s = 2.0;
  expect_refused(&c, GS_ERR_RANGE, "ring_s 2");
  c.ring_s = 0.0;
  c.settings_json = "{\"gain\": ";
  expect_refused(&c, GS_ERR_FORMAT, "settings_json");
  c.settings_json = NULL;
  static const GsRecTrack twins[] = {{"a b", 1}, {"a_b", 1}};
  c.tracks = twins;
  c.n_tracks = 2;
  expect_refused(&c, GS_ERR_USAGE, "'a_b'");
  assert_int_equal(count_files(folder), 0);

  // A read-only file system (root writes through chmod 0555, not through ro).
  const char *ro = sub("readonly");
  if (mount("tmpfs", ro, "tmpfs", 0, "size=1m") != 0 ||
      mount("tmpfs", ro, "tmpfs", MS_REMOUNT | MS_RDONLY, "size=1m") != 0) {
    print_error("mount tmpfs read-only at %s: %s (this test needs root)\n", ro, strerror(errno));
    fail();
  }
  c = config_for(ro);
  expect_refused(&c, GS_ERR_IO, ro);
  GsRecorder *rec = NULL;
  GsError err = {{0}};
  gs_recorder_new(&c, &rec, &err);
  assert_non_null(strstr(err.message, "Read-only file system"));
  assert_non_null(strstr(err.message, "choose a writable folder"));
  assert_int_equal(umount2(ro, MNT_DETACH), 0);

  // Starting fails partway (room for two files, not three): the error names
  // the third, and the two already made are removed.
  const char *tiny = sub("tiny");
  if (mount("tmpfs", tiny, "tmpfs", 0, "size=1m,nr_inodes=3") != 0) {
    print_error("mount tmpfs at %s: %s (this test needs root)\n", tiny, strerror(errno));
    fail();
  }
  c = config_for(tiny);
  assert_int_equal(gs_recorder_new(&c, &rec, &err), GS_OK);
  assert_int_equal(gs_recorder_start(rec, &err), GS_ERR_IO);
  assert_non_null(strstr(err.message, "demo-001-_._snare.wav"));
  assert_int_equal(count_files(tiny), 0);
  assert_false(gs_recorder_recording(rec));
  gs_recorder_free(rec);
  assert_int_equal(umount2(tiny, MNT_DETACH), 0);

  // A name taken by something that is not a take (a folder) is skipped.
  c = config_for(folder);
  assert_int_equal(gs_recorder_new(&c, &rec, &err), GS_OK);
  char path[256];
  snprintf(path, sizeof path, "%s/demo-001-_._snare.wav", folder);
  assert_int_equal(mkdir(path, 0755), 0);
  // The folder takes the name of take 1: take 1 is skipped, take 2 made.
  assert_int_equal(gs_recorder_start(rec, &err), GS_OK);
  GsTakeSummary s;
  assert_int_equal(gs_recorder_stop(rec, &s, &err), GS_OK);
  assert_int_equal(s.take, 2);
  snprintf(path, sizeof path, "%s/demo-001-kick.wav", folder);
  assert_int_not_equal(access(path, F_OK), 0);
  gs_recorder_free(rec);
}

static void test_failing_calloc(void **state)
{
  (void)state;
  const char *folder = sub("alloc");
  GsRecorderConfig c = config_for(folder);
  c.rate_hz = 1000.0;
  int n = 0;
  for (;; ++n) {
    GsRecorder *rec = NULL;
    GsError err = {{0}};
    fail_after = n;
    const GsStatus st = gs_recorder_new(&c, &rec, &err);
    fail_after = -1;
    if (st == GS_OK) {
      gs_recorder_free(rec);
      break;
    }
    assert_int_equal(st, GS_ERR_NOMEM);
    assert_null(rec);
    assert_non_null(strstr(err.message, "out of memory"));
  }
  GS_ASSERT_ABOVE(n, 10);  // every allocation of gs_recorder_new was made to fail once
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_pattern_formats), cmocka_unit_test(test_preroll),
    cmocka_unit_test(test_overflow),        cmocka_unit_test(test_kill9),
    cmocka_unit_test(test_full_disk),       cmocka_unit_test(test_bext_and_log),
    cmocka_unit_test(test_bad_input),       cmocka_unit_test(test_failing_calloc),
  };
  return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
