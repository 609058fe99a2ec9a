/* signals.h — SIGINT / SIGTERM stop a run: the handler only trips the
 * pipeline's cancel token (and records the signal); the run then stops
 * admitting files, writes the records in flight and exits 130 / 143.
 * A second signal exits at once with the same code. */
#ifndef PANALYZE_SIGNALS_H
#define PANALYZE_SIGNALS_H

#include <panalyzer.h>

/* Install the handlers; tok (may be NULL) is tripped on the first signal. */
void sig_install(pa_cancel_token *tok);
/* Restore the previous handlers. */
void sig_restore(void);
/* 0, or the first signal caught (SIGINT, SIGTERM). */
int sig_caught(void);
/* 128 + the signal caught, or 0. */
int sig_exit_code(void);
/* Restore the handlers; the exit status: 128 + the signal caught, else status. */
int sig_end(int status);

#endif
