/* panalyzer/common.h — version, error codes, diagnostics, logging.
 *
 * Conventions for every libpanalyzer function:
 *   - returns int: 0 on success, a negative PA_E* code on failure
 *     (a few iterators also return the positive PA_END);
 *   - on failure, pa_last_error() gives a detailed, thread-local message;
 *   - handles are opaque, created by *_new or *_open, released by *_free (NULL-safe);
 *   - options structs start with `unsigned version` and have a *_INIT macro.
 * The library never prints, exits or aborts on user input. */
#ifndef PANALYZER_COMMON_H
#define PANALYZER_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(PA_BUILDING_LIBRARY) && defined(__GNUC__)
#define PA_API __attribute__((visibility("default")))
#else
#define PA_API
#endif

#define PA_VERSION_MAJOR 0
#define PA_VERSION_MINOR 1
#define PA_VERSION_PATCH 0
#define PA_VERSION_NUMBER (PA_VERSION_MAJOR * 10000 + PA_VERSION_MINOR * 100 + PA_VERSION_PATCH)
#define PA_VERSION_STRING "0.1.0"

/* Version of the library actually linked ("0.1.0"); compare with PA_VERSION_STRING. */
PA_API const char *pa_version(void);
PA_API int pa_version_number(void);

/* Return codes. */
enum {
    PA_OK = 0,
    PA_END = 1,           /* iterator exhausted (not an error) */
    PA_EINVAL = -1,       /* invalid argument */
    PA_ENOMEM = -2,       /* allocation failed */
    PA_EIO = -3,          /* read/write failure, missing file */
    PA_EFORMAT = -4,      /* malformed or unrecognised input */
    PA_EUNSUPPORTED = -5, /* valid input using an unsupported feature */
    PA_ECANCELED = -6,    /* operation cancelled */
    PA_ETRUNCATED = -7,   /* input ended early (truncated file or stream) */
    PA_ERANGE = -8,       /* value or size out of range / would overflow */
    PA_ENOTFOUND = -9,    /* named item does not exist */
    PA_ESTATE = -10,      /* call not valid in the object's current state */
    PA_ECORRUPT = -11,    /* integrity check failed (checksum, cache entry) */
    PA_ETASK = -12        /* a user task/callback returned an error */
};

/* Static name for a code ("invalid argument"); never NULL. */
PA_API const char *pa_strerror(int code);
/* Detailed message of the last failure on this thread ("" when none). */
PA_API const char *pa_last_error(void);
PA_API void pa_clear_error(void);

/* ---- logging ---------------------------------------------------------- */
typedef enum { PA_LOG_DEBUG = 0, PA_LOG_INFO, PA_LOG_WARN, PA_LOG_ERROR } pa_log_level;
typedef void (*pa_log_fn)(void *ud, pa_log_level level, const char *msg);
/* Install a process-wide log callback (NULL disables; default: none, silent). */
PA_API void pa_set_log_callback(pa_log_fn fn, void *ud, pa_log_level min_level);

/* ---- diagnostics ------------------------------------------------------- */
typedef enum {
    PA_SEV_INFO = 0,
    PA_SEV_WARNING = 1,
    PA_SEV_ERROR = 2 /* the file (or record) could not be used as written */
} pa_severity;

/* Diagnostic codes: stable numbers, named by pa_diag_code_name(). */
typedef enum {
    PA_D_NONE = 0,
    PA_D_IO = 1,              /* cannot open / read */
    PA_D_COMPRESSION = 2,     /* corrupt or truncated gzip/zstd stream */
    PA_D_UNKNOWN_FORMAT = 3,  /* content is not PDB, mmCIF or PDBML */
    PA_D_EMPTY = 4,           /* no content / no atoms */
    PA_D_TRUNCATED = 5,       /* file ends inside a record, loop, quote, element */
    PA_D_MALFORMED_RECORD = 6,/* a record/row that cannot be parsed */
    PA_D_BAD_NUMBER = 7,      /* a numeric field is not a number */
    PA_D_COORD_RANGE = 8,     /* coordinate NaN/inf or out of the plausible range */
    PA_D_DUPLICATE_ATOM = 9,  /* same atom twice in a residue (same altloc) */
    PA_D_CHAIN_BREAK = 10,    /* consecutive residues not bonded / numbering gap */
    PA_D_MISSING_SEQRES = 11, /* polymer chain without SEQRES / entity_poly_seq */
    PA_D_LOOP_COUNT = 12,     /* CIF loop value count not a multiple of columns */
    PA_D_UNKNOWN_RESIDUE = 13,/* residue name not in the component table */
    PA_D_MODEL = 14,          /* MODEL/ENDMDL structure problems */
    PA_D_SEQRES_MISMATCH = 15,/* observed residue disagrees with SEQRES */
    PA_D_LIMIT = 16,          /* a size limit was hit (line length, nesting, count) */
    PA_D_ENCODING = 17,       /* BOM, NUL bytes, non-ASCII where ASCII expected */
    PA_D_SYNTAX = 18,         /* CIF/XML syntax error */
    PA_D_UNSUPPORTED = 19,    /* valid but unsupported content (e.g. BinaryCIF) */
    PA_D_OTHER = 20
} pa_diag_code;

typedef struct {
    const char *file;    /* path or name given to the reader; never NULL ("" if none) */
    long line;           /* 1-based; 0 when not applicable */
    int column;          /* 1-based; 0 when not applicable */
    int code;            /* pa_diag_code */
    pa_severity severity;
    const char *message; /* never NULL */
} pa_diag;

/* A growable list of diagnostics. Strings are owned by the list. Not thread-safe. */
typedef struct pa_diags pa_diags;
PA_API int pa_diags_new(pa_diags **out);
PA_API void pa_diags_free(pa_diags *d);
PA_API void pa_diags_clear(pa_diags *d);
PA_API size_t pa_diags_count(const pa_diags *d);
/* Borrowed; valid until the list is cleared, freed or appended to. NULL if i out of range. */
PA_API const pa_diag *pa_diags_get(const pa_diags *d, size_t i);
/* Number of diagnostics with severity >= min. */
PA_API size_t pa_diags_count_at_least(const pa_diags *d, pa_severity min);
/* Append a copy of a diagnostic (strings are copied). */
PA_API int pa_diags_add(pa_diags *d, const pa_diag *diag);
/* Append every diagnostic of src to dst. */
PA_API int pa_diags_extend(pa_diags *dst, const pa_diags *src);
/* Cap on stored diagnostics (default 1000); past it, one PA_D_LIMIT note counts the rest. */
PA_API void pa_diags_set_limit(pa_diags *d, size_t max);
/* "file:line:col: error: [truncated] message" into buf (always NUL-terminated when n > 0).
 * Returns the length the full text needs (like snprintf). */
PA_API int pa_diag_format(const pa_diag *diag, char *buf, size_t n);
PA_API const char *pa_diag_code_name(int code);      /* "truncated" */
PA_API const char *pa_severity_name(pa_severity s); /* "error" */

#ifdef __cplusplus
}
#endif
#endif
