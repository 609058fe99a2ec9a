/* panalyzer/io.h — (being written) */
#ifndef PANALYZER_IO_H
#define PANALYZER_IO_H
#include "common.h"
#endif
