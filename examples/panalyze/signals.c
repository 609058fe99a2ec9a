/* signals.c — see signals.h. Only async-signal-safe work in the handler:
 * an atomic store into the token, a sig_atomic_t, and _exit. */
#include "signals.h"

#include <signal.h>
#include <stddef.h>
#include <unistd.h>

static volatile sig_atomic_t caught;
static pa_cancel_token *token;
static struct sigaction old_int, old_term;

static void on_signal(int sig)
{
    if (caught) /* the user insists: leave now */
        _exit(128 + sig);
    caught = sig;
    pa_cancel_token_cancel(token);
}

void sig_install(pa_cancel_token *tok)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART; /* stdio writes of whole records must not fail with EINTR */
    token = tok;
    caught = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
}

void sig_restore(void)
{
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    token = NULL;
}

int sig_caught(void) { return caught; }

int sig_exit_code(void) { return caught ? 128 + caught : 0; }

int sig_end(int status)
{
    int code = sig_exit_code();
    sig_restore();
    return code ? code : status;
}
