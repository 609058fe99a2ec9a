/* error.c — return-code names, the thread-local last-error message, logging. */
#include "pai.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#define PAI_ERRMSG_MAX 1024

static _Thread_local char last_error[PAI_ERRMSG_MAX];

const char *pa_version(void) { return PA_VERSION_STRING; }
int pa_version_number(void) { return PA_VERSION_NUMBER; }

const char *pa_strerror(int code)
{
    switch (code) {
    case PA_OK: return "success";
    case PA_END: return "end of input";
    case PA_EINVAL: return "invalid argument";
    case PA_ENOMEM: return "out of memory";
    case PA_EIO: return "input/output error";
    case PA_EFORMAT: return "malformed input";
    case PA_EUNSUPPORTED: return "unsupported";
    case PA_ECANCELED: return "cancelled";
    case PA_ETRUNCATED: return "truncated input";
    case PA_ERANGE: return "out of range";
    case PA_ENOTFOUND: return "not found";
    case PA_ESTATE: return "invalid state";
    case PA_ECORRUPT: return "corrupt data";
    case PA_ETASK: return "task failed";
    default: return "unknown error";
    }
}

const char *pa_last_error(void) { return last_error; }
void pa_clear_error(void) { last_error[0] = '\0'; }

int pai_verror(int code, const char *fmt, va_list ap)
{
    if (fmt)
        vsnprintf(last_error, sizeof last_error, fmt, ap);
    else
        snprintf(last_error, sizeof last_error, "%s", pa_strerror(code));
    return code;
}

int pai_error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pai_verror(code, fmt, ap);
    va_end(ap);
    return code;
}

/* The log sink is process-wide; readers may log from many threads, so the
 * triple is published atomically enough for our purpose: the pointer swap is
 * atomic and callers are told to install it before starting work. */
static _Atomic(pa_log_fn) log_fn;
static void *_Atomic log_ud;
static _Atomic int log_min = PA_LOG_WARN;

void pa_set_log_callback(pa_log_fn fn, void *ud, pa_log_level min_level)
{
    atomic_store(&log_ud, ud);
    atomic_store(&log_min, (int)min_level);
    atomic_store(&log_fn, fn);
}

void pai_log(pa_log_level level, const char *fmt, ...)
{
    pa_log_fn fn = atomic_load(&log_fn);
    if (!fn || (int)level < atomic_load(&log_min))
        return;
    char msg[PAI_ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fn(atomic_load(&log_ud), level, msg);
}
