/* walk.c — inputs as a stream of paths (see walk.h). */
#include "walk.h"
#include "signals.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    int list; /* 1: a --from list, 0: a FILE or DIR argument */
    char *s;
} source;

/* A --from list read with its own buffer, so that the walk can tell whether a
 * line is ready without blocking (a list on a pipe streams). */
typedef struct {
    int fd; /* -1: no list open */
    char *buf;
    size_t len, off, cap;
    int eof;
} line_reader;

typedef struct {
    char *dir;
    char **names; /* sorted; directories carry a trailing '/' */
    size_t n, i;
} frame;

struct walk {
    const char *cmd;
    source *src;
    size_t n_src, cap_src, next_src;
    char **inc, **exc;
    size_t n_inc, n_exc;
    line_reader list;
    frame *stack;
    size_t depth, cap_stack;
    size_t errors;
    int done, stopped;
};

const char walk_help[] =
    "  --include GLOB     take only files matching GLOB (repeatable; a GLOB with '/'\n"
    "                     matches the whole path, otherwise the file name)\n"
    "  --exclude GLOB     skip files and directories matching GLOB (repeatable)\n"
    "  --from LIST        read paths from LIST, one per line ('-' = stdin)\n"
    "  DIR arguments are walked recursively in sorted order, taking .pdb .ent .cif\n"
    "  .mmcif .xml .pdbml files, each optionally .gz or .zst.\n";

int walk_new(walk **out, const char *cmd)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return -1;
    (*out)->cmd = cmd;
    (*out)->list.fd = -1;
    return 0;
}

static void frame_free(frame *f)
{
    for (size_t i = f->i; i < f->n; i++)
        free(f->names[i]);
    free(f->names);
    free(f->dir);
}

void walk_free(walk *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->n_src; i++)
        free(w->src[i].s);
    free(w->src);
    free(w->inc);
    free(w->exc);
    if (w->list.fd > STDIN_FILENO)
        close(w->list.fd);
    free(w->list.buf);
    while (w->depth)
        frame_free(&w->stack[--w->depth]);
    free(w->stack);
    free(w);
}

/* Grow *arr (of elem-sized items) so that index n fits. 0 or -1. */
static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 16;
    void *p = realloc(*arr, nc * elem);
    if (!p)
        return -1;
    *arr = p;
    *cap = nc;
    return 0;
}

static int add_source(walk *w, int list, const char *s)
{
    if (grow((void **)&w->src, &w->cap_src, w->n_src, sizeof *w->src) < 0)
        return -1;
    char *d = strdup(s);
    if (!d)
        return -1;
    w->src[w->n_src++] = (source){list, d};
    return 0;
}

static int add_glob(char ***v, size_t *n, char *g)
{
    char **p = realloc(*v, (*n + 1) * sizeof *p);
    if (!p)
        return -1;
    p[(*n)++] = g;
    *v = p;
    return 0;
}

int walk_parse_opt(walk *w, int argc, char **argv, int *i)
{
    const char *o = argv[*i];
    int inc = !strcmp(o, "--include"), exc = !strcmp(o, "--exclude"), from = !strcmp(o, "--from");
    if (!inc && !exc && !from)
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "%s: %s needs a value\n", w->cmd, o);
        return -1;
    }
    char *v = argv[++*i];
    if (from && strcmp(v, "-") && access(v, R_OK) != 0) {
        fprintf(stderr, "%s: cannot open list %s: %s\n", w->cmd, v, strerror(errno));
        return -1;
    }
    int rc = from ? add_source(w, 1, v) : inc ? add_glob(&w->inc, &w->n_inc, v)
                                              : add_glob(&w->exc, &w->n_exc, v);
    return rc < 0 ? -1 : 1;
}

int walk_add(walk *w, const char *arg) { return add_source(w, 0, arg); }

int walk_empty(const walk *w) { return w->n_src == 0; }

size_t walk_errors(const walk *w) { return w->errors; }

int walk_done(const walk *w) { return w->done; }

void walk_stop(walk *w) { w->stopped = 1; }

int walk_is_structure_name(const char *name)
{
    static const char *ext[] = {".pdb", ".ent", ".cif", ".mmcif", ".xml", ".pdbml"};
    static const char *comp[] = {"", ".gz", ".zst"};
    size_t l = strlen(name);
    for (size_t c = 0; c < 3; c++) {
        size_t lc = strlen(comp[c]);
        if (l <= lc || strcasecmp(name + l - lc, comp[c]))
            continue;
        for (size_t e = 0; e < sizeof ext / sizeof ext[0]; e++) {
            size_t le = strlen(ext[e]);
            if (l > lc + le && !strncasecmp(name + l - lc - le, ext[e], le))
                return 1;
        }
    }
    return 0;
}

