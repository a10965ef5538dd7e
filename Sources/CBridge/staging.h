/*
 * The result of one _core.scan call and the input the engine reads
 * (staging.c): the result's dtype, its array (out, or a new one laid out like
 * the input), and the input converted into it when it cannot be read as is.
 */
#ifndef MLX_LITE_CBRIDGE_STAGING_H
#define MLX_LITE_CBRIDGE_STAGING_H
#include "numpy_api.h"

/* One call of scan(), its arguments checked (module.c, parse_arguments): what its steps share. */
typedef struct {
    PyArrayObject *array; /* borrowed */
    PyObject *cast;       /* borrowed: None or a numpy.dtype */
    long op;
    long dtype;
    long axis; /* -1: flattened */
    int reverse;
    int inclusive;
    int include_initial;
    PyArrayObject *out; /* borrowed: NULL, or the array to write into (checked as the result) */
    int ndim;           /* the result's dimensions (1 for the flattened scan) */
    npy_intp shape[NPY_MAXDIMS]; /* the result's shape: the input's, one longer along the axis with include_initial */
} mlxl_scan_call;

/* The number of elements of the result. */
static inline npy_intp
mlxl_result_size(const mlxl_scan_call *call)
{
    return PyArray_MultiplyList((npy_intp *)call->shape, call->ndim);
}

/* The result's dtype (a new reference), and in *staged whether the input must first be
 * converted into the result. NULL with an exception set. */
PyArray_Descr *mlxl_result_descr(const mlxl_scan_call *call, int *staged);

/* The result (a new reference; `descr` is stolen): out, checked, or a new array. NULL with an exception set. */
PyArrayObject *mlxl_allocate_result(const mlxl_scan_call *call, PyArray_Descr *descr);

/* The array the engine reads (a new reference): the input, or the input converted
 * into `result` when `staged`. NULL with an exception set. */
PyArrayObject *mlxl_stage_input(const mlxl_scan_call *call, PyArrayObject *result, int staged);

#endif
