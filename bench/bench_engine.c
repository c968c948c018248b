// SPDX-License-Identifier: ISC
// The whole engine under load, as JSON: 32 inputs (tube preamps at 4x) and 4
// stereo mixes at 48 kHz in blocks of 64, as a multiple of real time on one
// core; the same with every strip's options on (high-pass, Clip Safe, a
// safety track) as a share of the period, block by block (mean, 99th
// percentile, worst), the figure a live callback must meet; and the memory
// an engine of 64 inputs and 8 mixes at 96 kHz takes.

#include "bench_clock.h"
#include "gainstage/engine.h"
#include "gainstage/units.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/resource.h>

// Resident set size in KiB, from /proc.
static long rss_kib(void)
{
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kib = -1;
  while (f && fgets(line, sizeof(line), f)) {
    if (!strncmp(line, "VmRSS:", 6)) {
      kib = strtol(line + 6, NULL, 10);
    }
  }
  if (f) {
    fclose(f);
  }
  return kib;
}

static GsEngine *build(unsigned n_strips, unsigned n_mixes, double rate_hz, uint32_t block,
                       bool full)
{
  GsStripConfig *strips = calloc(n_strips, sizeof(*strips));
  GsMixConfig *mixes = calloc(n_mixes, sizeof(*mixes));
  GsEngineSend *sends = calloc((size_t)n_strips * n_mixes, sizeof(*sends));
  for (unsigned s = 0; s < n_strips; ++s) {
    strips[s] = (GsStripConfig){.type = GS_INPUT_MIC, .preamp = gs_preamp_config_default()};
    strips[s].preamp.model = "tube";
    strips[s].preamp.gain_db = 30.0;
    strips[s].preamp.oversample = 4;
    if (full) {
      strips[s].preamp.hpf_hz = 80.0;
      strips[s].clip_safe = true;
      strips[s].safety_db = -12.0;
    }
  }
  for (unsigned m = 0; m < n_mixes; ++m) {
    mixes[m] = (GsMixConfig){.name = "mix", .dim_db = -20.0};
    for (unsigned s = 0; s < n_strips; ++s) {
      sends[m * n_strips + s] =
        (GsEngineSend){.mix = m, .source = s, .send = {.level_db = -6.0, .pan = 0.3}};
    }
  }
  const GsEngineConfig c = {.rate_hz = rate_hz, .max_block = block, .adc_ref_dbu = 18.0,
                            .adc_noise = true, .n_strips = n_strips, .n_mixes = n_mixes,
                            .strips = strips, .mixes = mixes, .sends = sends,
                            .n_sends = (size_t)n_strips * n_mixes};
  GsEngine *e = NULL;
  GsError err;
  if (gs_engine_new(&c, &e, &err)) {
    fprintf(stderr, "bench: %s\n", err.message);
    exit(1);
  }
  free(strips);
  free(mixes);
  free(sends);
  return e;
}

