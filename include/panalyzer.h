/* panalyzer.h — umbrella header: structure files in, analysed sequences out. */
#ifndef PANALYZER_H
#define PANALYZER_H

#include "panalyzer/common.h"
#include "panalyzer/io.h"
#include "panalyzer/structure.h"
#include "panalyzer/sequence.h"
#include "panalyzer/align.h"
#include "panalyzer/infer.h"
#include "panalyzer/executor.h"
#include "panalyzer/pipeline.h"
#include "panalyzer/dssp.h"
#include "panalyzer/refindex.h"

#endif
