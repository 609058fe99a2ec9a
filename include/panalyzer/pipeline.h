/* panalyzer/pipeline.h — (being written) */
#ifndef PANALYZER_PIPELINE_H
#define PANALYZER_PIPELINE_H
#include "common.h"
#endif
