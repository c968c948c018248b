// SPDX-License-Identifier: ISC
// The recorder under load, as JSON: 64 mono tracks at 96 kHz, 32-bit float,
// pushed in blocks of 256 at real-time pace from a SCHED_FIFO thread
// (absolute deadlines), while a second process writes to the same disk with
// O_DIRECT (dd in a loop). Reports dropped frames (must be 0), the disk
// thread's worst backlog and longest pass, the rings' high-water mark, MB/s
// written, and the cost of one push.
//   bench_recorder [--seconds S] [--folder DIR]   (defaults: 60 s, a new folder in /tmp)

// RUSAGE_THREAD, setpgid().
#define _GNU_SOURCE

#include "bench_clock.h"
#include "io/recorder.h"
#include "io/recorder_hooks.h"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHANNELS 64
#define RATE_HZ 96000.0
#define BLOCK 256

typedef struct {
  GsRecorder *rec;
  _Atomic bool run;
  double push_ns_sum, push_ns_max;
  unsigned long blocks, late_blocks;
  long minor_faults;  ///< page faults of the audio thread while pushing
} Audio;

static void *audio_main(void *arg)
{
  Audio *a = arg;
  static float buf[CHANNELS][BLOCK];
  const float *ptr[CHANNELS];
  for (unsigned c = 0; c < CHANNELS; ++c) {
    for (unsigned i = 0; i < BLOCK; ++i) {
      buf[c][i] = (float)((c * 7919u + i * 31u) % 2000u) / 2000.0f - 0.5f;
    }
    ptr[c] = buf[c];
  }
  const long period_ns = (long)(1e9 * BLOCK / RATE_HZ);
  struct timespec next;
  struct rusage before, after;
  getrusage(RUSAGE_THREAD, &before);
  clock_gettime(CLOCK_MONOTONIC, &next);
  while (atomic_load(&a->run)) {
    const double t0 = now_s();
    gs_recorder_push(a->rec, ptr, BLOCK);
    const double ns = (now_s() - t0) * 1e9;
    a->push_ns_sum += ns;
    a->push_ns_max = ns > a->push_ns_max ? ns : a->push_ns_max;
    next.tv_nsec += period_ns;
    while (next.tv_nsec >= 1000000000L) {
      next.tv_nsec -= 1000000000L;
      next.tv_sec += 1;
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec > next.tv_sec || (now.tv_sec == next.tv_sec && now.tv_nsec > next.tv_nsec)) {
      ++a->late_blocks;
    }
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    ++a->blocks;
  }
  getrusage(RUSAGE_THREAD, &after);
  a->minor_faults = after.ru_minflt - before.ru_minflt;
  return NULL;
}

/// MB written so far to the device holding folder (/proc/diskstats), or -1.
static double device_mb(const char *folder)
{
  struct stat st;
  FILE *f = fopen("/proc/diskstats", "r");
  double mb = -1.0;
  char line[512];
  while (f && stat(folder, &st) == 0 && fgets(line, sizeof line, f)) {
    unsigned maj = 0, min = 0;
    unsigned long long v[7] = {0};
    if (sscanf(line, " %u %u %*s %llu %llu %llu %llu %llu %llu %llu", &maj, &min, &v[0], &v[1],
               &v[2], &v[3], &v[4], &v[5], &v[6]) == 9 &&
        maj == major(st.st_dev) && min == minor(st.st_dev)) {
      mb = (double)v[6] * 512.0 / 1e6;  // sectors written
    }
  }
  if (f) {
    fclose(f);
  }
  return mb;
}

/// Starts `dd ... oflag=direct` in a loop in its own process group.
static pid_t start_disk_load(const char *folder)
{
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "while :; do dd if=/dev/zero of='%s/load.bin' bs=1M count=512 oflag=direct "
             "2>/dev/null; done",
             folder);
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
  }
  return pid;
}

