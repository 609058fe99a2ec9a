/* sniff.c — which format is this content? Decided from the first bytes only,
 * never from the file name. */
#include "sniff.h"

#include "builder.h"

#include <string.h>
#include <strings.h>

size_t pai_sniff_bom(const char *buf, size_t n)
{
    return n >= 3 && (unsigned char)buf[0] == 0xef && (unsigned char)buf[1] == 0xbb &&
                   (unsigned char)buf[2] == 0xbf
               ? 3
               : 0;
}

int pai_sniff_binarycif(const char *buf, size_t n)
{
    if (!n)
        return 0;
    unsigned char c = (unsigned char)buf[0];
    return (c >= 0x80 && c <= 0x8f) || c == 0xde || c == 0xdf;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

int pai_sniff_blank(const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_space(buf[i]))
            return 0;
    return 1;
}

/* PDB record names (first six columns, blank-padded in the file). */
static const char *const pdb_records[] = {
    "HEADER", "OBSLTE", "TITLE", "SPLIT", "CAVEAT", "COMPND", "SOURCE", "KEYWDS", "EXPDTA",
    "NUMMDL", "MDLTYP", "AUTHOR", "REVDAT", "SPRSDE", "JRNL", "REMARK", "DBREF", "SEQADV",
    "SEQRES", "MODRES", "HET", "HETNAM", "HETSYN", "FORMUL", "HELIX", "SHEET", "SSBOND",
    "LINK", "CISPEP", "SITE", "CRYST1", "ORIGX1", "SCALE1", "MTRIX1", "MODEL", "ATOM",
    "ANISOU", "TER", "HETATM", "ENDMDL", "CONECT", "MASTER", "END", "USER", "ROOT", "BRANCH"};

static int pdb_record_at(const char *p, size_t n)
{
    for (size_t i = 0; i < sizeof pdb_records / sizeof *pdb_records; i++) {
        size_t k = strlen(pdb_records[i]);
        if (n >= k && !memcmp(p, pdb_records[i], k) &&
            (n == k || p[k] == ' ' || p[k] == '\r' || p[k] == '\n' ||
             (p[k] >= '0' && p[k] <= '9')))
            return 1;
    }
    return 0;
}

static int prefix_ci(const char *p, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    return n >= k && !strncasecmp(p, lit, k);
}

/* Skip whitespace and '#' comment lines (both CIF and some PDB writers use them). */
static size_t skip_blank_and_comments(const char *buf, size_t n, size_t i)
{
    for (;;) {
        while (i < n && is_space(buf[i]))
            i++;
        if (i >= n || buf[i] != '#')
            return i;
        const char *nl = memchr(buf + i, '\n', n - i);
        if (!nl)
            return n;
        i = (size_t)(nl - buf) + 1;
    }
}

pa_format pai_sniff_format(const char *buf, size_t n)
{
    size_t i = skip_blank_and_comments(buf, n, pai_sniff_bom(buf, n));
    if (i == n) /* comments only: CIF-like if it started with '#' */
        return n && buf[pai_sniff_bom(buf, n)] == '#' ? PA_FORMAT_MMCIF : PA_FORMAT_AUTO;
    const char *p = buf + i;
    size_t m = n - i;
    if (p[0] == '<')
        return prefix_ci(p, m, "<?xml") || prefix_ci(p, m, "<PDBx:datablock") ? PA_FORMAT_PDBML
                                                                            : PA_FORMAT_AUTO;
    if (prefix_ci(p, m, "data_") || prefix_ci(p, m, "loop_") || prefix_ci(p, m, "global_") ||
        p[0] == '_')
        return PA_FORMAT_MMCIF;
    /* PDB: a known record at the start of one of the first lines; binary bytes
     * before that mean garbage. */
    for (int lines = 0; lines < 64 && i < n; lines++) {
        const char *l = buf + i;
        const char *nl = memchr(l, '\n', n - i);
        size_t len = nl ? (size_t)(nl - l) : n - i;
        if (pdb_record_at(l, len))
            return PA_FORMAT_PDB;
        for (size_t k = 0; k < len; k++) {
            unsigned char c = (unsigned char)l[k];
            if (c < 0x20 && c != '\t' && c != '\r' && c != '\f')
                return PA_FORMAT_AUTO;
        }
        if (!nl)
            break;
        i += len + 1;
    }
    return PA_FORMAT_AUTO;
}
