// SPDX-License-Identifier: ISC
// The level report of a processed file: meters per channel, loudness, clips.

#ifndef GS_CLI_REPORT_H
#define GS_CLI_REPORT_H

#include "dsp/loudness.h"
#include "dsp/meter.h"
#include "gainstage/status.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
  GsPeakMeter peak;
  GsTruePeakMeter true_peak;
  GsRmsMeter rms;
  uint64_t clipped;  ///< samples the converter clipped (counted by the caller)
} GsChannelMeters;

/// What the report says about how the file was processed.
typedef struct {
  const char *input;
  const char *output;
  const char *model;
  const char *gain;       ///< as given (one value, or one per channel)
  unsigned oversample;
  double latency_samples;
  long compensated;       ///< samples trimmed to align the output with the input
  double rate_hz;
  uint64_t frames;
  const char *bits;
  const char *dither;
  bool linked;            ///< one row for all channels (a linked strip)
} GsReportSettings;

typedef struct {
  unsigned channels;
  GsChannelMeters *ch;
  GsLoudness *loudness;   ///< NULL when there are too many channels to weight
} GsReport;

GsStatus gs_report_init(GsReport *r, unsigned channels, double rate_hz, GsError *err);
void gs_report_free(GsReport *r);
/// Meters interleaved frames.
void gs_report_add(GsReport *r, const float *frames, uint32_t n_frames);

void gs_report_print(const GsReport *r, const GsReportSettings *s, FILE *out);
/// Writes the report as one JSON object.
GsStatus gs_report_print_json(const GsReport *r, const GsReportSettings *s, FILE *out);

#endif  // GS_CLI_REPORT_H
