/* dl.h — shared libraries loaded at first use (OpenBLAS, libxml2); never installed. */
#ifndef PAI_DL_H
#define PAI_DL_H

#include <stddef.h>

/* dlopen the file named by environment variable env, else soname (RTLD_LOCAL: the
 * application may carry another copy under the same symbol names). NULL on failure, with
 * "cannot load WHAT (file), which WHY: reason" in err. */
void *pai_dl_open(const char *env, const char *soname, const char *what, const char *why,
                  char *err, size_t errlen);
/* Store symbol name of h into the function pointer at slot (size bytes). 0, or -1 with
 * "WHAT lacks name" in err. */
int pai_dl_sym(void *h, const char *name, void *slot, size_t size, const char *what, char *err,
               size_t errlen);

#endif
