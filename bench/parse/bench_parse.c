/* bench_parse.c — time reading structure files and extracting their chain sequences
 * with libpanalyzer on one thread.
 * usage: bench_parse LIST [REPEATS]   (LIST: one path per line)
 * Prints "files=N bytes=B seconds=S chains=C failed=F" for the best of REPEATS passes
 * (bytes = on-disk sizes). Files that fail to read are counted, not timed separately. */
#include <panalyzer.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* One pass over every file: read all models, extract model-1 sequences. */
static double pass(char **paths, size_t n, size_t *chains, size_t *failed)
{
    double t0 = now();
    *chains = *failed = 0;
    for (size_t i = 0; i < n; i++) {
        pa_structure *s;
        if (pa_structure_read(paths[i], NULL, &s, NULL) != 0) {
            (*failed)++;
            continue;
        }
        pa_seqset *q;
        if (pa_sequence_extract(s, NULL, &q) == 0) {
            *chains += pa_seqset_count(q);
            pa_seqset_free(q);
        }
        pa_structure_free(s);
    }
    return now() - t0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_parse LIST [REPEATS]\n");
        return 2;
    }
    int reps = argc > 2 ? atoi(argv[2]) : 3;
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    char **paths = NULL, line[4096];
    size_t n = 0, cap = 0;
    long long bytes = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0])
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            paths = realloc(paths, cap * sizeof *paths);
        }
        struct stat st;
        if (stat(line, &st) == 0)
            bytes += st.st_size;
        paths[n++] = strdup(line);
    }
    fclose(f);
    double best = 1e300;
    size_t chains = 0, failed = 0;
    for (int r = 0; r < (reps > 0 ? reps : 1); r++) {
        double t = pass(paths, n, &chains, &failed);
        if (t < best)
            best = t;
    }
    printf("files=%zu bytes=%lld seconds=%.6f chains=%zu failed=%zu\n", n, bytes, best, chains,
           failed);
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    return 0;
}
