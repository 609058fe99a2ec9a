/* xml_lazy.c — dlopen libxml2 at the first PDBML file (see xml_lazy.h for why). */
#define PAI_XML_IMPL
#include "structure/xml_lazy.h"

#include "common/pai.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PA_LIBXML2_SONAME
#define PA_LIBXML2_SONAME "libxml2.so.2"
#endif

pai_xml_api pai_xml;
static char xml_err[512];
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;
static atomic_int xml_ok;

/* POSIX lets dlsym's void * become a function pointer; ISO C has no cast for it. */
static int resolve(void *h, const char *lib, const char *name, void *slot, size_t size)
{
    void *p = dlsym(h, name);
    if (!p) {
        snprintf(xml_err, sizeof xml_err, "libxml2 (%s) lacks %s", lib, name);
        return -1;
    }
    memcpy(slot, &p, size);
    return 0;
}

static void load_once(void)
{
    const char *lib = getenv("PA_LIBXML2");
    if (!lib || !*lib)
        lib = PA_LIBXML2_SONAME;
    void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(xml_err, sizeof xml_err, "cannot load libxml2 (%s), which PDBML needs: %s",
                 lib, e ? e : "unknown");
        return;
    }
    int bad = 0;
#define PAI_XML_RESOLVE(f) bad = bad || resolve(h, lib, #f, &pai_xml.f, sizeof pai_xml.f);
    PAI_XML_FUNCS(PAI_XML_RESOLVE)
#undef PAI_XML_RESOLVE
    bad = bad || resolve(h, lib, "xmlFree", &pai_xml.xmlFree, sizeof pai_xml.xmlFree);
    if (bad) {
        dlclose(h);
        return;
    }
    atomic_store_explicit(&xml_ok, 1, memory_order_release);
}

int pai_xml_load(void)
{
    pthread_once(&xml_once, load_once);
    if (atomic_load_explicit(&xml_ok, memory_order_acquire))
        return 0;
    return pai_error(PA_EUNSUPPORTED, "%s", xml_err);
}
