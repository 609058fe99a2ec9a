/* bench_cif.c — time the CIF tokenizer/block parser and the full mmCIF reader on
 * files already in memory, single-threaded.
 * usage: bench_cif REPEATS FILE...
 * Prints one line per file: "file=F bytes=B tokenize=S read=S atoms=N" with the
 * best-of-REPEATS seconds; bench_cif.py compares them with gemmi in the same run. */
#include "structure/cif.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Handler that takes every category and touches every row (what a reader pays
 * for tokenizing, without building a model). */
static int all_begin(void *ud, pai_str c, const pai_str *it, size_t n, int loop, long line)
{
    (void)ud, (void)c, (void)it, (void)n, (void)loop, (void)line;
    return 1;
}
static int all_row(void *ud, const pai_cif_tok *v)
{
    *(size_t *)ud += v[0].n;
    return 0;
}
static int all_end(void *ud)
{
    (void)ud;
    return 0;
}

static double time_tokenize(const char *buf, size_t n)
{
    size_t sink = 0;
    pai_cif_scratch s = {0};
    pai_cif_handler h = {&sink, all_begin, all_row, all_end};
    double t0 = now();
    pai_cif_lexer lx;
    pai_cif_lexer_init(&lx, buf, n, 0, NULL, "");
    pai_str name;
    while (pai_cif_parse_block(&lx, &h, &s, &name) == 0)
        ;
    double t = now() - t0;
    pai_cif_scratch_free(&s);
    return sink == (size_t)-1 ? 0 : t;
}

static double time_read(const char *buf, size_t n, size_t *atoms)
{
    double t0 = now();
    pa_structure *s;
    *atoms = 0;
    if (pa_structure_read_memory(buf, n, "bench.cif", NULL, &s, NULL) == 0) {
        pa_atom_columns a;
        pa_structure_atoms(s, &a);
        *atoms = a.n;
        pa_structure_free(s);
    }
    return now() - t0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_cif REPEATS FILE...\n");
        return 2;
    }
    int reps = atoi(argv[1]) > 0 ? atoi(argv[1]) : 1;
    for (int i = 2; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            return 1;
        }
        fseek(f, 0, SEEK_END);
        size_t n = (size_t)ftell(f);
        fseek(f, 0, SEEK_SET);
        char *buf = malloc(n + 1);
        if (!buf || fread(buf, 1, n, f) != n) {
            fclose(f);
            return 1;
        }
        buf[n] = '\0';
        fclose(f);
        double bt = 1e300, br = 1e300;
        size_t atoms = 0;
        for (int r = 0; r < reps; r++) {
            double t = time_tokenize(buf, n);
            bt = t < bt ? t : bt;
            t = time_read(buf, n, &atoms);
            br = t < br ? t : br;
        }
        printf("file=%s bytes=%zu tokenize=%.6f read=%.6f atoms=%zu\n", argv[i], n, bt, br, atoms);
        free(buf);
    }
    return 0;
}
