/*
 * mlx_lite._core: the CPython module between the Python package and the Swift
 * scan engine.
 *
 * Its one job is buffers: it takes the NumPy array the Python layer has
 * already validated and normalised, allocates the result in the input's
 * memory order (NumPy's order 'K'), describes both to the engine as shapes and
 * byte strides, releases the GIL for the scan, and turns every engine status
 * into a Python exception. Argument checking of the user's call (dtypes, axis,
 * flags, streams) lives in Python; what is checked here is only what keeps
 * memory safe if the module is called directly.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

#include "cbridge.h"
#include "scan_abi.h"

/* The NumPy kind character each element code must come with. */
static const char expected_kind[MLXL_DTYPE_COUNT] = {
    [MLXL_BOOL] = 'b',
    [MLXL_INT8] = 'i', [MLXL_INT16] = 'i', [MLXL_INT32] = 'i', [MLXL_INT64] = 'i',
    [MLXL_UINT8] = 'u', [MLXL_UINT16] = 'u', [MLXL_UINT32] = 'u', [MLXL_UINT64] = 'u',
    [MLXL_FLOAT16] = 'f', [MLXL_BFLOAT16] = 'V', [MLXL_FLOAT32] = 'f', [MLXL_FLOAT64] = 'f',
    [MLXL_COMPLEX64] = 'c', [MLXL_COMPLEX128] = 'c',
};

static PyObject *
raise_for_status(int32_t status)
{
    switch (status) {
    case MLXL_STATUS_UNSUPPORTED:
        return PyErr_Format(PyExc_TypeError, "_core.scan: operation not defined for this element type");
    case MLXL_STATUS_NO_MEMORY:
        return PyErr_NoMemory();
    case MLXL_STATUS_INTERRUPTED:
        if (PyErr_CheckSignals() < 0) return NULL;
        PyErr_SetNone(PyExc_KeyboardInterrupt);
        return NULL;
    default:
        return PyErr_Format(PyExc_ValueError, "_core.scan: invalid problem (status %d)", (int)status);
    }
}

/*
 * scan(a, op, dtype, axis, reverse, inclusive) -> ndarray
 *
 * a: ndarray in native byte order whose elements are `dtype` (an mlxl_dtype);
 * op: an mlxl_op; axis: None (flattened, C order) or 0 <= axis < a.ndim.
 */
