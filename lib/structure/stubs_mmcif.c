/* stubs_mmcif.c — placeholder for the mmCIF reader while mmcif.c does not exist
 * (lib/structure/meson.build compiles this file only then; one file per stub so
 * that a static link never prefers a stub over a real reader). */
#include "builder.h"

__attribute__((weak)) int pai_read_mmcif(const char *buf, size_t n, size_t *pos,
                                         const pa_reader_opts *o, pa_diags *d, const char *file,
                                         pa_structure **out)
{
    (void)buf;
    (void)o;
    *out = NULL;
    *pos = n;
    pai_diag(d, PA_SEV_ERROR, PA_D_UNSUPPORTED, file ? file : "", 0, 0,
             "mmCIF reader not available in this build");
    return pai_error(PA_EUNSUPPORTED, "%s: mmCIF reader not available", file ? file : "");
}
