#include "cli/measure_report.h"
GsStatus gs_measure_models_doc(FILE *f, GsError *err){(void)f;(void)err;return GS_OK;}
