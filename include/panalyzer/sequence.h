/* panalyzer/sequence.h — (being written) */
#ifndef PANALYZER_SEQUENCE_H
#define PANALYZER_SEQUENCE_H
#include "common.h"
#endif
