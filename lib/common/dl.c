/* dl.c — see dl.h. */
#include "common/dl.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *pai_dl_open(const char *env, const char *soname, const char *what, const char *why,
                  char *err, size_t errlen)
{
    const char *lib = getenv(env);
    if (!lib || !*lib)
        lib = soname;
    void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(err, errlen, "cannot load %s (%s), which %s: %s", what, lib, why,
                 e ? e : "unknown");
    }
    return h;
}

int pai_dl_sym(void *h, const char *name, void *slot, size_t size, const char *what, char *err,
               size_t errlen)
{
    void *p = dlsym(h, name);
    if (!p || size != sizeof p) {
        snprintf(err, errlen, "%s lacks %s", what, name);
        return -1;
    }
    /* POSIX lets dlsym's void * become a function pointer; ISO C has no cast for it. */
    memcpy(slot, &p, size);
    return 0;
}
