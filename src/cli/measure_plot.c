// SPDX-License-Identifier: ISC
// A small SVG plot, written by hand.

#include "cli/measure_plot.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define W 860.0
#define H 500.0
#define LEFT 80.0
#define RIGHT 30.0
#define TOP 70.0
#define BOTTOM 60.0

static const char *const colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};

typedef struct {
  double x0, x1, y0, y1;
  bool log_x;
} Frame;

static double px(const Frame *f, double x)
{
  const double t = f->log_x ? log10(x / f->x0) / log10(f->x1 / f->x0) : (x - f->x0) / (f->x1 - f->x0);
  return LEFT + t * (W - LEFT - RIGHT);
}

static double py(const Frame *f, double y)
{
  const double t = (y - f->y0) / (f->y1 - f->y0);
  return H - BOTTOM - fmin(fmax(t, -0.02), 1.02) * (H - TOP - BOTTOM);
}

// A step of 1, 2 or 5 times a power of ten giving about 8 divisions.
static double nice_step(double span)
{
  const double raw = span / 8.0;
  const double p = pow(10.0, floor(log10(raw)));
  const double m = raw / p;
  return (m < 1.5 ? 1.0 : m < 3.5 ? 2.0 : m < 7.5 ? 5.0 : 10.0) * p;
}

static void label_freq(char *buf, size_t size, double f)
{
  if (f >= 1000.0) {
    snprintf(buf, size, "%gk", f / 1000.0);
  } else {
    snprintf(buf, size, "%g", f);
  }
}

static void escape(FILE *out, const char *s)
{
  for (; s && *s; ++s) {
    switch (*s) {
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '&': fputs("&amp;", out); break;
    default: fputc(*s, out);
    }
  }
}

static void text(FILE *out, double x, double y, const char *anchor, const char *style,
                 const char *s)
{
  fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" %s>", x, y, anchor, style);
  escape(out, s);
  fputs("</text>\n", out);
}

static void grid(FILE *out, const Frame *f, const GsPlotAxes *a, double step)
{
  char buf[32];
  // y grid and labels
  for (double y = ceil(f->y0 / step) * step; y <= f->y1 + step * 1e-6; y += step) {
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", LEFT,
            py(f, y), W - RIGHT, py(f, y));
    snprintf(buf, sizeof(buf), "%g", fabs(y) < step * 1e-6 ? 0.0 : y);
    text(out, LEFT - 8, py(f, y) + 4, "end", "font-size=\"12\"", buf);
  }
  if (a->log_x) {
    for (double d = pow(10.0, floor(log10(f->x0))); d <= f->x1; d *= 10.0) {
      for (int m = 1; m < 10; ++m) {
        const double x = d * m;
        if (x < f->x0 * 0.999 || x > f->x1 * 1.001) {
          continue;
        }
        const bool major = m == 1 || m == 2 || m == 5;
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
                px(f, x), TOP, px(f, x), H - BOTTOM, m == 1 ? "#bbb" : major ? "#ddd" : "#eee");
        if (major) {
          label_freq(buf, sizeof(buf), x);
          text(out, px(f, x), H - BOTTOM + 18, "middle", "font-size=\"12\"", buf);
        }
      }
    }
  } else if (a->bars) {
    for (int h = 1; h <= (int)(f->x1 - 0.5); ++h) {
      snprintf(buf, sizeof(buf), "H%d", h);
      text(out, px(f, h), H - BOTTOM + 18, "middle", "font-size=\"12\"", buf);
    }
  } else {
    const double xs = nice_step(f->x1 - f->x0);
    for (double x = ceil(f->x0 / xs) * xs; x <= f->x1 + xs * 1e-6; x += xs) {
      fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
              px(f, x), TOP, px(f, x), H - BOTTOM);
      snprintf(buf, sizeof(buf), "%g", fabs(x) < xs * 1e-6 ? 0.0 : x);
      text(out, px(f, x), H - BOTTOM + 18, "middle", "font-size=\"12\"", buf);
    }
  }
  fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
               "stroke=\"#444\"/>\n",
          LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM);
}

