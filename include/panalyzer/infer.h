/* panalyzer/infer.h — (being written) */
#ifndef PANALYZER_INFER_H
#define PANALYZER_INFER_H
#include "common.h"
#endif
