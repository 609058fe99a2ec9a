/* panalyzer/align.h — (being written) */
#ifndef PANALYZER_ALIGN_H
#define PANALYZER_ALIGN_H
#include "common.h"
#endif
