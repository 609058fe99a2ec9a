/* compo.c — composition-based statistics and low-complexity masking.
 *
 * Composition: Karlin-Altschul statistics assume residues drawn from the background
 * frequencies the matrix was built for. Two sequences rich in the same few residues
 * (shuffled Gly/Tyr-rich proteins, poly-His, Pro/Ser linkers) score far above chance under
 * that assumption. As BLAST's composition-based statistics (Schaffer et al. 2001, mode 1)
 * do, the ungapped lambda' of the matrix for the pair's own compositions (the root of
 * sum_ij p_i q_j exp(lambda' s_ij) = 1) rescales the score: S' = S * lambda' / lambda_bg,
 * never upwards.
 *
 * Masking: a query window of SEG_W residues whose Shannon entropy is below SEG_BITS bits
 * is low complexity (the SEG trigger of Wootton and Federhen, simplified: no extension
 * or optimisation of the segment); its positions seed no k-mer. */
#include "refindex_int.h"

#include <math.h>
#include <string.h>

#define PSEUDO 20.0     /* background residues mixed into a composition */
#define SEG_W 12        /* masking window */
#define SEG_BITS 2.2    /* entropy below which a window is masked (SEG's trigger) */

/* Robinson & Robinson (1991) frequencies, the order of pai_ix_letter (ARNDCQEGHILKMFPSTWYV). */
static const double BG[PAI_IX_ALPHA] = {
    0.07805, 0.05129, 0.04487, 0.05364, 0.01925, 0.04264, 0.06295, 0.07377, 0.02199, 0.05142,
    0.09019, 0.05744, 0.02243, 0.03856, 0.05203, 0.07120, 0.05841, 0.01330, 0.03216, 0.06441};

void pai_compo_background(double *p)
{
    double sum = 0;
    for (int i = 0; i < PAI_IX_ALPHA; i++)
        sum += BG[i];
    for (int i = 0; i < PAI_IX_ALPHA; i++)
        p[i] = BG[i] / sum;
}

void pai_compo_of(const char *s, size_t n, double *p)
{
    size_t cnt[PAI_IX_ALPHA] = {0}, tot = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned l = pai_ix_letter[(unsigned char)s[i]];
        if (l) {
            cnt[l - 1]++;
            tot++;
        }
    }
    double bg[PAI_IX_ALPHA];
    pai_compo_background(bg);
    for (int i = 0; i < PAI_IX_ALPHA; i++)
        p[i] = ((double)cnt[i] + PSEUDO * bg[i]) / ((double)tot + PSEUDO);
}

/* sum_s w[s - lo] x^s - 1 for x = exp(lambda). */
static double moment(const double *w, int lo, int hi, double lambda)
{
    double f = 0;
    for (int s = lo; s <= hi; s++)
        if (w[s - lo] > 0)
            f += w[s - lo] * exp(lambda * s);
    return f - 1;
}

/* Ungapped lambda of scores sc (20 x 20, index letters) for compositions p and q; 0 when
 * the expected score is not negative (no positive root). Bisection: deterministic. */
double pai_compo_lambda(const int16_t *sc, const double *p, const double *q)
{
    enum { LO = -64, HI = 64 };
    double w[HI - LO + 1] = {0}, mean = 0;
    int lo = HI, hi = LO;
    for (int i = 0; i < PAI_IX_ALPHA; i++)
        for (int j = 0; j < PAI_IX_ALPHA; j++) {
            int s = sc[i * PAI_IX_ALPHA + j];
            s = s < LO ? LO : s > HI ? HI : s;
            w[s - LO] += p[i] * q[j];
            mean += p[i] * q[j] * s;
            lo = s < lo ? s : lo;
            hi = s > hi ? s : hi;
        }
    if (mean >= 0 || hi <= 0)
        return 0;
    double a = 0, b = 0.5;
    for (int it = 0; it < 60 && moment(w + (lo - LO), lo, hi, b) < 0; it++)
        b *= 2;
    for (int it = 0; it < 60; it++) {
        double m = 0.5 * (a + b);
        if (moment(w + (lo - LO), lo, hi, m) < 0)
            a = m;
        else
            b = m;
    }
    return 0.5 * (a + b);
}

/* Shannon entropy (bits) of a window's counts. */
static double entropy(const int *cnt, int n)
{
    double h = 0;
    for (int i = 0; i < PAI_IX_ALPHA; i++)
        if (cnt[i]) {
            double f = (double)cnt[i] / n;
            h -= f * log2(f);
        }
    return h;
}

size_t pai_lowcomp_mask(const char *s, size_t n, unsigned char *mask)
{
    memset(mask, 0, n);
    if (n < SEG_W)
        return 0;
    int cnt[PAI_IX_ALPHA] = {0}, other = 0;
    size_t masked = 0, upto = 0; /* positions [.., upto) already marked */
    for (size_t i = 0; i < n; i++) {
        unsigned l = pai_ix_letter[(unsigned char)s[i]];
        l ? cnt[l - 1]++ : other++;
        if (i >= SEG_W) {
            unsigned o = pai_ix_letter[(unsigned char)s[i - SEG_W]];
            o ? cnt[o - 1]-- : other--;
        }
        if (i + 1 < SEG_W || other || entropy(cnt, SEG_W) >= SEG_BITS)
            continue;
        for (size_t j = i + 1 - SEG_W > upto ? i + 1 - SEG_W : upto; j <= i; j++)
            mask[j] = 1, masked++;
        upto = i + 1;
    }
    return masked;
}
