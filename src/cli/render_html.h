// SPDX-License-Identifier: ISC
// The render report as a self-contained HTML page.

#ifndef GS_CLI_RENDER_HTML_H
#define GS_CLI_RENDER_HTML_H

#include "cli/render_report.h"

/// Writes the page to path; advice[i] is strip i's line of advice.
GsStatus gs_render_report_write_html(const GsRenderReport *r, const char *path,
                                     const char *const *advice, GsError *err);

#endif  // GS_CLI_RENDER_HTML_H
