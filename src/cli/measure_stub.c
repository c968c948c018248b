#include "cli/measure_report.h"
void gs_measure_print_csv(FILE *f, const GsDut *dut, const GsMeasurement *m){(void)f;(void)dut;(void)m;}
GsStatus gs_measure_print_json(FILE *f, const GsDut *dut, const GsMeasurement *m){(void)f;(void)dut;(void)m;return GS_OK;}
GsStatus gs_measure_write_svg(const char *dir, const GsDut *dut, const GsMeasurement *m, GsError *err){(void)dir;(void)dut;(void)m;(void)err;return GS_OK;}
GsStatus gs_measure_models_doc(FILE *f, GsError *err){(void)f;(void)err;return GS_OK;}
