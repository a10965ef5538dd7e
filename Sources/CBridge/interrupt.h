/* Ctrl-C during a long scan (interrupt.c): the scan call with the GIL released. */
#ifndef MLX_LITE_CBRIDGE_INTERRUPT_H
#define MLX_LITE_CBRIDGE_INTERRUPT_H

#include <Python.h>

#include "scan_abi.h"

/* Records the thread Python delivers signals to; at module init. 0, or -1 with an exception set. */
int mlxl_find_main_thread(void);

/* mlxl_scan(problem) with the GIL released; a scan of `size` elements that is large,
 * on the main thread, stops at Ctrl-C (MLXL_STATUS_INTERRUPTED). */
int32_t mlxl_run_interruptible(mlxl_scan_problem *problem, Py_ssize_t size);

#endif
