/* stats.c — Karlin-Altschul statistics: NCBI BLAST's published gapped parameters
 * (lambda, K, alpha, beta per matrix and gap cost; Altschul et al. 2001, NAR 29:351)
 * and BLAST's length adjustment for the edge effect (the database size correction).
 * BLOSUM80 is left out: BLAST tabulates its half-bit matrix, the built-in one is in
 * 1/3-bit units, so those parameters would give wrong E-values. */
#include "refindex_int.h"

#include <math.h>
#include <strings.h>

typedef struct {
    const char *matrix;
    int open, extend;
    double lambda, k, alpha, beta;
} karlin_row;

static const karlin_row karlin[] = {
    {"BLOSUM62", 11, 2, 0.297, 0.082, 1.1, -10}, {"BLOSUM62", 10, 2, 0.291, 0.075, 1.3, -15},
    {"BLOSUM62", 9, 2, 0.279, 0.058, 1.5, -19},  {"BLOSUM62", 8, 2, 0.264, 0.045, 1.8, -26},
    {"BLOSUM62", 7, 2, 0.239, 0.027, 2.5, -46},  {"BLOSUM62", 6, 2, 0.201, 0.012, 3.3, -58},
    {"BLOSUM62", 13, 1, 0.292, 0.071, 1.2, -11}, {"BLOSUM62", 12, 1, 0.283, 0.059, 1.5, -19},
    {"BLOSUM62", 11, 1, 0.267, 0.041, 1.9, -30}, {"BLOSUM62", 10, 1, 0.243, 0.024, 2.5, -44},
    {"BLOSUM62", 9, 1, 0.206, 0.010, 4.0, -87},
    {"BLOSUM45", 13, 3, 0.207, 0.049, 1.5, -22}, {"BLOSUM45", 12, 3, 0.199, 0.039, 1.8, -34},
    {"BLOSUM45", 11, 3, 0.190, 0.031, 2.0, -38}, {"BLOSUM45", 10, 3, 0.179, 0.023, 2.4, -51},
    {"BLOSUM45", 16, 2, 0.210, 0.051, 1.5, -24}, {"BLOSUM45", 15, 2, 0.203, 0.041, 1.7, -31},
    {"BLOSUM45", 14, 2, 0.195, 0.032, 1.9, -36}, {"BLOSUM45", 13, 2, 0.185, 0.024, 2.2, -45},
    {"BLOSUM45", 12, 2, 0.171, 0.016, 2.8, -65}, {"BLOSUM45", 19, 1, 0.205, 0.040, 1.9, -43},
    {"BLOSUM45", 18, 1, 0.198, 0.032, 2.0, -43}, {"BLOSUM45", 17, 1, 0.189, 0.024, 2.4, -57},
    {"BLOSUM45", 16, 1, 0.176, 0.016, 2.8, -67},
    {"BLOSUM50", 13, 3, 0.212, 0.063, 1.1, -16}, {"BLOSUM50", 12, 3, 0.206, 0.055, 1.2, -18},
    {"BLOSUM50", 11, 3, 0.197, 0.042, 1.4, -25}, {"BLOSUM50", 10, 3, 0.186, 0.031, 1.7, -34},
    {"BLOSUM50", 9, 3, 0.172, 0.022, 2.1, -48},  {"BLOSUM50", 16, 2, 0.215, 0.066, 1.05, -15},
    {"BLOSUM50", 15, 2, 0.210, 0.058, 1.2, -20}, {"BLOSUM50", 14, 2, 0.202, 0.045, 1.4, -27},
    {"BLOSUM50", 13, 2, 0.193, 0.035, 1.6, -32}, {"BLOSUM50", 12, 2, 0.181, 0.025, 1.9, -41},
    {"BLOSUM50", 19, 1, 0.212, 0.057, 1.2, -21}, {"BLOSUM50", 18, 1, 0.207, 0.050, 1.4, -28},
    {"BLOSUM50", 17, 1, 0.198, 0.037, 1.6, -33}, {"BLOSUM50", 16, 1, 0.186, 0.025, 1.9, -42},
    {"BLOSUM50", 15, 1, 0.171, 0.015, 2.7, -76},
    {"BLOSUM90", 9, 2, 0.310, 0.12, 0.67, -6},    {"BLOSUM90", 8, 2, 0.300, 0.099, 0.76, -7},
    {"BLOSUM90", 7, 2, 0.283, 0.072, 0.93, -11},  {"BLOSUM90", 6, 2, 0.259, 0.048, 1.2, -16},
    {"BLOSUM90", 11, 1, 0.302, 0.093, 0.78, -8},  {"BLOSUM90", 10, 1, 0.290, 0.075, 1.04, -15},
    {"BLOSUM90", 9, 1, 0.265, 0.044, 1.3, -19},
    {"PAM250", 15, 3, 0.205, 0.049, 1.6, -23},    {"PAM250", 14, 3, 0.200, 0.043, 1.7, -26},
    {"PAM250", 13, 3, 0.194, 0.036, 1.9, -31},    {"PAM250", 12, 3, 0.186, 0.029, 2.2, -41},
    {"PAM250", 11, 3, 0.174, 0.020, 2.5, -48},    {"PAM250", 17, 2, 0.204, 0.047, 1.7, -28},
    {"PAM250", 16, 2, 0.198, 0.038, 1.8, -29},    {"PAM250", 15, 2, 0.191, 0.031, 2.2, -44},
    {"PAM250", 14, 2, 0.182, 0.024, 2.5, -53},    {"PAM250", 13, 2, 0.171, 0.017, 2.9, -64},
    {"PAM250", 21, 1, 0.205, 0.045, 1.8, -34},    {"PAM250", 20, 1, 0.199, 0.037, 1.9, -35},
    {"PAM250", 19, 1, 0.192, 0.029, 2.3, -52},    {"PAM250", 18, 1, 0.183, 0.021, 2.6, -60},
    {"PAM250", 17, 1, 0.171, 0.014, 3.3, -86},
    {"PAM30", 7, 2, 0.305, 0.15, 0.35, -3},       {"PAM30", 6, 2, 0.287, 0.11, 0.42, -4},
    {"PAM30", 5, 2, 0.264, 0.079, 0.59, -7},      {"PAM30", 10, 1, 0.309, 0.15, 0.35, -3},
    {"PAM30", 9, 1, 0.294, 0.11, 0.48, -6},       {"PAM30", 8, 1, 0.270, 0.072, 0.68, -10},
    {"PAM70", 8, 2, 0.301, 0.12, 0.56, -5},       {"PAM70", 7, 2, 0.286, 0.093, 0.67, -7},
    {"PAM70", 6, 2, 0.264, 0.064, 0.90, -12},     {"PAM70", 11, 1, 0.305, 0.12, 0.59, -6},
    {"PAM70", 10, 1, 0.291, 0.091, 0.71, -9},     {"PAM70", 9, 1, 0.270, 0.060, 0.97, -14},
};

