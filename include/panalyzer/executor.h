/* panalyzer/executor.h — (being written) */
#ifndef PANALYZER_EXECUTOR_H
#define PANALYZER_EXECUTOR_H
#include "common.h"
#endif
