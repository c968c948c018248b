// SPDX-License-Identifier: ISC
// Cost of the ALSA backend's sample conversion (src/io/alsa_convert.c), in
// ns per sample on one core, for each format and layout, both directions,
// 8 channels x 256 frames, as JSON on stdout; and what that is as a share
// of one core at 48 kHz for 64 channels each way. Not a timed test.

#include "bench_clock.h"
#include "io/alsa_convert.h"

#include <stdio.h>

#define CHANNELS 8
#define FRAMES 256
#define MIN_TIME_S 0.3

static float floats[CHANNELS * FRAMES];
static unsigned char raw[CHANNELS * FRAMES * 4];

// The best of five runs of at least MIN_TIME_S.
static double ns_per_sample(const GsSampleLayout *l, int to_float)
{
  double best = 1e30;
  for (int run = 0; run < 5; ++run) {
    const double t0 = now_s();
    double t = t0;
    unsigned long long samples = 0;
    do {
      for (int i = 0; i < 64; ++i) {
        if (to_float) {
          gs_samples_to_float(l, raw, floats, FRAMES);
        } else {
          gs_samples_from_float(l, floats, raw, FRAMES);
        }
      }
      samples += 64ull * CHANNELS * FRAMES;
      t = now_s();
    } while (t - t0 < MIN_TIME_S);
    const double ns = 1e9 * (t - t0) / (double)samples;
    best = ns < best ? ns : best;
  }
  return best;
}

int main(void)
{
  for (int i = 0; i < CHANNELS * FRAMES; ++i) {
    floats[i] = (float)((i % 200) - 100) / 101.0f;
  }
  static const struct {
    GsSampleFormat format;
    const char *name;
  } formats[] = {{GS_SAMPLE_FLOAT, "FLOAT"},
                 {GS_SAMPLE_S32, "S32"},
                 {GS_SAMPLE_S24_3LE, "S24_3LE"},
                 {GS_SAMPLE_S16, "S16"}};
  printf("{\"bench\": \"alsa_convert\", \"channels\": %d, \"frames\": %d, \"results\": [\n",
         CHANNELS, FRAMES);
  for (int f = 0; f < 4; ++f) {
    for (int inter = 1; inter >= 0; --inter) {
      const GsSampleLayout l = {formats[f].format, CHANNELS, inter, FRAMES};
      gs_samples_from_float(&l, floats, raw, FRAMES);
      const double in_ns = ns_per_sample(&l, 1), out_ns = ns_per_sample(&l, 0);
      // 64 channels in and 64 out at 48 kHz, as a share of one core.
      const double load = (in_ns + out_ns) * 64 * 48000 * 1e-9;
      printf("  {\"format\": \"%s\", \"layout\": \"%s\", \"to_float_ns\": %.3f, "
             "\"from_float_ns\": %.3f, \"core_share_64x64_48k\": %.5f}%s\n",
             formats[f].name, inter ? "interleaved" : "planar", in_ns, out_ns, load,
             f == 3 && !inter ? "" : ",");
    }
  }
  printf("]}\n");
  return 0;
}
