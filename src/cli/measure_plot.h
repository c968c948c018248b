// SPDX-License-Identifier: ISC
// A small SVG line and bar plot: log or linear x axis with labelled grid, a
// dB (or other) y grid, a title and a legend. No plotting library needed.

#ifndef GS_CLI_MEASURE_PLOT_H
#define GS_CLI_MEASURE_PLOT_H

#include "gainstage/status.h"

#include <stdbool.h>
#include <stddef.h>

/// One curve (or one set of bars).
typedef struct {
  const char *name;  ///< in the legend
  const double *x, *y;
  size_t n;
} GsPlotSeries;

typedef struct {
  const char *title;     ///< names the device
  const char *subtitle;  ///< the conditions
  const char *x_label, *y_label;
  bool log_x;            ///< decades labelled 20, 50, 100, 200, 500, 1k, ...
  bool bars;             ///< bars from the bottom of the plot, x labelled H1, H2, ...
  double y_min_span;     ///< the y axis spans at least this much
} GsPlotAxes;

/// Writes the plot to path. Points with y below -299 are left out. err names
/// the file when it cannot be written.
GsStatus gs_plot_svg(const char *path, const GsPlotAxes *axes, const GsPlotSeries *series,
                     size_t n_series, GsError *err);

#endif  // GS_CLI_MEASURE_PLOT_H
