/* Ctrl-C during a long scan (interrupt.c): the engine call with the GIL released. */
#ifndef MLX_LITE_CBRIDGE_INTERRUPT_H
#define MLX_LITE_CBRIDGE_INTERRUPT_H

#include <Python.h>

#include "scan_abi.h"

/* Records the thread Python delivers signals to; at module init. 0, or -1 with an exception set. */
int mlxl_find_main_thread(void);

/* An engine entry point (mlxl_scan, mlxl_linear_recurrence) taking its problem. */
typedef int32_t (*mlxl_engine_call)(void *problem);

/* call(problem) with the GIL released; a call over `size` elements that is
 * large, on the main thread, stops at Ctrl-C (MLXL_STATUS_INTERRUPTED).
 * `interrupt` is the problem's interrupt field, which this sets. */
int32_t mlxl_run_interruptible(mlxl_engine_call call, void *problem, const volatile int32_t **interrupt, Py_ssize_t size);

/* The Python exception for an engine status other than MLXL_STATUS_OK (KeyboardInterrupt
 * for an interrupted call, unless a signal handler raised first); always NULL. */
PyObject *mlxl_raise_for_status(const char *function, int32_t status);

#endif
