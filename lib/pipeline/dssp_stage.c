/* dssp_stage.c — the pipeline's "dssp" stage: DSSP once per model that has
 * protein chains, then each chain's ss8 (aligned with its observed residues) and,
 * when the "ss" stage predicted one, the Q3 of that prediction. */
#include "panalyzer/dssp.h"
#include "pipeline_int.h"

#include <string.h>

/* Q3 over the residues DSSP assessed (a residue left out is not counted). */
static void q3_counts(const pa_dssp *d, const pa_chain_seq *c, const char *pred, const char *ss8,
                      size_t *correct, size_t *compared)
{
    *correct = *compared = 0;
    for (size_t j = 0; j < c->n_observed; j++) {
        if (pa_dssp_find(d, c->residue[j]) < 0)
            continue;
        (*compared)++;
        *correct += pred[j] == pa_dssp_ss3(ss8[j]);
    }
}

static int chain_dssp(pa_result *r, size_t i, const pa_dssp *d)
{
    pa_chain_seq c;
    int rc = pa_result_chain(r, i, &c);
    char *ss8 = rc == 0 ? pai_malloc(c.n_observed + 1) : NULL;
    if (rc == 0 && !ss8)
        return PA_ENOMEM;
    if (rc == 0)
        rc = pa_dssp_chain_ss8(d, &c, ss8, c.n_observed + 1);
    const char *pred = pa_result_chain_ss(r, i);
    size_t correct = 0, compared = 0;
    if (rc == 0 && pred)
        q3_counts(d, &c, pred, ss8, &correct, &compared);
    if (rc == 0)
        rc = pai_result_set_chain_dssp(r, i, ss8, pred != NULL, correct, compared);
    pai_free(ss8);
    return rc;
}

static int is_protein(const pai_chain_rec *k) { return k->ptype == PA_POLY_PROTEIN && k->n_obs; }

/* Model index of a MODEL number (chains carry the number). */
static long model_index(const pa_structure *s, int number)
{
    for (size_t m = 0; m < pa_structure_model_count(s); m++) {
        pa_model_info mi;
        if (pa_structure_model(s, m, &mi) == 0 && mi.number == number)
            return (long)m;
    }
    return -1;
}

static int one_model(pai_work *w, int number)
{
    pa_result *r = w->result;
    long m = model_index(w->structure, number);
    if (m < 0)
        return 0;
    pa_dssp_opts o = PA_DSSP_OPTS_INIT;
    o.model = (unsigned)m;
    o.accessibility = 0; /* the letters do not depend on ACC */
    pa_dssp *d;
    int rc = pa_dssp_compute(w->structure, &o, &d, r->diags);
    for (size_t i = 0; rc == 0 && i < r->n_chains; i++)
        if (r->chains[i].model == number && is_protein(&r->chains[i]))
            rc = chain_dssp(r, i, d);
    pa_dssp_free(d);
    return rc;
}

int pai_stage_dssp(void *sctx, pai_work *w)
{
    (void)sctx;
    pa_result *r = w->result;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < r->n_chains; i++) {
        if (!is_protein(&r->chains[i]))
            continue;
        int seen = 0; /* first protein chain of its model: run that model */
        for (size_t k = 0; k < i && !seen; k++)
            seen = r->chains[k].model == r->chains[i].model && is_protein(&r->chains[k]);
        if (!seen)
            rc = one_model(w, r->chains[i].model);
    }
    if (rc < 0)
        pai_diag(r->diags, PA_SEV_ERROR, PA_D_OTHER, w->path, 0, 0, "dssp failed: %s",
                 pa_last_error());
    return rc;
}