static void ranges(Frame *f, const GsPlotAxes *a, const GsPlotSeries *s, size_t n, double *step)
{
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (size_t k = 0; k < n; ++k) {
    for (size_t i = 0; i < s[k].n; ++i) {
      x0 = fmin(x0, s[k].x[i]);
      x1 = fmax(x1, s[k].x[i]);
      if (s[k].y[i] > -299.0 && isfinite(s[k].y[i])) {
        y0 = fmin(y0, s[k].y[i]);
        y1 = fmax(y1, s[k].y[i]);
      }
    }
  }
  if (!isfinite(y0)) {
    y0 = -1.0;
    y1 = 1.0;
  }
  const double span = fmax(y1 - y0, a->y_min_span > 0 ? a->y_min_span : 1e-3);
  const double mid = 0.5 * (y0 + y1);
  y0 = fmin(y0, mid - span / 2);
  y1 = fmax(y1, mid + span / 2);
  *step = nice_step(y1 - y0);
  f->y0 = floor(y0 / *step) * *step;
  f->y1 = ceil(y1 / *step) * *step;
  if (f->y1 - f->y0 < *step) {
    f->y1 = f->y0 + *step;
  }
  if (a->bars) {
    x0 = 0.5;
    x1 += 0.5;
  } else if (!(x1 > x0)) {
    x1 = x0 + 1.0;
  }
  f->x0 = x0;
  f->x1 = x1;
  f->log_x = a->log_x;
}

GsStatus gs_plot_svg(const char *path, const GsPlotAxes *a, const GsPlotSeries *s,
                     size_t n_series, GsError *err)
{
  // Written to PATH.tmp and renamed: a failure leaves no half-written plot.
  char tmp[4200];
  if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
    snprintf(err->message, sizeof(err->message), "%.200s...: the path is too long", path);
    return GS_ERR_IO;
  }
  FILE *out = fopen(tmp, "w");
  if (!out) {
    snprintf(err->message, sizeof(err->message), "%s: cannot write: %s", path, strerror(errno));
    return GS_ERR_IO;
  }
  Frame f;
  double step;
  ranges(&f, a, s, n_series, &step);
  fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
               "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\">\n"
               "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
          W, H, W, H);
  text(out, W / 2, 26, "middle", "font-size=\"17\" font-weight=\"bold\"", a->title);
  text(out, W / 2, 46, "middle", "font-size=\"13\" fill=\"#555\"", a->subtitle);
  grid(out, &f, a, step);
  text(out, (LEFT + W - RIGHT) / 2, H - 16, "middle", "font-size=\"13\"", a->x_label);
  fprintf(out, "<g transform=\"translate(20 %.1f) rotate(-90)\">", (TOP + H - BOTTOM) / 2);
  text(out, 0, 0, "middle", "font-size=\"13\"", a->y_label);
  fputs("</g>\n", out);
  for (size_t k = 0; k < n_series; ++k) {
    const char *color = colors[k % (sizeof(colors) / sizeof(colors[0]))];
    if (a->bars) {
      const double w = (px(&f, 1.0) - px(&f, 0.0)) * 0.6 / (double)n_series;
      for (size_t i = 0; i < s[k].n; ++i) {
        if (!(s[k].y[i] > -299.0)) {
          continue;
        }
        const double x = px(&f, s[k].x[i]) - w * (double)n_series / 2 + w * (double)k;
        const double top = py(&f, s[k].y[i]);
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n",
                x, top, w, H - BOTTOM - top, color);
      }
    } else {
      // Later curves dashed, so one that lies on another still shows.
      fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"", color,
              k ? " stroke-dasharray=\"8 5\"" : "");
      for (size_t i = 0; i < s[k].n; ++i) {
        if (s[k].y[i] > -299.0 && isfinite(s[k].y[i])) {
          fprintf(out, "%.1f,%.1f ", px(&f, s[k].x[i]), py(&f, s[k].y[i]));
        }
      }
      fputs("\"/>\n", out);
      if (s[k].n < 40) {
        for (size_t i = 0; i < s[k].n; ++i) {
          if (s[k].y[i] > -299.0 && isfinite(s[k].y[i])) {
            fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n",
                    px(&f, s[k].x[i]), py(&f, s[k].y[i]), color);
          }
        }
      }
    }
    // legend, top right inside the frame
    const double ly = TOP + 18 + 20 * (double)k;
    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"18\" height=\"4\" fill=\"%s\"/>\n",
            W - RIGHT - 190, ly - 6, color);
    text(out, W - RIGHT - 166, ly, "start", "font-size=\"13\"", s[k].name);
  }
  fputs("</svg>\n", out);
  errno = 0;
  const bool failed = ferror(out) != 0;
  if (fclose(out) || failed || rename(tmp, path)) {
    snprintf(err->message, sizeof(err->message), "%s: cannot write: %s", path,
             errno ? strerror(errno) : "write error");
    remove(tmp);
    return GS_ERR_IO;
  }
  return GS_OK;
}