int main(int argc, char **argv)
{
  double seconds = 60.0;
  char folder[256] = "";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--seconds")) {
      seconds = atof(argv[i + 1]);
    } else if (!strcmp(argv[i], "--folder")) {
      snprintf(folder, sizeof folder, "%s", argv[i + 1]);
    }
  }
  bool own_folder = !folder[0];
  if (own_folder) {
    snprintf(folder, sizeof folder, "/tmp/gs-bench-recorder-XXXXXX");
    if (!mkdtemp(folder)) {
      perror("mkdtemp");
      return 1;
    }
  }
  GsRecTrack tracks[CHANNELS];
  char names[CHANNELS][16];
  for (unsigned c = 0; c < CHANNELS; ++c) {
    snprintf(names[c], sizeof names[c], "in%02u", c + 1);
    tracks[c] = (GsRecTrack){names[c], 1};
  }
  const GsRecorderConfig config = {
    .folder = folder,
    .session_name = "bench",
    .rate_hz = RATE_HZ,
    .bits = 32,
    .format = GS_REC_WAV,
    .preroll_s = -1.0,
    .max_block = BLOCK,
    .n_tracks = CHANNELS,
    .tracks = tracks,
    .latency_samples = -1.0,
  };
  // The load starts first: a fork after the rings exist would make their
  // pages copy-on-write, and the audio thread would take a fault per page.
  const pid_t load = start_disk_load(folder);
  GsRecorder *rec = NULL;
  GsError err = {{0}};
  if (gs_recorder_new(&config, &rec, &err) || gs_recorder_start(rec, &err)) {
    fprintf(stderr, "bench_recorder: %s\n", err.message);
    kill(-load, SIGKILL);
    waitpid(load, NULL, 0);
    return 1;
  }

  Audio audio = {.rec = rec, .run = true};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  struct sched_param prio = {.sched_priority = 70};
  pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
  pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
  pthread_attr_setschedparam(&attr, &prio);
  pthread_t thread;
  bool fifo = true;
  if (pthread_create(&thread, &attr, audio_main, &audio) != 0) {
    fifo = false;  // not permitted: an ordinary thread
    pthread_create(&thread, NULL, audio_main, &audio);
  }
  // The take runs `seconds`; the stream goes on while it stops, as it would.
  const double t0 = now_s();
  const double device_mb0 = device_mb(folder);
  clock_nanosleep(CLOCK_MONOTONIC, 0,
                  &(struct timespec){(time_t)seconds,
                                     (long)((seconds - (double)(time_t)seconds) * 1e9)},
                  NULL);
  GsTakeSummary summary;
  const double s0 = now_s();
  const GsStatus st = gs_recorder_stop(rec, &summary, &err);
  const double stop_s = now_s() - s0;
  const double wall = now_s() - t0;
  const double device_mb_per_s = (device_mb(folder) - device_mb0) / wall;
  atomic_store(&audio.run, false);
  pthread_join(thread, NULL);
  kill(-load, SIGKILL);
  waitpid(load, NULL, 0);
  GsRecorderStats stats;
  gs_recorder_stats(rec, &stats);
  gs_recorder_free(rec);
  if (own_folder) {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", folder);
    if (system(cmd) != 0) {
      fprintf(stderr, "bench_recorder: could not remove %s\n", folder);
    }
  }
  printf("{\"bench\": \"recorder\", \"channels\": %d, \"rate_hz\": %g, \"bits\": 32, "
         "\"block\": %d, \"seconds\": %g, \"sched_fifo\": %s, \"status\": \"%s\",\n"
         " \"frames\": %llu, \"dropped_frames\": %llu, \"late_blocks\": %lu,\n"
         " \"ring_s\": %.3f, \"ring_fill_max_s\": %.4f, \"disk_backlog_max_s\": %.4f, "
         "\"disk_pass_max_ms\": %.2f, \"stop_ms\": %.1f,\n"
         " \"mb_written\": %.1f, \"mb_per_s\": %.2f, \"push_ns_mean\": %.0f, "
         "\"push_ns_max\": %.0f, \"audio_page_faults\": %ld,\n"
         " \"device_mb_per_s\": %.1f}\n",
         CHANNELS, RATE_HZ, BLOCK, seconds, fifo ? "true" : "false", gs_strerror(st),
         (unsigned long long)summary.frames, (unsigned long long)summary.dropped_frames,
         audio.late_blocks, (double)stats.capacity_frames / RATE_HZ,
         (double)stats.fill_max_frames / RATE_HZ, (double)stats.backlog_max_frames / RATE_HZ,
         stats.tick_max_s * 1e3, stop_s * 1e3, (double)stats.bytes_written / 1e6,
         (double)stats.bytes_written / 1e6 / wall,
         audio.blocks ? audio.push_ns_sum / (double)audio.blocks : 0.0, audio.push_ns_max, audio.minor_faults,
         device_mb0 < 0 ? -1.0 : device_mb_per_s);
  return summary.dropped_frames == 0 && st == GS_OK ? 0 : 1;
}
