/*
 * The result cache's memory handler around the allocation of large results:
 * set just before the array is made, restored just after, so the array keeps
 * the handler (and returns its memory to the cache) while every other
 * allocation in the process is NumPy's own.
 */
#include "allocation.h"
#include "result_cache.h"
#include "scan_abi.h"
#include "scan_codes.h"

static PyObject *cache_handler;

int
mlxl_allocation_init(void)
{
    if (cache_handler == NULL && (cache_handler = mlxl_cache_handler()) == NULL) return -1;
    return 0;
}

PyObject *
mlxl_cache_scope_begin(size_t bytes)
{
    if (bytes < MLXL_CACHE_MIN_BYTES) Py_RETURN_NONE;
    return PyDataMem_SetHandler(cache_handler);
}

int
mlxl_cache_scope_end(PyObject *previous)
{
    if (previous == Py_None) {
        Py_DECREF(previous);
        return 0;
    }
    PyObject *ours = PyDataMem_SetHandler(previous);
    Py_DECREF(previous);
    if (ours == NULL) return -1;
    Py_DECREF(ours);
    return 0;
}

int
mlxl_descr_matches(PyArray_Descr *descr, long dtype)
{
    return PyDataType_ELSIZE(descr) == mlxl_element_size((int32_t)dtype) && descr->kind == expected_kind[dtype];
}
