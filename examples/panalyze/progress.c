/* progress.c — see progress.h. */
#include "progress.h"

#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void progress_init(progress *p, int force, int quiet)
{
    *p = (progress){0};
    p->quiet = quiet;
    p->mode = quiet ? PROG_OFF : isatty(STDERR_FILENO) ? PROG_TTY : force ? PROG_LINES : PROG_OFF;
    p->t0 = p->last = now_ns();
}

void progress_total(progress *p, size_t total, int known)
{
    p->total = total;
    p->total_known = known;
}

static void draw(const progress *p, uint64_t now)
{
    double s = (double)(now - p->t0) / 1e9, rate = s > 0 ? (double)p->done / s : 0;
    char eta[32] = "";
    if (p->total_known && rate > 0)
        snprintf(eta, sizeof eta, "  ETA %.0f s", (double)(p->total - p->done) / rate);
    fprintf(stderr, "%s%zu/%zu%s files  %.0f files/s%s  %zu failed%s",
            p->mode == PROG_TTY ? "\r" : "", p->done, p->total, p->total_known ? "" : "+", rate,
            eta, p->failed, p->mode == PROG_TTY ? "\033[K" : "\n");
}

void progress_file(progress *p, const pa_result *r)
{
    pa_result_summary s;
    p->done++;
    if (pa_result_status(r) < 0)
        p->failed++;
    else if (pa_result_summary_get(r, &s) == 0) {
        p->chains += pa_result_chain_count(r);
        p->residues += s.residues;
    }
    if (p->done > p->total)
        p->total = p->done;
    if (p->mode == PROG_OFF)
        return;
    uint64_t t = now_ns(), every = p->mode == PROG_TTY ? 100000000u : 1000000000u;
    if (t - p->last >= every) {
        p->last = t;
        draw(p, t);
    }
}

void progress_clear(const progress *p)
{
    if (p->mode == PROG_TTY)
        fputs("\r\033[K", stderr);
}

static void stage_lines(const char *cmd, const pa_metrics *m)
{
    for (size_t i = 0; m && i < pa_metrics_stage_count(m); i++) {
        const char *name = pa_metrics_stage_name(m, i);
        pa_stage_stats st;
        if (!name || pa_metrics_stage(m, name, &st) != 0)
            continue;
        fprintf(stderr, "%s:   %-12s %8llu files  p50 %.3f ms  p95 %.3f ms  p99 %.3f ms\n", cmd,
                name, (unsigned long long)st.count, st.p50_ns / 1e6, st.p95_ns / 1e6,
                st.p99_ns / 1e6);
    }
}

void progress_finish(progress *p, const char *cmd, const pa_metrics *m, int sig)
{
    uint64_t t = now_ns();
    if (p->mode != PROG_OFF) {
        draw(p, t);
        if (p->mode == PROG_TTY)
            fputc('\n', stderr);
    }
    if (p->quiet)
        return;
    double s = (double)(t - p->t0) / 1e9;
    if (sig)
        fprintf(stderr, "%s: interrupted by %s after %zu files (rerun with --output FILE "
                        "--resume to finish)\n",
                cmd, sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal", p->done);
    fprintf(stderr,
            "%s: %zu files: %zu read, %zu failed; %zu chains, %zu residues; %.2f s "
            "(%.0f files/s)\n",
            cmd, p->done, p->done - p->failed, p->failed, p->chains, p->residues, s,
            s > 0 ? p->done / s : 0.0);
    stage_lines(cmd, m);
}
