// SPDX-License-Identifier: ISC
// Throughput of every preamp model at every oversampling factor, mono (one
// strip) and 8 channels (one preamp bank, its colouring stage in vector
// lanes), on one core, block 256, as JSON on stdout. Not a timed test: the
// figures go into docs/performance.md.

#include "bench_clock.h"
#include "gainstage/preamp.h"
#include "gainstage/units.h"
#include "model/bank.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 256
#define RATE_HZ 48000.0
#define MAX_CH 8
#define MIN_TIME_S 0.3

static GsPreampConfig bench_config(const char *model, unsigned factor)
{
  GsPreampConfig cfg = gs_preamp_config_default();
  cfg.model = model;
  cfg.rate_hz = RATE_HZ;
  cfg.gain_db = 20.0;
  cfg.oversample = factor;
  return cfg;
}

// Msamples/s (all channels together) for a bank of channels of one model.
static double measure_bank(const char *model, unsigned factor, unsigned channels,
                           const float *in)
{
  const GsPreampConfig cfg = bench_config(model, factor);
  GsPreampBank *bank = NULL;
  GsError err;
  if (gs_preamp_bank_new(&cfg, channels, &bank, &err)) {
    fprintf(stderr, "bench: %s\n", err.message);
    exit(1);
  }
  static float out[MAX_CH][BLOCK];
  float *out_ptr[MAX_CH];
  for (unsigned c = 0; c < channels; ++c) {
    out_ptr[c] = out[c];
  }
  unsigned long blocks = 0;
  const double start = now_s();
  double elapsed = 0.0;
  do {
    for (int rep = 0; rep < 64; ++rep, ++blocks) {
      const float *in_ptr[MAX_CH];
      for (unsigned c = 0; c < channels; ++c) {
        in_ptr[c] = in + ((blocks + c) % 16) * BLOCK;
      }
      gs_preamp_bank_process(bank, in_ptr, out_ptr, BLOCK);
    }
    elapsed = now_s() - start;
  } while (elapsed < MIN_TIME_S);
  gs_preamp_bank_free(bank);
  return (double)blocks * BLOCK * channels / elapsed / 1e6;
}

// Msamples/s (all channels together) for channels strips of one model.
static double measure(const char *model, unsigned factor, unsigned channels, const float *in)
{
  GsPreamp *strip[MAX_CH] = {0};
  float out[BLOCK];
  for (unsigned c = 0; c < channels; ++c) {
    const GsPreampConfig cfg = bench_config(model, factor);
    GsError err;
    if (gs_preamp_new(&cfg, &strip[c], &err)) {
      fprintf(stderr, "bench: %s\n", err.message);
      exit(1);
    }
  }
  unsigned long blocks = 0;
  const double start = now_s();
  double elapsed = 0.0;
  do {
    for (int rep = 0; rep < 64; ++rep, ++blocks) {
      for (unsigned c = 0; c < channels; ++c) {
        gs_preamp_process(strip[c], in + (blocks % 16) * BLOCK, out, BLOCK);
      }
    }
    elapsed = now_s() - start;
  } while (elapsed < MIN_TIME_S);
  for (unsigned c = 0; c < channels; ++c) {
    gs_preamp_free(strip[c]);
  }
  return (double)blocks * BLOCK * channels / elapsed / 1e6;
}

int main(void)
{
  // A 997 Hz sine at -20 dBu: with 20 dB of gain the strips run at 0 dBu,
  // where every model is doing its work (and no denormals flatter anyone).
  static float in[16 * BLOCK];
  const double amp = gs_dbu_to_volts(-20.0) * sqrt(2.0);
  for (size_t i = 0; i < 16 * BLOCK; ++i) {
    in[i] = (float)(amp * sin(2.0 * M_PI * 997.0 * (double)i / RATE_HZ));
  }
  static const unsigned factors[] = {1, 2, 4, 8};
  // The variant the banks run: the fastest this CPU has.
  GsPreampBank *probe = NULL;
  GsPreampConfig probe_cfg = gs_preamp_config_default();
  if (gs_preamp_bank_new(&probe_cfg, 1, &probe, NULL)) {
    return 1;
  }
  const char *lanes = gs_lanes_variant_name(gs_preamp_bank_variant(probe));
  gs_preamp_bank_free(probe);
  printf("{\n  \"benchmark\": \"preamp models\",\n  \"block\": %d,\n  \"rate_hz\": %.0f,\n",
         BLOCK, RATE_HZ);
  printf("  \"eight_channels\": \"one preamp bank\",\n  \"lanes\": \"%s\",\n", lanes);
  printf("  \"results\": [\n");
  const size_t n = gs_preamp_model_count();
  for (size_t m = 0; m < n; ++m) {
    const char *name = gs_preamp_model_info(m)->name;
    for (size_t f = 0; f < 4; ++f) {
      const double mono = measure(name, factors[f], 1, in);
      const double eight = measure_bank(name, factors[f], 8, in);
      printf("    {\"model\": \"%s\", \"oversample\": %u, \"mono_msamples_per_s\": %.1f, "
             "\"eight_channels_msamples_per_s\": %.1f}%s\n",
             name, factors[f], mono, eight, (m == n - 1 && f == 3) ? "" : ",");
      fflush(stdout);
    }
  }
  printf("  ]\n}\n");
  return 0;
}
