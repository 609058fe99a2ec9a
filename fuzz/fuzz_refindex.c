/* fuzz_refindex.c — libFuzzer target: opening reference index files (refindex.h).
 * Inputs of odd size get their checksums recomputed first, so that mutations also
 * reach the structural checks behind them; an index that opens is searched. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "fuzz_util.h"
#include "refindex/refindex_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *buf = malloc(size ? size : 1);
    FUZZ_CHECK(buf != NULL);
    memcpy(buf, data, size);
    if (size & 1)
        pai_refindex_reseal(buf, size);
    int fd = memfd_create("fuzz.pai", 0);
    FUZZ_CHECK(fd >= 0);
    FUZZ_CHECK(write(fd, buf, size) == (ssize_t)size);
    free(buf);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    pa_refindex *ix = NULL;
    int rc = pa_refindex_open(&ix, path);
    close(fd);
    if (rc != 0) {
        FUZZ_CHECK(rc < 0 && ix == NULL);
        return 0;
    }
    for (size_t i = 0; i < pa_refindex_count(ix); i++) {
        pa_seq_record r;
        FUZZ_CHECK(pa_refindex_get(ix, i, &r) == 0 && strlen(r.seq) == r.len);
        fuzz_str(r.id);
    }
    pa_seqlist *q = NULL;
    pa_refhits *h = NULL;
    FUZZ_CHECK(pa_seqlist_new(&q) == 0);
    pa_seqlist_add(q, "q", NULL, "MKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQAPILSRVGDGTQDNLSGAEKAVQVKVKALPDAQ");
    pa_search_opts o = PA_SEARCH_OPTS_INIT;
    o.threads = 1;
    o.max_evalue = 10;
    if (pa_refindex_search(ix, q, &o, &h) == 0) {
        for (size_t i = 0; i < pa_refhits_count(h); i++) {
            pa_refhit x;
            FUZZ_CHECK(pa_refhits_get(h, i, &x) == 0 && x.target < pa_refindex_count(ix));
        }
    }
    pa_refhits_free(h);
    pa_seqlist_free(q);
    pa_refindex_free(ix);
    return 0;
}
