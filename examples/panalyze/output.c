/* output.c — see output.h. */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Open-addressing set of paths. */
struct out_set {
    char **slot;
    size_t cap, n;
};

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static size_t find(const out_set *s, const char *p)
{
    size_t i = fnv1a(p) & (s->cap - 1);
    while (s->slot[i] && strcmp(s->slot[i], p))
        i = (i + 1) & (s->cap - 1);
    return i;
}

static int set_add(out_set *s, char *p)
{
    if (2 * (s->n + 1) > s->cap) {
        out_set big = {calloc(s->cap ? 2 * s->cap : 1024, sizeof(char *)),
                       s->cap ? 2 * s->cap : 1024, 0};
        if (!big.slot)
            return -1;
        for (size_t i = 0; i < s->cap; i++)
            if (s->slot[i])
                big.slot[find(&big, s->slot[i])] = s->slot[i];
        big.n = s->n;
        free(s->slot);
        *s = big;
    }
    size_t i = find(s, p);
    if (s->slot[i]) {
        free(p);
        return 0;
    }
    s->slot[i] = p;
    s->n++;
    return 0;
}

int out_set_has(const out_set *s, const char *path)
{
    return s && s->n && s->slot[find(s, path)] != NULL;
}

size_t out_set_count(const out_set *s) { return s ? s->n : 0; }

void out_set_free(out_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->cap; i++)
        free(s->slot[i]);
    free(s->slot);
    free(s);
}

/* The path of a record line: TSV's first column, JSONL's leading "path" string
 * (unescaped). NULL when the line has none. */
static char *line_path(const char *line, int jsonl)
{
    if (!jsonl)
        return strndup(line, strcspn(line, "\t\n"));
    static const char key[] = "{\"path\":\"";
    if (strncmp(line, key, sizeof key - 1))
        return NULL;
    const char *s = line + sizeof key - 1;
    char *out = malloc(strlen(s) + 1), *o = out;
    for (; out && *s && *s != '"'; s++) {
        if (*s != '\\') {
            *o++ = *s;
        } else if (s[1] == 'u' && strlen(s) >= 6) {
            *o++ = (char)strtol((char[]){s[4], s[5], 0}, NULL, 16); /* only \u00XX is written */
            s += 5;
        } else if (s[1]) {
            *o++ = *++s;
        }
    }
    if (out && *s != '"') { /* cut inside the path */
        free(out);
        return NULL;
    }
    if (out)
        *o = '\0';
    return out;
}

typedef struct {
    out_set *set;
    off_t keep;      /* bytes to keep: up to the start of the last record */
    char *last;      /* path of the last record (redone) */
    int header_ok;   /* the file starts with the expected header */
    int empty;
} scan_state;

/* Read the existing records of f into st. 0 or -1 (out of memory). */
static int scan(FILE *f, const char *header, scan_state *st)
{
    char *line = NULL, *p;
    size_t cap = 0;
    ssize_t len;
    off_t pos = 0;
    int rc = 0, first = 1;
    st->empty = 1;
    while (rc == 0 && (len = getline(&line, &cap, f)) > 0) {
        off_t start = pos;
        pos += len;
        st->empty = 0;
        if (line[len - 1] != '\n') /* a cut line: dropped */
            break;
        if (first && header) {
            first = 0;
            st->header_ok = !strcmp(line, header);
            st->keep = pos;
            continue;
        }
        first = 0;
        if (!(p = line_path(line, header == NULL)))
            break;
        if (st->last && !strcmp(st->last, p)) { /* more rows of the same record */
            free(p);
            continue;
        }
        if (st->last)
            rc = set_add(st->set, st->last);
        st->last = p;
        st->keep = start;
    }
    free(line);
    if (!header)
        st->header_ok = 1;
    return rc;
}

static int redirect(const char *cmd, const char *file, int resume, off_t keep)
{
    int fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC | (resume ? 0 : O_TRUNC), 0644);
    if (fd < 0 || (resume && (ftruncate(fd, keep) < 0 || lseek(fd, 0, SEEK_END) < 0))) {
        fprintf(stderr, "%s: cannot write %s: %s\n", cmd, file, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    fflush(stdout);
    int rc = dup2(fd, STDOUT_FILENO) < 0 ? -1 : 0;
    close(fd);
    return rc;
}

/* Paths already in file; *keep: bytes to keep; *fresh: the header is missing. */
static int read_done(const char *cmd, const char *file, const char *header, out_set **done,
                     off_t *keep, int *fresh)
{
    FILE *f = fopen(file, "r");
    *fresh = 1;
    *keep = 0;
    if (!f)
        return errno == ENOENT ? 0 : (fprintf(stderr, "%s: cannot read %s: %s\n", cmd, file,
                                              strerror(errno)), -1);
    scan_state st = {.set = calloc(1, sizeof(out_set))};
    int rc = st.set ? scan(f, header, &st) : -1;
    fclose(f);
    free(st.last);
    if (rc == 0 && !st.empty && !st.header_ok) {
        fprintf(stderr, "%s: %s has other columns than this run writes: cannot resume it\n",
                cmd, file);
        rc = -1;
    }
    if (rc < 0) {
        out_set_free(st.set);
        return -1;
    }
    *done = st.set;
    *keep = st.keep;
    *fresh = st.keep == 0;
    return 0;
}

int output_open(const char *cmd, const char *file, int resume, const char *header,
                out_set **done)
{
    off_t keep = 0;
    int fresh = 1;
    *done = NULL;
    if (file && resume && read_done(cmd, file, header, done, &keep, &fresh) < 0)
        return -1;
    if (file && redirect(cmd, file, resume, keep) < 0) {
        out_set_free(*done);
        *done = NULL;
        return -1;
    }
    /* whole records: each is written by one flush (see cli_record_done) */
    static char buf[1 << 20];
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    if (header && fresh)
        fputs(header, stdout);
    fflush(stdout);
    return 0;
}
