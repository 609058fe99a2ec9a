/* executor_int.h — executor internals shared with other modules (never installed). */
#ifndef PAI_EXECUTOR_INT_H
#define PAI_EXECUTOR_INT_H

#ifdef __cplusplus
extern "C" {
#endif

/* 1 when the graph run or parallel loop the calling thread is working for (or
 * one enclosing it) is being cancelled or has failed; 0 outside any run. Lets
 * long-running chunk bodies (e.g. a pipeline worker waiting for its window)
 * notice pa_executor_cancel() and cancel tokens. */
int pai_executor_current_stopped(void);

#ifdef __cplusplus
}
#endif
#endif
