/* xml_lazy.c — dlopen libxml2 at the first PDBML file (see xml_lazy.h for why). */
#define PAI_XML_IMPL
#include "structure/xml_lazy.h"

#include "common/dl.h"
#include "common/pai.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>

#ifndef PA_LIBXML2_SONAME
#define PA_LIBXML2_SONAME "libxml2.so.2"
#endif

pai_xml_api pai_xml;
static char xml_err[512];
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;
static atomic_int xml_ok;

static int resolve(void *h, const char *name, void *slot, size_t size)
{
    return pai_dl_sym(h, name, slot, size, "libxml2", xml_err, sizeof xml_err);
}

static void load_once(void)
{
    void *h = pai_dl_open("PA_LIBXML2", PA_LIBXML2_SONAME, "libxml2", "PDBML needs", xml_err,
                          sizeof xml_err);
    if (!h)
        return;
    int bad = 0;
#define PAI_XML_RESOLVE(f) bad = bad || resolve(h, #f, &pai_xml.f, sizeof pai_xml.f);
    PAI_XML_FUNCS(PAI_XML_RESOLVE)
#undef PAI_XML_RESOLVE
    bad = bad || resolve(h, "xmlFree", &pai_xml.xmlFree, sizeof pai_xml.xmlFree);
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