static PyObject *
scan(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 6) {
        return PyErr_Format(PyExc_TypeError, "_core.scan expects 6 arguments, got %zd", nargs);
    }
    if (!PyArray_Check(args[0])) {
        return PyErr_Format(PyExc_TypeError, "_core.scan: expected a numpy.ndarray, got %.200s",
                            Py_TYPE(args[0])->tp_name);
    }
    PyArrayObject *array = (PyArrayObject *)args[0];
    long op = PyLong_AsLong(args[1]);
    long dtype = PyLong_AsLong(args[2]);
    if ((op == -1 || dtype == -1) && PyErr_Occurred()) return NULL;
    int reverse = PyObject_IsTrue(args[4]);
    int inclusive = PyObject_IsTrue(args[5]);
    if (reverse < 0 || inclusive < 0) return NULL;

    int ndim = PyArray_NDIM(array);
    long axis = -1;
    if (args[3] != Py_None) {
        axis = PyLong_AsLong(args[3]);
        if (axis == -1 && PyErr_Occurred()) return NULL;
        if (axis < 0 || axis >= ndim) {
            return PyErr_Format(PyExc_ValueError, "_core.scan: axis %ld out of range for %d dimensions", axis, ndim);
        }
    }
    if (op < 0 || op >= MLXL_OP_COUNT || dtype < 0 || dtype >= MLXL_DTYPE_COUNT) {
        return PyErr_Format(PyExc_ValueError, "_core.scan: unknown operation %ld or element code %ld", op, dtype);
    }
    PyArray_Descr *descr = PyArray_DESCR(array);
    if (PyDataType_ELSIZE(descr) != mlxl_element_size((int32_t)dtype) || descr->kind != expected_kind[dtype]) {
        return PyErr_Format(PyExc_TypeError, "_core.scan: array elements do not match element code %ld", dtype);
    }
    if (PyArray_ISBYTESWAPPED(array)) {
        return PyErr_Format(PyExc_ValueError, "_core.scan: array must be in native byte order");
    }

    /* Misaligned data (a view at an odd byte offset) is scanned from an aligned copy. */
    Py_INCREF(array);
    if (!PyArray_ISALIGNED(array)) {
        PyArrayObject *aligned = (PyArrayObject *)PyArray_NewCopy(array, NPY_KEEPORDER);
        Py_DECREF(array);
        if (aligned == NULL) return NULL;
        array = aligned;
    }

    npy_intp size = PyArray_SIZE(array);
    PyArrayObject *result;
    Py_INCREF(descr);
    if (axis == -1) {
        npy_intp length = size;
        result = (PyArrayObject *)PyArray_NewFromDescr(&PyArray_Type, descr, 1, &length, NULL, NULL, 0, NULL);
    } else {
        result = (PyArrayObject *)PyArray_NewLikeArray(array, NPY_KEEPORDER, descr, 0);
    }
    if (result == NULL || size == 0) {
        Py_DECREF(array);
        return (PyObject *)result;
    }

    mlxl_scan_problem problem;
    problem.op = (int32_t)op;
    problem.dtype = (int32_t)dtype;
    problem.axis = (int32_t)axis;
    problem.reverse = reverse;
    problem.inclusive = inclusive;
    problem.input = PyArray_DATA(array);
    problem.output = PyArray_DATA(result);
    problem.interrupt = NULL;
    if (ndim == 0) {
        /* A 0-d array scans as one element. */
        problem.ndim = 1;
        problem.shape[0] = 1;
        problem.input_strides[0] = 0;
        problem.output_strides[0] = 0;
    } else {
        problem.ndim = ndim;
        const npy_intp *shape = PyArray_DIMS(array);
        const npy_intp *input_strides = PyArray_STRIDES(array);
        const npy_intp *output_strides = PyArray_STRIDES(result);
        for (int i = 0; i < ndim; i++) {
            problem.shape[i] = shape[i];
            problem.input_strides[i] = input_strides[i];
            problem.output_strides[i] = axis == -1 ? 0 : output_strides[i];
        }
    }

    int32_t status;
    Py_BEGIN_ALLOW_THREADS
    status = mlxl_scan(&problem);
    Py_END_ALLOW_THREADS
    Py_DECREF(array);
    if (status != MLXL_STATUS_OK) {
        Py_DECREF(result);
        return raise_for_status(status);
    }
    return (PyObject *)result;
}

static PyMethodDef methods[] = {
    {"scan", (PyCFunction)(void (*)(void))scan, METH_FASTCALL,
     "scan(a, op, dtype, axis, reverse, inclusive) -> ndarray\n\n"
     "The scan of a native-order ndarray along axis (None: flattened, C order).\n"
     "Internal: mlx_lite's public functions validate their arguments and call this."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "mlx_lite._core",
    "mlx_lite's native core: NumPy buffers in, Swift scan kernels, NumPy arrays out.", -1, methods,
};

PyMODINIT_FUNC
PyInit__core(void)
{
    import_array();
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    /* The codes of scan_abi.h, so that Python never writes a number down twice. */
#define EXPORT(prefix, name) \
    if (PyModule_AddIntConstant(m, #name, prefix##name) < 0) goto fail;
    EXPORT(MLXL_OP_, SUM) EXPORT(MLXL_OP_, PROD) EXPORT(MLXL_OP_, MAX) EXPORT(MLXL_OP_, MIN)
    EXPORT(MLXL_OP_, LOGADDEXP)
    EXPORT(MLXL_, BOOL) EXPORT(MLXL_, INT8) EXPORT(MLXL_, INT16) EXPORT(MLXL_, INT32) EXPORT(MLXL_, INT64)
    EXPORT(MLXL_, UINT8) EXPORT(MLXL_, UINT16) EXPORT(MLXL_, UINT32) EXPORT(MLXL_, UINT64)
    EXPORT(MLXL_, FLOAT16) EXPORT(MLXL_, BFLOAT16) EXPORT(MLXL_, FLOAT32) EXPORT(MLXL_, FLOAT64)
    EXPORT(MLXL_, COMPLEX64) EXPORT(MLXL_, COMPLEX128)
#undef EXPORT
    if (PyModule_AddIntConstant(m, "available_cpus", mlxl_available_cpus()) < 0) goto fail;
    return m;
fail:
    Py_DECREF(m);
    return NULL;
}
