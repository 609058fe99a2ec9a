/* stubs.c — placeholder for the PDBML reader while pdbml.c does not exist
 * (lib/structure/meson.build compiles this file only then). Weak, so that a
 * real definition always wins. */
#include "builder.h"

__attribute__((weak)) int pai_read_pdbml(pa_input *in, const pa_reader_opts *o, pa_diags *d,
                                         const char *file, pa_structure **out)
{
    (void)in;
    (void)o;
    *out = NULL;
    pai_diag(d, PA_SEV_ERROR, PA_D_UNSUPPORTED, file ? file : "", 0, 0,
             "PDBML reader not available in this build");
    return pai_error(PA_EUNSUPPORTED, "%s: PDBML reader not available", file ? file : "");
}
