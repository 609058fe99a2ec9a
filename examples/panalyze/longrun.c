/* longrun.c — see longrun.h. */
#include "longrun.h"
#include "signals.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char longrun_help[] =
    "  --progress         progress lines on stderr even when it is not a terminal\n"
    "  --quiet            no progress and no end-of-run summary\n"
    "  --output FILE      write the records to FILE (each record whole or absent)\n"
    "  --resume           with --output: skip the files whose records FILE holds, append\n"
    "                     the rest (an interrupted run finished with --resume has exactly\n"
    "                     the rows of an uninterrupted one)\n"
    "  --max-memory SIZE  admit files while their estimated memory fits SIZE (K/M/G\n"
    "                     suffixes, binary); a larger file runs alone, with a warning\n"
    "SIGINT/SIGTERM stop the run after the records in flight (exit 130/143); a second\n"
    "signal exits at once.\n";

size_t longrun_parse_size(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    double mul = 1;
    switch (*end) {
    case 'k': case 'K': mul = 1024.0; end++; break;
    case 'm': case 'M': mul = 1024.0 * 1024; end++; break;
    case 'g': case 'G': mul = 1024.0 * 1024 * 1024; end++; break;
    case 't': case 'T': mul = 1024.0 * 1024 * 1024 * 1024; end++; break;
    default: break;
    }
    if (mul > 1 && (!strcasecmp(end, "iB") || !strcasecmp(end, "B")))
        end += strlen(end);
    if (end == s || *end || !(v >= 1) || v * mul > 1e18)
        return 0;
    return (size_t)(v * mul);
}

int longrun_parse_opt(longrun *l, const char *cmd, int argc, char **argv, int *i)
{
    const char *o = argv[*i];
    if (!strcmp(o, "--progress"))
        l->force_progress = 1;
    else if (!strcmp(o, "--quiet"))
        l->quiet = 1;
    else if (!strcmp(o, "--resume"))
        l->resume = 1;
    else if (strcmp(o, "--output") && strcmp(o, "--max-memory"))
        return 0;
    else if (*i + 1 >= argc) {
        fprintf(stderr, "%s: %s needs a value\n", cmd, o);
        return -1;
    } else if (!strcmp(o, "--output")) {
        l->output = argv[++*i];
    } else if (!(l->max_memory = longrun_parse_size(argv[++*i]))) {
        fprintf(stderr, "%s: --max-memory expects a size such as 512M or 2G, got '%s'\n", cmd,
                argv[*i]);
        return -1;
    }
    return 1;
}

/* The library's warnings (a file over the memory budget, a bad cache entry). */
static void log_warning(void *ud, pa_log_level level, const char *msg)
{
    const longrun *l = ud;
    progress_clear(&l->prog);
    fprintf(stderr, "panalyze: %s: %s\n", level >= PA_LOG_ERROR ? "error" : "warning", msg);
}

int longrun_begin(longrun *l, const char *cmd, const char *header)
{
    if (l->resume && !l->output) {
        fprintf(stderr, "%s: --resume needs --output FILE\n", cmd);
        return -1;
    }
    if (output_open(cmd, l->output, l->resume, header, &l->done) < 0)
        return -1;
    if (pa_cancel_token_new(&l->tok) != 0)
        return -1;
    if (l->max_memory) /* big buffers from mmap, so that freeing them returns the memory */
        mallopt(M_MMAP_THRESHOLD, 1 << 20);
    pa_set_log_callback(log_warning, l, PA_LOG_WARN);
    sig_install(l->tok);
    progress_init(&l->prog, l->force_progress, l->quiet);
    return 0;
}

/* Drop the paths --resume found done; returns how many are left. */
static size_t skip_done(longrun *l, char **paths, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (out_set_has(l->done, paths[i])) {
            free(paths[i]);
            l->skipped++;
        } else {
            paths[k++] = paths[i];
        }
    }
    return k;
}

int longrun_pipeline(longrun *l, walk *w, pa_pipeline_opts *po, pa_result_fn fn, void *ctx,
                     pa_metrics *m)
{
    pa_executor *ex = NULL;
    pa_executor_opts eo = PA_EXECUTOR_OPTS_INIT;
    eo.threads = po->threads;
    int rc = pa_executor_new(&ex, &eo);
    po->cancel = l->tok;
    po->max_bytes = l->max_memory;
    char **paths = NULL;
    size_t cap = 0, found = 0, block = 256;
    while (rc == 0 && !sig_caught() && !walk_done(w)) {
        size_t n = 0;
        if (walk_next_block(w, &paths, &n, &cap, block) < 0) {
            rc = PA_ENOMEM;
            break;
        }
        found += n;
        n = skip_done(l, paths, n);
        progress_total(&l->prog, found - l->skipped, walk_done(w));
        if (n)
            rc = pa_pipeline_run(ex, (const char *const *)paths, n, po, fn, ctx, m);
        for (size_t i = 0; i < n; i++)
            free(paths[i]);
        block = block < 16384 ? 2 * block : block; /* fewer drains as the run goes on */
    }
    free(paths);
    pa_executor_free(ex);
    return sig_caught() ? 0 : rc;
}

void longrun_result(longrun *l, const pa_result *r)
{
    fflush(stdout);
    progress_file(&l->prog, r);
}

int longrun_end(longrun *l, const char *cmd, const pa_metrics *m, int status)
{
    fflush(stdout);
    if (l->skipped && !l->quiet)
        fprintf(stderr, "%s: --resume: %zu files already in %s\n", cmd, l->skipped, l->output);
    progress_finish(&l->prog, cmd, m, sig_caught());
    status = sig_end(status);
    pa_set_log_callback(NULL, NULL, PA_LOG_WARN);
    pa_cancel_token_free(l->tok);
    out_set_free(l->done);
    return status;
}
