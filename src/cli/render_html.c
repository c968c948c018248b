// SPDX-License-Identifier: ISC
// The render report as one self-contained HTML page: a meter per strip, the
// levels, and the advice, for a person to look at rather than read.

#include "cli/render_html.h"

#include "gainstage/source.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define METER_FLOOR_DBFS (-60.0)

static double db(double linear)
{
  return linear > 1e-10 ? 20.0 * log10(linear) : -200.0;
}

static double peak_of(const GsReport *rep, bool true_peak)
{
  double peak = 0.0;
  for (unsigned c = 0; c < rep->channels; ++c) {
    peak = fmax(peak, true_peak ? rep->ch[c].true_peak.peak : rep->ch[c].peak.peak);
  }
  return db(peak);
}

static double rms_of(const GsReport *rep)
{
  double sum = 0.0;
  uint64_t n = 0;
  for (unsigned c = 0; c < rep->channels; ++c) {
    sum += rep->ch[c].rms.sum_sq;
    n += rep->ch[c].rms.n;
  }
  return n ? db(sqrt(sum / (double)n)) : -200.0;
}

// Text into HTML: the five characters that matter escaped.
static void put_text(FILE *out, const char *s)
{
  for (; *s; ++s) {
    switch (*s) {
    case '&': fputs("&amp;", out); break;
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '"': fputs("&quot;", out); break;
    case '\'': fputs("&#39;", out); break;
    default: fputc(*s, out);
    }
  }
}

// Width in percent of a meter reading from METER_FLOOR_DBFS to 0 dBFS.
static double width(double dbfs)
{
  const double w = 100.0 * (dbfs - METER_FLOOR_DBFS) / -METER_FLOOR_DBFS;
  return w < 0.0 ? 0.0 : (w > 100.0 ? 100.0 : w);
}

static void meter(FILE *out, double rms, double peak, double true_peak)
{
  // A bar to the RMS level, a tick at the true peak; red past -1 dBFS.
  const char *colour = true_peak > -1.0 ? "#d33" : (true_peak > -6.0 ? "#e90" : "#3a3");
  fprintf(out,
          "<div class=meter><div class=rms style='width:%.1f%%;background:%s'></div>"
          "<div class=peak style='left:%.1f%%'></div><div class=tp style='left:%.1f%%'></div>"
          "</div>",
          width(rms), colour, width(peak), width(true_peak));
}

static void cell_db(FILE *out, double v)
{
  if (v > -200.0 && isfinite(v)) {
    fprintf(out, "<td class=num>%.1f</td>", v);
  } else {
    fputs("<td class=num>&minus;&infin;</td>", out);
  }
}

