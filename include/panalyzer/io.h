/* panalyzer/io.h — file input: plain, gzip and zstd, from paths or memory.
 *
 *   pa_input *in;
 *   if (pa_input_open(&in, "1abc.cif.gz") == 0) {
 *       char buf[65536]; size_t got;
 *       while (pa_input_read(in, buf, sizeof buf, &got) == 0 && got > 0) {
 *           // use buf[0..got)
 *       }
 *       pa_input_close(in);
 *   }
 *
 * Compression is detected from the first bytes (gzip 1f 8b, zstd 28 b5 2f fd),
 * never from the file name. Concatenated gzip members and zstd frames are read
 * as one stream. Reading is streaming: the whole content never has to fit in
 * memory unless pa_input_read_all() is asked for. A truncated stream gives
 * PA_ETRUNCATED, a corrupt one PA_EFORMAT; pa_last_error() says where.
 * A pa_input is used by one thread at a time. */
#ifndef PANALYZER_IO_H
#define PANALYZER_IO_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pa_input pa_input;

typedef enum {
    PA_COMP_NONE = 0,
    PA_COMP_GZIP = 1,
    PA_COMP_ZSTD = 2
} pa_compression;

/* Open a file; "-" is not special. PA_EIO when it cannot be opened. */
PA_API int pa_input_open(pa_input **out, const char *path);
/* Read from a caller-owned buffer (borrowed: must outlive the input). name is
 * used in messages (NULL -> "<memory>"). */
PA_API int pa_input_open_memory(pa_input **out, const void *data, size_t size, const char *name);

/* Read up to cap decompressed bytes into buf; *got = 0 means end of input. */
PA_API int pa_input_read(pa_input *in, void *buf, size_t cap, size_t *got);
/* Look at the next n decompressed bytes without consuming them. *ptr points
 * into the input's own buffer (valid until the next call on in); *got < n only
 * at end of input. */
PA_API int pa_input_peek(pa_input *in, size_t n, const void **ptr, size_t *got);
/* The rest of the decompressed content in one allocation, NUL-terminated (the
 * NUL is not counted in *size); free with pa_free(). max_size = 0: no limit,
 * else PA_ERANGE when the content is larger. */
PA_API int pa_input_read_all(pa_input *in, char **data, size_t *size, size_t max_size);

PA_API pa_compression pa_input_compression(const pa_input *in);
PA_API const char *pa_input_name(const pa_input *in);
/* Decompressed bytes handed out so far (by read / read_all). */
PA_API uint64_t pa_input_tell(const pa_input *in);
PA_API void pa_input_close(pa_input *in);

/* Free memory returned by the library (pa_input_read_all, pa_read_file). */
PA_API void pa_free(void *p);
/* Convenience: whole decompressed file, NUL-terminated; free with pa_free(). */
PA_API int pa_read_file(const char *path, char **data, size_t *size);

#ifdef __cplusplus
}
#endif
#endif