static int compare_doubles(const void *a, const void *b)
{
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

enum { STRIPS = 32, MIXES = 4, BLOCK = 64 };

typedef struct {
  double busy_s;   // all blocks
  double mean_s, p99_s, worst_s;  // per block
} Load;

// seconds of audio through an engine of STRIPS strips and MIXES mixes,
// timing every block.
static Load run_load(double rate, double seconds, bool full)
{
  GsEngine *e = build(STRIPS, MIXES, rate, BLOCK, full);
  static float in[STRIPS][BLOCK], cap[STRIPS][BLOCK], mix[2 * MIXES][BLOCK];
  const float *ins[STRIPS];
  float *caps[STRIPS], *mixes[2 * MIXES];
  for (unsigned s = 0; s < STRIPS; ++s) {
    ins[s] = in[s];
    caps[s] = cap[s];
  }
  for (unsigned m = 0; m < 2 * MIXES; ++m) {
    mixes[m] = mix[m];
  }
  // A mic-level signal (-30 dBu) at a different frequency on every input.
  const unsigned long blocks = (unsigned long)(seconds * rate / (double)BLOCK);
  const double amp = gs_dbu_to_volts(-30.0) * sqrt(2.0);
  double *cost = calloc(blocks, sizeof(double));
  if (!cost) {
    fprintf(stderr, "bench: out of memory\n");
    exit(1);
  }
  double busy = 0.0;
  for (unsigned long b = 0; b < blocks; ++b) {
    for (unsigned s = 0; s < STRIPS; ++s) {
      for (unsigned i = 0; i < BLOCK; ++i) {
        const double t = (double)(b * BLOCK + i) / rate;
        in[s][i] = (float)(amp * sin(2.0 * M_PI * (110.0 + 37.0 * s) * t));
      }
    }
    const double start = now_s();
    gs_engine_process(e, ins, caps, mixes, BLOCK);
    cost[b] = now_s() - start;
    busy += cost[b];
  }
  gs_engine_free(e);
  // The first half second warms caches and faults pages in: a live engine
  // has run long before it records.
  const unsigned long warm = (unsigned long)(0.5 * rate / (double)BLOCK);
  double *timed = cost + warm;
  const unsigned long n_timed = blocks - warm;
  double timed_s = 0.0;
  for (unsigned long b = 0; b < n_timed; ++b) {
    timed_s += timed[b];
  }
  qsort(timed, n_timed, sizeof(double), compare_doubles);
  const Load load = {.busy_s = busy, .mean_s = timed_s / (double)n_timed,
                     .p99_s = timed[n_timed * 99 / 100], .worst_s = timed[n_timed - 1]};
  free(cost);
  return load;
}

int main(void)
{
  // As an audio thread runs: first in line for the core, when allowed.
  const struct sched_param fifo = {.sched_priority = 10};
  const bool realtime = sched_setscheduler(0, SCHED_FIFO, &fifo) == 0;
  const double rate = 48000.0, seconds = 10.0, period_s = (double)BLOCK / rate;
  const double t0 = now_s();
  const Load plain = run_load(rate, seconds, false);
  const double wall = now_s() - t0;
  const Load full = run_load(rate, seconds, true);
  const double amp = gs_dbu_to_volts(-30.0) * sqrt(2.0);

  // Memory: measured after a second of audio, so every page the engine
  // touches while it runs is counted.
  enum { BIG_STRIPS = 64, BIG_MIXES = 8, BIG_BLOCK = 256 };
  const long before = rss_kib();
  GsEngine *big = build(BIG_STRIPS, BIG_MIXES, 96000.0, BIG_BLOCK, false);
  static float big_in[BIG_STRIPS][BIG_BLOCK], big_cap[BIG_STRIPS][BIG_BLOCK];
  static float big_mix[2 * BIG_MIXES][BIG_BLOCK];
  const float *big_ins[BIG_STRIPS];
  float *big_caps[BIG_STRIPS], *big_mixes[2 * BIG_MIXES];
  for (unsigned s = 0; s < BIG_STRIPS; ++s) {
    big_ins[s] = big_in[s];
    big_caps[s] = big_cap[s];
    for (unsigned i = 0; i < BIG_BLOCK; ++i) {
      big_in[s][i] = (float)(amp * sin(0.01 * (double)(i + s)));
    }
  }
  for (unsigned m = 0; m < 2 * BIG_MIXES; ++m) {
    big_mixes[m] = big_mix[m];
  }
  for (int b = 0; b < 96000 / BIG_BLOCK; ++b) {
    gs_engine_process(big, big_ins, big_caps, big_mixes, BIG_BLOCK);
  }
  const long after = rss_kib();
  gs_engine_free(big);

  printf("{\n  \"benchmark\": \"engine\",\n");
  printf("  \"load\": {\"inputs\": %d, \"model\": \"tube\", \"oversample\": 4, \"mixes\": %d, "
         "\"rate_hz\": %.0f, \"block\": %d, \"audio_s\": %.1f, \"process_s\": %.3f, "
         "\"realtime_factor\": %.1f, \"wall_s\": %.3f},\n",
         STRIPS, MIXES, rate, BLOCK, seconds, plain.busy_s, seconds / plain.busy_s, wall);
  printf("  \"callback\": {\"inputs\": %d, \"strips\": \"tube 4x, high-pass, clip safe, safety "
         "track\", \"mixes\": %d, \"block\": %d, \"period_us\": %.1f, \"mean_us\": %.1f, "
         "\"p99_us\": %.1f, \"worst_us\": %.1f, \"mean_share\": %.3f, \"p99_share\": %.3f, "
         "\"worst_share\": %.3f, \"scheduling\": \"%s\"},\n",
         STRIPS, MIXES, BLOCK, period_s * 1e6, full.mean_s * 1e6, full.p99_s * 1e6,
         full.worst_s * 1e6, full.mean_s / period_s, full.p99_s / period_s,
         full.worst_s / period_s, realtime ? "SCHED_FIFO" : "SCHED_OTHER");
  printf("  \"memory\": {\"inputs\": 64, \"mixes\": 8, \"rate_hz\": 96000, \"engine_rss_mib\": "
         "%.1f, \"process_rss_mib\": %.1f}\n}\n",
         (double)(after - before) / 1024.0, (double)after / 1024.0);
  return 0;
}
