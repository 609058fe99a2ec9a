/* refindex_int.h — internals of the reference index: layout shared by built and mapped
 * indexes, the alphabet and seeds, and the statistics helpers. */
#ifndef PAI_REFINDEX_INT_H
#define PAI_REFINDEX_INT_H

#include "common/pai.h"
#include "panalyzer/refindex.h"

#define PAI_IX_ALPHA 20  /* the amino acids; other letters break a k-mer */

/* Every pointer points into one mapping (opened file) or into owned buffers (built). */
struct pa_refindex {
    int k, span;             /* seed weight (letters) and length (see pai_ix_seed_codes) */
    uint32_t nkmer;          /* PAI_IX_ALPHA^k */
    uint64_t nseq, nres, nnames, npost;
    const uint64_t *seq_off; /* nseq + 1 offsets into res; each sequence is NUL-terminated */
    const char *res;
    const uint64_t *name_off;/* nseq + 1 offsets into names (NUL-terminated ids) */
    const char *names;
    const uint32_t *bucket;  /* nkmer + 1 offsets into post */
    const uint32_t *post;    /* k-mer start positions (offsets into res) */
    void *map;               /* mmap of the file, or NULL */
    size_t map_len;
    void *own[6];            /* buffers of a built index */
};

/* Letter + 1 (order ARNDCQEGHILKMFPSTWYV) of an upper- or lower-case residue, 0 outside. */
extern const unsigned char pai_ix_letter[256];
/* Offsets read by the seed of weight k (k of them, increasing). */
const unsigned char *pai_ix_seed(int k);

/* Seed codes of s[0, n): code[i] for the spaced seed starting at i (ix->span residues, of
 * which ix->k are read), UINT32_MAX where a letter is outside the alphabet. Returns the
 * number of starts (n - span + 1, or 0). */
size_t pai_ix_seed_codes(const pa_refindex *ix, const char *s, size_t n, uint32_t *code);
/* Seed length of weight k. */
int pai_ix_span(int k);

/* Karlin-Altschul parameters of one matrix and gap cost. */
typedef struct {
    double lambda, k, alpha, beta;
} pai_karlin;
int pai_karlin_init(pai_karlin *ka, const char *matrix, int gap_open, int gap_extend);
double pai_length_adjust(const pai_karlin *ka, double m, double n, double nseq);
/* Effective search space m' * n'. */
double pai_search_space(const pai_karlin *ka, double m, double n, double nseq);
double pai_bits(const pai_karlin *ka, double score);
double pai_evalue(const pai_karlin *ka, double score, double space);

/* pa_refindex_search on the calling thread only, without an executor: for callers that
 * already run on an executor's worker (the pipeline's map stage). */
int pai_refindex_search_here(const pa_refindex *ix, const pa_seqlist *queries,
                             const pa_search_opts *opts, pa_refhits **hits);
/* Digest of the index content (names and residues) and k, for cache keys. */
uint64_t pai_refindex_digest(const pa_refindex *ix);

/* Fuzzing aid: recompute the checksums of an index image in place (when its header sizes
 * fit), so that mutations reach the structural checks behind them. 0 or -1. */
int pai_refindex_reseal(unsigned char *buf, size_t size);

/* Composition-based statistics (compo.c). Compositions are PAI_IX_ALPHA frequencies in
 * pai_ix_letter's order. */
void pai_compo_background(double *p);
/* Residue frequencies of s[0, n) (other letters ignored), mixed with pseudocounts of the
 * background. */
void pai_compo_of(const char *s, size_t n, double *p);
/* Ungapped lambda of the 20 x 20 scores sc for compositions p and q (0: none exists). */
double pai_compo_lambda(const int16_t *sc, const double *p, const double *q);
/* mask[i] = 1 for positions of s[0, n) in a low-complexity window; returns how many. */
size_t pai_lowcomp_mask(const char *s, size_t n, unsigned char *mask);

/* Traceback of the global alignment of q[0, m) and t[0, n) (scores sc, 256 x 256; a gap
 * of k costs go + k * ge) in the band of diagonals from the corners' less margin to the
 * corners' plus margin, when its score is `score` (the known best local score of a hit
 * spanning exactly this rectangle): 0 and *out (coordinates 0..m, 0..n; score, cigar,
 * length, matches, identity). 1 when the band misses that score or would take more than
 * 64 MiB; negative on error. */
int pai_banded_trace(const int16_t *sc, const char *q, int64_t m, const char *t, int64_t n,
                     int go, int ge, int64_t margin, int64_t score, pa_alignment *out);

/* Reference holding global offset g (offsets inside a sequence or at its NUL). */
size_t pai_ix_ref_of(const pa_refindex *ix, uint64_t g);
/* The same knowing that seq_off[lo] <= g < seq_off[hi]. */
static inline size_t pai_ix_ref_between(const pa_refindex *ix, uint64_t g, size_t lo, size_t hi)
{
    while (hi - lo > 1) { /* the last i with seq_off[i] <= g */
        size_t mid = lo + (hi - lo) / 2;
        if (ix->seq_off[mid] <= g)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

#endif
