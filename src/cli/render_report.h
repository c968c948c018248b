// SPDX-License-Identifier: ISC
// The gain-staging report of a render: per strip the source level, the gain,
// the levels at the converter, clips, loudness and advice; per mix its levels.

#ifndef GS_CLI_RENDER_REPORT_H
#define GS_CLI_RENDER_REPORT_H

#include "cli/report.h"
#include "gainstage/engine.h"
#include "gainstage/headphones.h"
#include "gainstage/session.h"

#include <stdint.h>
#include <stdio.h>

#define GS_RENDER_MAX_NOTES 16
#define GS_RENDER_MAX_EVENTS 32  ///< Clip Safe episodes listed per strip

/// One time Clip Safe acted.
typedef struct {
  double time_s;
  double db;
} GsClipSafeEvent;

typedef struct {
  const GsSession *session;
  unsigned n_strips, n_mixes;
  GsReport *tracks;          ///< per strip: meters of the converter's output
  GsReport *mixes;           ///< per mix: stereo meters
  double *source_peak_v;     ///< per strip: the source's highest voltage
  double *preamp_peak_dbu;   ///< per strip: the preamp output's highest level
  uint64_t *clips;           ///< per strip: samples clipped at the converter
  uint64_t *clip_safe_acted; ///< per strip: Clip Safe episodes
  GsClipSafeEvent (*events)[GS_RENDER_MAX_EVENTS];  ///< per strip: the first of them
  char (*file)[512];         ///< per strip: the track written ("" if not armed)
  char (*mix_file)[512];     ///< per mix
  char (*warning)[256];      ///< per strip: a source warning ("" if none)
  GsListenLevel *listen;     ///< per mix with headphones: the loudest second
  char (*listen_msg)[256];   ///< per mix: the listening-level line ("" without headphones)
  char note[GS_RENDER_MAX_NOTES][400];
  unsigned n_notes;
  double seconds;
  const char *dir;
  double latency;            ///< the engine's input latency, samples
  GsLatency budget;          ///< the whole latency budget
} GsRenderReport;

GsStatus gs_render_report_init(GsRenderReport *r, const GsSession *session);
/// Sets up the meters once the engine exists.
GsStatus gs_render_report_meters(GsRenderReport *r, const GsSession *session,
                                 const GsEngine *engine, GsError *err);
void gs_render_report_free(GsRenderReport *r);

void gs_render_report_note(GsRenderReport *r, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));
void gs_render_report_warn(GsRenderReport *r, unsigned strip, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
void gs_render_report_file(GsRenderReport *r, unsigned strip, const char *path);
void gs_render_report_mix_file(GsRenderReport *r, unsigned mix, const char *path);

/// Measures a block: a strip's source (volts), its capture, a mix (stereo
/// interleaved).
void gs_render_report_source(GsRenderReport *r, unsigned strip, const float *volts, uint32_t n);
void gs_render_report_track(GsRenderReport *r, const GsEngine *engine, unsigned strip,
                            const float *samples, uint32_t n);
void gs_render_report_mix(GsRenderReport *r, unsigned mix, const float *frames, uint32_t n);

void gs_render_report_finish(GsRenderReport *r, double seconds, const char *dir);
/// Strip i's source peak in its unit ("dB SPL" or "dBu"), as the level of the
/// sine with that peak.
double gs_render_report_source_level(const GsRenderReport *r, unsigned i, const char **unit);
/// One line of advice on strip i's gain staging.
void gs_render_report_advice(const GsRenderReport *r, unsigned i, char *out, size_t size);
void gs_render_report_print(const GsRenderReport *r, FILE *out);
GsStatus gs_render_report_print_json(const GsRenderReport *r, FILE *out);

#endif  // GS_CLI_RENDER_REPORT_H
