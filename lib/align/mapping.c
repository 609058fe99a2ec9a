/* mapping.c — observed residues onto a full sequence (SEQRES, entity, UniProt) by
 * alignment: global on the observed side, free end gaps on the reference side. */
#include "align/align_int.h"
#include "panalyzer/sequence.h"
#include "panalyzer/structure.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int pa_map_sequences(const char *observed, size_t olen, const char *reference, size_t rlen,
                     const pa_map_opts *opts, int64_t *obs_to_ref, pa_map_stats *stats)
{
    pa_map_opts def = PA_MAP_OPTS_INIT;
    opts = opts ? opts : &def;
    if ((!observed && olen) || (!reference && rlen) || (observed && *observed && !obs_to_ref))
        return pai_error(PA_EINVAL, "pa_map_sequences: NULL argument");
    if (opts->version < 1 || opts->version > PA_MAP_OPTS_VERSION)
        return pai_error(PA_EINVAL, "pa_map_opts: unknown version %u", opts->version);
    observed = observed ? observed : "";
    reference = reference ? reference : "";
    olen = olen ? olen : strlen(observed);
    rlen = rlen ? rlen : strlen(reference);
    if (stats)
        memset(stats, 0, sizeof *stats);
    for (size_t i = 0; i < olen; i++)
        obs_to_ref[i] = -1;
    pa_align_opts o = PA_ALIGN_OPTS_INIT;
    o.mode = PA_ALIGN_SEMI;
    o.free_ends = PA_FREE_QUERY_START | PA_FREE_QUERY_END; /* unobserved termini are free */
    o.matrix = opts->matrix;
    o.gap_open = opts->gap_open;
    o.gap_extend = opts->gap_extend;
    o.traceback = 1;
    pa_alignment a;
    int rc = pa_align(observed, olen, reference, rlen, &o, &a);
    if (rc)
        return rc;
    int64_t i = a.qstart, j = a.tstart, mapped = 0, same = 0;
    for (const char *c = a.cigar; *c;) {
        char *e;
        long k = strtol(c, &e, 10);
        char op = *e;
        c = e + 1;
        for (long x = 0; x < k; x++) {
            if (op == '=' || op == 'X') {
                obs_to_ref[i] = j;
                mapped++;
                same += toupper((unsigned char)observed[i]) == toupper((unsigned char)reference[j]);
                i++, j++;
            } else if (op == 'I') {
                i++;
            } else {
                j++;
            }
        }
    }
    if (stats) {
        size_t rl = rlen;
        stats->mapped = mapped;
        stats->identical = same;
        stats->identity = mapped ? (double)same / (double)mapped : 0.0;
        stats->coverage = rl ? (double)mapped / (double)rl : 0.0;
        stats->score = a.score;
    }
    pa_alignment_clear(&a);
    return 0;
}

void pa_map_free(int64_t *map) { pai_free(map); }

int pa_map_chain_to_reference(const pa_structure *s, size_t chain, const char *reference,
                              size_t rlen, const pa_map_opts *opts, int64_t **map, size_t *n,
                              pa_map_stats *stats)
{
    if (!s || !map || !n || (!reference && rlen))
        return pai_error(PA_EINVAL, "pa_map_chain_to_reference: NULL argument");
    *map = NULL;
    *n = 0;
    if (stats)
        memset(stats, 0, sizeof *stats);
    pa_chain_info ci;
    int rc = pa_structure_chain(s, chain, &ci);
    if (rc)
        return rc;
    int64_t *out = pai_malloc((ci.residue_count ? ci.residue_count : 1) * sizeof *out);
    if (!out)
        return pai_error(PA_ENOMEM, "out of memory");
    for (uint32_t r = 0; r < ci.residue_count; r++)
        out[r] = -1;
    pa_seqset_opts so = PA_SEQSET_OPTS_INIT;
    so.all_models = 1;
    pa_seqset *set = NULL;
    int64_t *o2r = NULL;
    if ((rc = pa_sequence_extract(s, &so, &set)))
        goto fail;
    for (size_t k = 0; k < pa_seqset_count(set); k++) {
        pa_chain_seq cs;
        if ((rc = pa_seqset_get(set, k, &cs)))
            goto fail;
        if (cs.chain != chain || !cs.n_observed)
            continue;
        if (!(o2r = pai_malloc(cs.n_observed * sizeof *o2r))) {
            rc = pai_error(PA_ENOMEM, "out of memory");
            goto fail;
        }
        if ((rc = pa_map_sequences(cs.observed, cs.n_observed, reference ? reference : "",
                                   reference && !rlen ? strlen(reference) : rlen, opts, o2r, stats)))
            goto fail;
        for (size_t x = 0; x < cs.n_observed; x++) {
            uint32_t r = cs.residue[x];
            if (r >= ci.residue_begin && r - ci.residue_begin < ci.residue_count)
                out[r - ci.residue_begin] = o2r[x];
        }
        break;
    }
    pai_free(o2r);
    pa_seqset_free(set);
    *map = out;
    *n = ci.residue_count;
    return 0;
fail:
    pai_free(o2r);
    pa_seqset_free(set);
    pai_free(out);
    return rc;
}
