/* _core.linear_recurrence (recurrence.c): the module's second entry into the engine. */
#ifndef MLX_LITE_CBRIDGE_RECURRENCE_H
#define MLX_LITE_CBRIDGE_RECURRENCE_H
#include "numpy_api.h"

PyObject *mlxl_linear_recurrence_call(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *mlxl_empty_like_call(PyObject *module, PyObject *array);

#define MLXL_RECURRENCE_METHOD                                                                   \
    {"linear_recurrence", (PyCFunction)(void (*)(void))mlxl_linear_recurrence_call, METH_FASTCALL, \
     "linear_recurrence(b, a, a_constant, initial, out, axis, reverse, scale, dtype) -> ndarray\n\n" \
     "h[t] = a[t] * h[t-1] + scale * b[t] along axis, from h[-1] = initial (None: 0);\n"        \
     "a None: the constant a_constant. Every array has b's shape and the dtype of\n"            \
     "element code dtype. Internal: mlx_lite.linear_recurrence checks, broadcasts and\n"        \
     "converts its arguments and calls this."},                                               \
    {"empty_like", mlxl_empty_like_call, METH_O,                                              \
     "empty_like(a) -> ndarray: uninitialised, a's shape, dtype and order ('K'), from the\n"   \
     "result cache when large (ewma's result, filled by several calls)."}

#endif
