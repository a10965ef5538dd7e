/* Results allocated through the result cache (allocation.c), and dtype checks both calls share. */
#ifndef MLX_LITE_CBRIDGE_ALLOCATION_H
#define MLX_LITE_CBRIDGE_ALLOCATION_H
#include "numpy_api.h"

/* Takes the cache's memory handler; at module init. 0, or -1 with an exception set. */
int mlxl_allocation_init(void);

/* Makes the cache's handler NumPy's current one when a result of `bytes` is
 * large (MLXL_CACHE_MIN_BYTES or more). Returns what mlxl_cache_scope_end
 * restores (a new reference; Py_None when nothing was set), NULL on error. */
PyObject *mlxl_cache_scope_begin(size_t bytes);

/* Restores the handler mlxl_cache_scope_begin replaced (and releases
 * `previous`); 0, or -1 with an exception set. */
int mlxl_cache_scope_end(PyObject *previous);

/* Whether `descr` stores element code `dtype`: the same size and NumPy kind. */
int mlxl_descr_matches(PyArray_Descr *descr, long dtype);

#endif