GsStatus gs_render_report_write_html(const GsRenderReport *r, const char *path,
                                     const char *const *advice, GsError *err)
{
  FILE *out = fopen(path, "w");
  if (!out) {
    snprintf(err->message, sizeof(err->message), "%s: cannot write the report", path);
    return GS_ERR_IO;
  }
  const GsSession *s = r->session;
  fputs("<!doctype html><html lang=en><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width'><title>",
        out);
  put_text(out, s->name);
  fputs(" — gainstage render</title><style>"
        "body{font:15px/1.4 system-ui,sans-serif;margin:2em auto;max-width:68em;color:#222}"
        "h1{font-size:1.5em;margin:0}.sub{color:#666;margin:.2em 0 1.5em}"
        "table{border-collapse:collapse;width:100%}td,th{padding:.35em .5em;"
        "border-bottom:1px solid #eee;text-align:left;vertical-align:middle}"
        "th{font-weight:600;font-size:.85em;color:#555}.num{text-align:right;"
        "font-variant-numeric:tabular-nums}.meter{position:relative;height:14px;"
        "background:#f1f1f1;border-radius:3px;min-width:14em}.rms{height:100%;border-radius:3px}"
        ".peak,.tp{position:absolute;top:-2px;width:2px;height:18px;background:#333}"
        ".tp{background:#d33}.advice{font-size:.92em}.bad{color:#b00}.ok{color:#286}"
        ".warn{color:#a60}.scale{display:flex;justify-content:space-between;font-size:.75em;"
        "color:#888;min-width:14em}</style>",
        out);
  fputs("<h1>", out);
  put_text(out, s->name);
  const double ms = 1000.0 / s->rate_hz;
  fprintf(out, "</h1><p class=sub>%.1f s at %.0f Hz, %u-%s tracks, converters +%g dBu = 0 dBFS. "
               "Latency: input %.2f ms, direct monitoring %.2f ms, round trip through a host "
               "with %.0f-frame buffers %.2f ms</p>",
          r->seconds, s->rate_hz, s->bits, s->bits == 32 ? "bit float" : "bit",
          s->engine.adc_ref_dbu, r->budget.input * ms, r->budget.monitoring * ms,
          r->budget.buffer, r->budget.round_trip * ms);
  fputs("<table><tr><th>#</th><th>strip</th><th>input · model</th><th class=num>source peak</th>"
        "<th class=num>gain dB</th>"
        "<th>level at the converter<div class=scale><span>-60</span><span>-40</span>"
        "<span>-20</span><span>0 dBFS</span></div></th><th class=num>peak</th>"
        "<th class=num>true peak</th><th class=num>LUFS</th><th class=num>clipped</th></tr>",
        out);
  for (unsigned i = 0; i < r->n_strips; ++i) {
    const GsStripConfig *sc = &s->engine.strips[i];
    const GsReport *t = &r->tracks[i];
    fprintf(out, "<tr><td>%u</td><td><b>", i + 1);
    put_text(out, sc->name);
    const char *unit = "";
    const double level = gs_render_report_source_level(r, i, &unit);
    fprintf(out, "</b></td><td>%s · %s%s%s</td>", gs_input_type_name(sc->type), sc->preamp.model,
            sc->phantom ? " · +48 V" : "", sc->preamp.pad ? " · pad" : "");
    if (level > -200.0) {
      fprintf(out, "<td class=num>%.1f %s</td>", level, unit);
    } else {
      fputs("<td class=num>no signal</td>", out);
    }
    fprintf(out, "<td class=num>%.1f</td><td>", sc->preamp.gain_db);
    meter(out, rms_of(t), peak_of(t, false), peak_of(t, true));
    fputs("</td>", out);
    cell_db(out, peak_of(t, false));
    cell_db(out, peak_of(t, true));
    cell_db(out, t->loudness ? gs_loudness_integrated(t->loudness) : -HUGE_VAL);
    fprintf(out, "<td class=num>%llu</td></tr>", (unsigned long long)r->clips[i]);
    const char *cls = r->clips[i] || r->warning[i][0] ? "bad"
                      : strncmp(advice[i], "good", 4) ? "warn"
                                                      : "ok";
    fprintf(out, "<tr><td></td><td colspan=9 class='advice %s'>", cls);
    put_text(out, advice[i]);
    fputs("</td></tr>", out);
  }
  fputs("</table>", out);
  if (r->n_mixes) {
    fputs("<h2>Mixes</h2><table><tr><th>mix</th><th>level<div class=scale><span>-60</span>"
          "<span>-40</span><span>-20</span><span>0 dBFS</span></div></th><th class=num>peak"
          "</th><th class=num>true peak</th><th class=num>LUFS</th><th>file</th></tr>",
          out);
    for (unsigned m = 0; m < r->n_mixes; ++m) {
      const GsReport *t = &r->mixes[m];
      fputs("<tr><td><b>", out);
      put_text(out, s->engine.mixes[m].name);
      fputs("</b></td><td>", out);
      meter(out, rms_of(t), peak_of(t, false), peak_of(t, true));
      fputs("</td>", out);
      cell_db(out, peak_of(t, false));
      cell_db(out, peak_of(t, true));
      cell_db(out, t->loudness ? gs_loudness_integrated(t->loudness) : -HUGE_VAL);
      fputs("<td>", out);
      const char *slash = strrchr(r->mix_file[m], '/');
      put_text(out, slash ? slash + 1 : r->mix_file[m]);
      fputs("</td></tr>", out);
      if (r->listen_msg[m][0]) {
        fprintf(out, "<tr><td></td><td colspan=5 class='advice %s'>",
                r->listen[m].db_spl >= GS_LISTEN_CAUTION_DB_SPL ? "warn" : "ok");
        put_text(out, s->outputs[m].headphones);
        fprintf(out, " at %+.0f dB: ", s->outputs[m].amp_volume_db);
        put_text(out, r->listen_msg[m]);
        fputs("</td></tr>", out);
      }
    }
    fputs("</table>", out);
  }
  fputs("<p class=sub>Bars: RMS (green, orange within 6 dB of full scale, red within 1 dB); "
        "black tick: sample peak; red tick: true peak (ITU-R BS.1770-4). Advice aims peaks "
        "near -12 dBFS.</p></html>\n",
        out);
  const bool failed = ferror(out);
  if (fclose(out) || failed) {
    snprintf(err->message, sizeof(err->message), "%s: writing the report failed", path);
    return GS_ERR_IO;
  }
  return GS_OK;
}
