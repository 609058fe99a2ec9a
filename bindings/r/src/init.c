/* init.c — registration of the .Call entry points. */
#include "rpa.h"

#include <R_ext/Rdynload.h>

/* R's registration table stores every entry point as DL_FUNC. */
#pragma GCC diagnostic ignored "-Wcast-function-type"

static const R_CallMethodDef calls[] = {
    {"rpa_version", (DL_FUNC)&rpa_version, 0},
    {"rpa_read_structure", (DL_FUNC)&rpa_read_structure, 6},
    {"rpa_structure_tables", (DL_FUNC)&rpa_structure_tables, 1},
    {"rpa_sequences", (DL_FUNC)&rpa_sequences, 2},
    {"rpa_align", (DL_FUNC)&rpa_align, 14},
    {"rpa_align_last_kernel", (DL_FUNC)&rpa_align_last_kernel, 0},
    {"rpa_predict_ss", (DL_FUNC)&rpa_predict_ss, 5},
    {"rpa_run_pipeline", (DL_FUNC)&rpa_run_pipeline, 7},
    {"rpa_dssp", (DL_FUNC)&rpa_dssp, 3},
    {"rpa_map_references", (DL_FUNC)&rpa_map_references, 10},
    {NULL, NULL, 0}};

void R_init_panalyzer(DllInfo *dll)
{
    R_registerRoutines(dll, NULL, calls, NULL, NULL);
    R_useDynamicSymbols(dll, FALSE);
    R_forceSymbols(dll, TRUE);
}
