#include "cli/measure_report.h"
GsStatus gs_dut_session_new(const char *path, int strip, const char *strip_name, GsDut **out, GsError *err){(void)path;(void)strip;(void)strip_name;(void)out;snprintf(err->message,8,"todo");return GS_ERR_UNKNOWN;}
GsStatus gs_dut_lv2_new(const char *uri, double rate_hz, const GsDutControl *set, size_t n_set, GsDut **out, GsError *err){(void)uri;(void)rate_hz;(void)set;(void)n_set;(void)out;snprintf(err->message,8,"todo");return GS_ERR_UNKNOWN;}
void gs_measure_print_csv(FILE *f, const GsDut *dut, const GsMeasurement *m){(void)f;(void)dut;(void)m;}
GsStatus gs_measure_print_json(FILE *f, const GsDut *dut, const GsMeasurement *m){(void)f;(void)dut;(void)m;return GS_OK;}
GsStatus gs_measure_write_svg(const char *dir, const GsDut *dut, const GsMeasurement *m, GsError *err){(void)dir;(void)dut;(void)m;(void)err;return GS_OK;}
GsStatus gs_measure_models_doc(FILE *f, GsError *err){(void)f;(void)err;return GS_OK;}
