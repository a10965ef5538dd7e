/* The result cache (result_cache.c): NumPy memory handler for large results. */
#ifndef MLX_LITE_RESULT_CACHE_H
#define MLX_LITE_RESULT_CACHE_H
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/ndarraytypes.h>

/* Results this large or larger are allocated through the cache. */
#define MLXL_CACHE_MIN_BYTES ((size_t)1 << 20)

/* A new reference to the handler's capsule (for PyDataMem_SetHandler); reads the default limit. */
PyObject *mlxl_cache_handler(void);
/* Sets the most the cache may hold, freeing the oldest blocks beyond it; returns the previous limit. */
size_t mlxl_cache_set_limit(size_t bytes);
/* Bytes held by the cache now. */
size_t mlxl_cache_held(void);
/* Frees every block the cache holds. */
void mlxl_cache_clear(void);
#endif