int pa_karlin_params(const char *matrix, int gap_open, int gap_extend, double *lambda,
                     double *k, double *alpha, double *beta)
{
    if (!matrix)
        return pai_error(PA_EINVAL, "pa_karlin_params: NULL matrix");
    for (size_t i = 0; i < sizeof karlin / sizeof karlin[0]; i++) {
        const karlin_row *r = &karlin[i];
        if (strcasecmp(r->matrix, matrix) || r->open != gap_open || r->extend != gap_extend)
            continue;
        if (lambda)
            *lambda = r->lambda;
        if (k)
            *k = r->k;
        if (alpha)
            *alpha = r->alpha;
        if (beta)
            *beta = r->beta;
        return 0;
    }
    return pai_error(PA_EUNSUPPORTED,
                     "no published Karlin-Altschul parameters for %s with gaps %d/%d", matrix,
                     gap_open, gap_extend);
}

int pai_karlin_init(pai_karlin *ka, const char *matrix, int gap_open, int gap_extend)
{
    return pa_karlin_params(matrix, gap_open, gap_extend, &ka->lambda, &ka->k, &ka->alpha,
                            &ka->beta);
}

/* BLAST's length adjustment: the expected length l of an HSP, the fixed point of
 * l = alpha/lambda * ln(K (m - l)(n - N l)) + beta, kept so that both effective lengths
 * stay at least 1/K. Iterated a bounded number of times (it converges in a few). */
double pai_length_adjust(const pai_karlin *ka, double m, double n, double nseq)
{
    if (m <= 0 || n <= 0 || nseq <= 0)
        return 0;
    double lmax = m - 1.0 / ka->k;
    double l2 = (n - 1.0 / ka->k) / nseq;
    lmax = lmax < l2 ? lmax : l2;
    if (lmax <= 0)
        return 0;
    double l = 0;
    for (int it = 0; it < 30; it++) {
        double v = ka->alpha / ka->lambda * log(ka->k * (m - l) * (n - nseq * l)) + ka->beta;
        v = v < 0 ? 0 : v > lmax ? lmax : v;
        if (fabs(v - l) < 0.5) {
            l = v;
            break;
        }
        l = v;
    }
    return floor(l);
}

double pai_search_space(const pai_karlin *ka, double m, double n, double nseq)
{
    double l = pai_length_adjust(ka, m, n, nseq);
    double em = m - l, en = n - nseq * l;
    em = em < 1 ? 1 : em;
    en = en < 1 ? 1 : en;
    return em * en;
}

double pai_bits(const pai_karlin *ka, double score)
{
    return (ka->lambda * score - log(ka->k)) / log(2.0);
}

double pai_evalue(const pai_karlin *ka, double score, double space)
{
    return ka->k * space * exp(-ka->lambda * score);
}

double pa_evalue(const char *matrix, int gap_open, int gap_extend, int64_t score, uint64_t m,
                 uint64_t n, uint64_t nseq)
{
    pai_karlin ka;
    if (pai_karlin_init(&ka, matrix ? matrix : "BLOSUM62", gap_open, gap_extend) < 0)
        return -1.0;
    double space = pai_search_space(&ka, (double)m, (double)n, (double)nseq);
    return pai_evalue(&ka, (double)score, space);
}
