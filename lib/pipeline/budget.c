/* budget.c — how much memory a file will take in the pipeline, before reading it.
 *
 * The estimate is the raw bytes (only with a cache: they make its key), the
 * text the reader parses (gzip: the ISIZE trailer; zstd: the frame's
 * content size when the header has it; else a typical ratio), the parsed
 * structure (proportional to the text) and, with predict_ss, the model's
 * activations per residue. Constants come from peak-RSS measurements of
 * generated files (bench/scale); they err on the high side. */
#include "pipeline_int.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
    PAI_BUDGET_RATIO = 6,          /* text / compressed when the size is not recorded */
    PAI_BUDGET_TEXT_PER_RES = 600, /* bytes of PDB text per residue (~81 B/atom, ~8 atoms) */
    PAI_BUDGET_SS_PER_RES = 1400,  /* ss stage: model activations and buffers per residue */
};
/* Parsed structure: this many eighths of the text size. */
#define PAI_BUDGET_PARSE_EIGHTHS 5

static uint64_t le32(const unsigned char *b)
{
    return (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 | (uint64_t)b[3] << 24;
}

/* zstd frame header content size, 0 when absent (RFC 8878, 3.1.1.1). */
static uint64_t zstd_content_size(const unsigned char *h, size_t n)
{
    if (n < 6)
        return 0;
    unsigned fd = h[4], fcs_flag = fd >> 6, single = (fd >> 5) & 1, did = fd & 3;
    size_t pos = 5 + (single ? 0 : 1) + (did ? (size_t)1 << (did - 1) : 0);
    size_t len = fcs_flag ? (size_t)1 << fcs_flag : single;
    if (!len || pos + len > n)
        return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++)
        v |= (uint64_t)h[pos + i] << (8 * i);
    return len == 2 ? v + 256 : v;
}

/* Size of the text once decompressed. */
static uint64_t text_size(int fd, uint64_t size)
{
    unsigned char h[18], t[4];
    ssize_t n = pread(fd, h, sizeof h, 0);
    if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b) {
        uint64_t isize = size >= 4 && pread(fd, t, 4, (off_t)size - 4) == 4 ? le32(t) : 0;
        /* ISIZE is modulo 2^32 and only counts the last member */
        return isize >= size ? isize : size * PAI_BUDGET_RATIO;
    }
    if (n >= 4 && le32(h) == 0xFD2FB528u) {
        uint64_t c = zstd_content_size(h, (size_t)n);
        return c >= size ? c : size * PAI_BUDGET_RATIO;
    }
    return size;
}

size_t pai_budget_estimate(const char *path, int predict_ss, int raw_held)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        if (fd >= 0)
            close(fd);
        return 0; /* it will fail to load: costs nothing */
    }
    uint64_t size = (uint64_t)sb.st_size;
    uint64_t text = text_size(fd, size);
    close(fd);
    uint64_t est = (raw_held ? size : 0) + text + text / 8 * PAI_BUDGET_PARSE_EIGHTHS;
    if (predict_ss)
        est += text / PAI_BUDGET_TEXT_PER_RES * PAI_BUDGET_SS_PER_RES;
    return est > SIZE_MAX ? SIZE_MAX : (size_t)est;
}