/* A GLOB with '/' matches the whole path, otherwise the last component. */
static int glob_any(char *const *g, size_t n, const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    for (size_t i = 0; i < n; i++)
        if (fnmatch(g[i], strchr(g[i], '/') ? path : b, 0) == 0)
            return 1;
    return 0;
}

static int take_file(const walk *w, const char *path)
{
    return !glob_any(w->exc, w->n_exc, path) && (!w->n_inc || glob_any(w->inc, w->n_inc, path));
}

static char *join(const char *dir, const char *name, size_t name_len)
{
    size_t ld = strlen(dir);
    int slash = ld && dir[ld - 1] != '/';
    char *p = malloc(ld + slash + name_len + 1);
    if (p)
        snprintf(p, ld + slash + name_len + 1, "%s%s%.*s", dir, slash ? "/" : "", (int)name_len,
                 name);
    return p;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 directory, 0 anything else; links to directories count as "else" (skipped). */
static int entry_is_dir(const char *dir, const struct dirent *e)
{
    if (e->d_type == DT_DIR)
        return 1;
    if (e->d_type != DT_UNKNOWN)
        return 0;
    char *p = join(dir, e->d_name, strlen(e->d_name));
    struct stat sb;
    int d = p && lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
    free(p);
    return d;
}

/* Read and sort one directory's visible entries. 0 or -1 (reported). */
static int list_dir(walk *w, const char *dir, frame *f)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "%s: cannot read directory %s: %s\n", w->cmd, dir, strerror(errno));
        w->errors++;
        return -1;
    }
    size_t cap = 0;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        int isdir = entry_is_dir(dir, e);
        size_t l = strlen(e->d_name);
        char *s = malloc(l + 2);
        if (!s || grow((void **)&f->names, &cap, f->n, sizeof *f->names) < 0) {
            free(s);
            rc = -1;
            break;
        }
        memcpy(s, e->d_name, l);
        s[l] = isdir ? '/' : '\0';
        s[l + 1] = '\0';
        f->names[f->n++] = s;
    }
    closedir(d);
    if (f->n)
        qsort(f->names, f->n, sizeof *f->names, cmp_names);
    return rc;
}

static void push_dir(walk *w, char *dir)
{
    frame f = {.dir = dir};
    if (list_dir(w, dir, &f) < 0 ||
        grow((void **)&w->stack, &w->cap_stack, w->depth, sizeof *w->stack) < 0) {
        frame_free(&f);
        return;
    }
    w->stack[w->depth++] = f;
}

/* Next entry of the innermost directory: a path to take, or NULL (keep going). */
static char *step_dir(walk *w)
{
    frame *f = &w->stack[w->depth - 1];
    if (f->i == f->n) {
        frame_free(f);
        w->depth--;
        return NULL;
    }
    char *name = f->names[f->i++];
    size_t l = strlen(name);
    int isdir = name[l - 1] == '/';
    char *path = join(f->dir, name, isdir ? l - 1 : l);
    int want = path && (isdir ? !glob_any(w->exc, w->n_exc, path)
                              : walk_is_structure_name(name) && take_file(w, path));
    free(name);
    if (isdir && want) /* f may move: push_dir reallocates the stack */
        push_dir(w, path);
    else if (!want)
        free(path);
    return isdir ? NULL : want ? path : NULL;
}

/* An argument or list line: a directory to walk, else a file taken as named. */
static char *take_arg(walk *w, const char *arg)
{
    struct stat sb;
    if (stat(arg, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        char *d = strdup(arg);
        if (d)
            push_dir(w, d);
        return NULL;
    }
    return take_file(w, arg) ? strdup(arg) : NULL;
}

/* The next newline among r's unread bytes, or NULL (r->buf is NULL before the first read:
 * memchr and memmove must not see it). */
static char *next_nl(const line_reader *r)
{
    return r->off < r->len ? memchr(r->buf + r->off, '\n', r->len - r->off) : NULL;
}

/* Wait until fd has bytes or its end. -1 when SIGINT/SIGTERM came meanwhile: read()
 * on a pipe or terminal is restarted after the handler (SA_RESTART), poll() is not. */
static int wait_readable(int fd)
{
    struct pollfd p = {fd, POLLIN, 0};
    while (poll(&p, 1, -1) < 0)
        if (errno != EINTR || sig_caught())
            return errno == EINTR ? -1 : 0; /* other poll errors: read() reports them */
    return 0;
}

/* Next line of r (NUL-terminated, in r->buf), or NULL at the end (or after a signal). */
static char *read_line(line_reader *r)
{
    for (;;) {
        char *nl = next_nl(r);
        if (nl || (r->eof && r->off < r->len)) {
            char *line = r->buf + r->off;
            if (!nl) /* a last line without newline: room was kept for its NUL */
                nl = r->buf + r->len;
            *nl = '\0';
            r->off = (size_t)(nl - r->buf) + 1;
            if (r->off > r->len)
                r->off = r->len;
            return line;
        }
        if (r->eof)
            return NULL;
        if (r->off)
            memmove(r->buf, r->buf + r->off, r->len - r->off);
        r->len -= r->off;
        r->off = 0;
        if (r->len + 1 >= r->cap) {
            size_t nc = r->cap ? 2 * r->cap : 65536;
            char *nb = realloc(r->buf, nc);
            if (!nb)
                return NULL;
            r->buf = nb;
            r->cap = nc;
        }
        if (wait_readable(r->fd) < 0)
            return NULL;
        ssize_t n = read(r->fd, r->buf + r->len, r->cap - r->len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            r->eof = 1;
        else
            r->len += (size_t)n;
    }
}

/* 1 when the list has a line to give without waiting. */
static int line_ready(const line_reader *r)
{
    struct pollfd p = {r->fd, POLLIN, 0};
    return r->eof || next_nl(r) || poll(&p, 1, 0) > 0;
}

static void close_list(walk *w)
{
    if (w->list.fd > STDIN_FILENO)
        close(w->list.fd);
    w->list.fd = -1;
    w->list.len = w->list.off = 0;
    w->list.eof = 0;
}

/* Next line of the current list as an argument; closes the list at its end. */
static char *step_list(walk *w)
{
    char *line;
    while ((line = read_line(&w->list))) {
        line[strcspn(line, "\r")] = '\0';
        if (line[0] && line[0] != '#')
            return take_arg(w, line);
    }
    close_list(w);
    return NULL;
}

static void open_list(walk *w, const char *name)
{
    w->list.fd = strcmp(name, "-") ? open(name, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
    if (w->list.fd < 0) {
        fprintf(stderr, "%s: cannot open list %s: %s\n", w->cmd, name, strerror(errno));
        w->errors++;
    }
}

/* 1 when the next path would wait for a list on a pipe or terminal. */
static int would_block(const walk *w)
{
    return !w->depth && w->list.fd >= 0 && !line_ready(&w->list);
}

char *walk_next(walk *w)
{
    while (!w->stopped && !sig_caught()) {
        char *p = NULL;
        if (w->depth)
            p = step_dir(w);
        else if (w->list.fd >= 0)
            p = step_list(w);
        else if (w->next_src == w->n_src)
            break;
        else if (w->src[w->next_src].list)
            open_list(w, w->src[w->next_src++].s);
        else
            p = take_arg(w, w->src[w->next_src++].s);
        if (p)
            return p;
    }
    w->done = 1;
    return NULL;
}

int walk_next_block(walk *w, char ***paths, size_t *n, size_t *cap, size_t max)
{
    for (size_t k = 0; k < max; k++) {
        if (k && would_block(w)) /* stream what there is */
            break;
        if (grow((void **)paths, cap, *n, sizeof **paths) < 0)
            return -1;
        char *p = walk_next(w);
        if (!p)
            break;
        (*paths)[(*n)++] = p;
    }
    return 0;
}

int walk_collect(walk *w, char ***paths, size_t *n)
{
    size_t cap = 0;
    *paths = NULL;
    *n = 0;
    while (!walk_done(w))
        if (walk_next_block(w, paths, n, &cap, 4096) < 0)
            return -1;
    return 0;
}

int walk_args(walk **out, const char *cmd, int *argc, char **argv)
{
    if (walk_new(out, cmd) < 0)
        return -1;
    int k = 1;
    for (int i = 1; i < *argc; i++) {
        int r = strcmp(argv[i], "--") ? walk_parse_opt(*out, *argc, argv, &i) : 0;
        if (r < 0) {
            walk_free(*out);
            *out = NULL;
            return -1;
        }
        if (r == 0)
            argv[k++] = argv[i];
        if (r == 0 && !strcmp(argv[i], "--")) /* the rest are files */
            while (++i < *argc)
                argv[k++] = argv[i];
    }
    *argc = k;
    return 0;
}

int walk_add_args(walk *w, int first, int argc, char **argv)
{
    for (int i = first; i < argc; i++)
        if (walk_add(w, argv[i]) < 0)
            return -1;
    if (walk_empty(w)) {
        fprintf(stderr, "%s: no input files\n", w->cmd);
        return -1;
    }
    return 0;
}

int walk_main(const char *cmd, int argc, char **argv, walk_main_fn fn)
{
    walk *w;
    if (walk_args(&w, cmd, &argc, argv) < 0)
        return 2; /* CLI_USAGE */
    int rc = fn(argc, argv, w);
    walk_free(w);
    return rc;
}
