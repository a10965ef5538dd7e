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

#include <signal.h>

#include "cbridge.h"
#include "result_cache.h"
#include "scan_abi.h"

/* The result cache's memory handler (result_cache.c), set around large allocations. */
static PyObject *cache_handler;

/* The NumPy kind character each element code must come with. */
static const char expected_kind[MLXL_DTYPE_COUNT] = {
    [MLXL_BOOL] = 'b',
    [MLXL_INT8] = 'i', [MLXL_INT16] = 'i', [MLXL_INT32] = 'i', [MLXL_INT64] = 'i',
    [MLXL_UINT8] = 'u', [MLXL_UINT16] = 'u', [MLXL_UINT32] = 'u', [MLXL_UINT64] = 'u',
    [MLXL_FLOAT16] = 'f', [MLXL_BFLOAT16] = 'V', [MLXL_FLOAT32] = 'f', [MLXL_FLOAT64] = 'f',
    [MLXL_COMPLEX64] = 'c', [MLXL_COMPLEX128] = 'c',
};

/*
 * Ctrl-C during a long scan. The scan runs with the GIL released, so Python
 * cannot act on SIGINT until it returns. For a large scan on the main thread
 * the bridge puts its own SIGINT handler in front of Python's: it raises the
 * engine's interrupt flag (polled between blocks) and then calls Python's
 * handler, which records the signal; the bridge then drops the partial result
 * and lets PyErr_CheckSignals raise KeyboardInterrupt. Only the main thread
 * installs it (Python delivers KeyboardInterrupt there), so one scan at a
 * time owns the flag; small scans skip the two system calls.
 */
enum { INTERRUPTIBLE_ELEMENTS = 1 << 20 };
static volatile int32_t interrupt_flag;
static struct sigaction python_sigint;
static unsigned long main_thread;

static void
on_sigint(int signum)
{
    interrupt_flag = 1;
    python_sigint.sa_handler(signum);
}

/* Installs the handler if Python has a handler function for SIGINT; returns whether it did. */
static int
intercept_sigint(void)
{
    if (PyThread_get_thread_ident() != main_thread) return 0;
    struct sigaction current;
    if (sigaction(SIGINT, NULL, &current) != 0) return 0;
    if ((current.sa_flags & SA_SIGINFO) || current.sa_handler == SIG_DFL || current.sa_handler == SIG_IGN) {
        return 0;
    }
    struct sigaction ours = current;
    ours.sa_handler = on_sigint;
    python_sigint = current;
    interrupt_flag = 0;
    return sigaction(SIGINT, &ours, NULL) == 0;
}

static void
release_sigint(void)
{
    sigaction(SIGINT, &python_sigint, NULL);
}

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

/* Whether `descr` stores element code `dtype`: the same size and NumPy kind. */
static int
descr_matches(PyArray_Descr *descr, long dtype)
{
    return PyDataType_ELSIZE(descr) == mlxl_element_size((int32_t)dtype) && descr->kind == expected_kind[dtype];
}

/*
 * scan(a, op, dtype, axis, reverse, inclusive, cast) -> ndarray
 *
 * a: an ndarray; op: an mlxl_op; dtype: the mlxl_dtype of the result;
 * axis: None (flattened, C order) or 0 <= axis < a.ndim; cast: None, or the
 * NumPy dtype of the result when it differs from a's.
 *
 * When a is in its result dtype, native byte order and aligned, the engine
 * reads it directly. Otherwise (a cast, a byte-swapped or misaligned input)
 * the input is first converted into the result array itself, which is then
 * scanned in place: no input-sized temporary either way.
 */
static PyObject *
scan(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 7) {
        return PyErr_Format(PyExc_TypeError, "_core.scan expects 7 arguments, got %zd", nargs);
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

    /* The result's dtype: the cast's, or the input's in native byte order. */
    PyArray_Descr *input_descr = PyArray_DESCR(array);
    PyArray_Descr *descr;
    if (args[6] != Py_None) {
        if (!PyArray_DescrCheck(args[6])) {
            return PyErr_Format(PyExc_TypeError, "_core.scan: cast must be None or a numpy.dtype");
        }
        descr = (PyArray_Descr *)args[6];
        Py_INCREF(descr);
    } else if (PyArray_ISBYTESWAPPED(array)) {
        descr = PyArray_DescrNewByteorder(input_descr, NPY_NATIVE);
        if (descr == NULL) return NULL;
    } else {
        descr = input_descr;
        Py_INCREF(descr);
    }
    if (!descr_matches(descr, dtype) || PyDataType_ISBYTESWAPPED(descr)) {
        Py_DECREF(descr);
        return PyErr_Format(PyExc_TypeError, "_core.scan: result dtype does not match element code %ld", dtype);
    }
    int staged = descr != input_descr || !PyArray_ISALIGNED(array);
    if (!staged && !descr_matches(input_descr, dtype)) {
        Py_DECREF(descr);
        return PyErr_Format(PyExc_TypeError, "_core.scan: array elements do not match element code %ld", dtype);
    }

    npy_intp size = PyArray_SIZE(array);
    /* Large results come from the result cache: the array keeps the handler and returns its memory there. */
    PyObject *previous_handler = NULL;
    if ((size_t)size * (size_t)PyDataType_ELSIZE(descr) >= MLXL_CACHE_MIN_BYTES) {
        previous_handler = PyDataMem_SetHandler(cache_handler);
        if (previous_handler == NULL) {
            Py_DECREF(descr);
            return NULL;
        }
    }
    PyArrayObject *result;
    if (axis == -1) {
        npy_intp length = size;
        result = (PyArrayObject *)PyArray_NewFromDescr(&PyArray_Type, descr, 1, &length, NULL, NULL, 0, NULL);
    } else {
        result = (PyArrayObject *)PyArray_NewLikeArray(array, NPY_KEEPORDER, descr, 0);
    }
    if (previous_handler != NULL) {
        PyObject *ours = PyDataMem_SetHandler(previous_handler);
        Py_DECREF(previous_handler);
        if (ours == NULL) {
            Py_XDECREF(result);
            return NULL;
        }
        Py_DECREF(ours);
    }
    if (result == NULL || size == 0) return (PyObject *)result;

    /* The array the engine reads: the input itself, or the result holding the converted input. */
    PyArrayObject *source = array;
    Py_INCREF(source);
    if (staged) {
        Py_DECREF(source);
        if (axis == -1) {
            /* The flat result, seen in the input's shape (C order). */
            PyArray_Dims shape = {PyArray_DIMS(array), ndim};
            source = (PyArrayObject *)PyArray_Newshape(result, &shape, NPY_CORDER);
        } else {
            source = result;
            Py_INCREF(source);
        }
        if (source == NULL || PyArray_CopyInto(source, array) < 0) {
            Py_XDECREF(source);
            Py_DECREF(result);
            return NULL;
        }
    }

    mlxl_scan_problem problem;
    problem.op = (int32_t)op;
    problem.dtype = (int32_t)dtype;
    problem.axis = (int32_t)axis;
    problem.reverse = reverse;
    problem.inclusive = inclusive;
    problem.input = PyArray_DATA(source);
    problem.output = PyArray_DATA(result);
    int intercepted = size >= INTERRUPTIBLE_ELEMENTS && intercept_sigint();
    problem.interrupt = intercepted ? &interrupt_flag : NULL;
    if (ndim == 0) {
        /* A 0-d array scans as one element. */
        problem.ndim = 1;
        problem.shape[0] = 1;
        problem.input_strides[0] = 0;
        problem.output_strides[0] = 0;
    } else {
        problem.ndim = ndim;
        const npy_intp *shape = PyArray_DIMS(array);
        const npy_intp *input_strides = PyArray_STRIDES(source);
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
    if (intercepted) release_sigint();
    Py_DECREF(source);
    if (status != MLXL_STATUS_OK) {
        Py_DECREF(result);
        return raise_for_status(status);
    }
    return (PyObject *)result;
}

static PyObject *
cache_limit(PyObject *self, PyObject *arg)
{
    (void)self;
    unsigned long long bytes = PyLong_AsUnsignedLongLong(arg);
    if (bytes == (unsigned long long)-1 && PyErr_Occurred()) return NULL;
    return PyLong_FromSize_t(mlxl_cache_set_limit((size_t)bytes));
}

static PyObject *
cache_memory(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyLong_FromSize_t(mlxl_cache_held());
}

static PyObject *
cache_clear(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    mlxl_cache_clear();
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"scan", (PyCFunction)(void (*)(void))scan, METH_FASTCALL,
     "scan(a, op, dtype, axis, reverse, inclusive, cast) -> ndarray\n\n"
     "The scan of an ndarray along axis (None: flattened, C order), in the\n"
     "dtype `cast` (None: a's own, in native byte order).\n"
     "Internal: mlx_lite's public functions validate their arguments and call this."},
    {"set_cache_limit", cache_limit, METH_O,
     "set_cache_limit(bytes) -> previous limit: the most the result cache keeps (0: off)."},
    {"get_cache_memory", cache_memory, METH_NOARGS, "get_cache_memory() -> bytes the result cache holds."},
    {"clear_cache", cache_clear, METH_NOARGS, "clear_cache(): frees the result cache's memory."},
    {NULL, NULL, 0, NULL},
};

/* The package builds this module twice (setup.py): for baseline x86-64 as
 * _core, and for Haswell-class CPUs (AVX2, FMA, F16C) as _core_haswell, which
 * mlx_lite._native imports instead where the CPU has those. */
#ifndef MLXL_MODULE
#define MLXL_MODULE _core
#endif
#define MLXL_STRING_(x) #x
#define MLXL_STRING(x) MLXL_STRING_(x)
#define MLXL_JOIN_(a, b) a##b
#define MLXL_JOIN(a, b) MLXL_JOIN_(a, b)
#if defined(__AVX2__) && defined(__F16C__) && defined(__FMA__)
#define MLXL_CPU_TARGET "haswell"
#else
#define MLXL_CPU_TARGET "baseline"
#endif

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "mlx_lite." MLXL_STRING(MLXL_MODULE),
    "mlx_lite's native core: NumPy buffers in, Swift scan kernels, NumPy arrays out.", -1, methods,
};

PyMODINIT_FUNC
MLXL_JOIN(PyInit_, MLXL_MODULE)(void)
{
    import_array();
    /* The thread Python delivers signals to (the module may be imported elsewhere). */
    PyObject *threading = PyImport_ImportModule("threading");
    PyObject *main = threading ? PyObject_CallMethod(threading, "main_thread", NULL) : NULL;
    PyObject *ident = main ? PyObject_GetAttrString(main, "ident") : NULL;
    main_thread = ident ? PyLong_AsUnsignedLong(ident) : PyThread_get_thread_ident();
    Py_XDECREF(ident);
    Py_XDECREF(main);
    Py_XDECREF(threading);
    if (PyErr_Occurred()) return NULL;
    if (cache_handler == NULL && (cache_handler = mlxl_cache_handler()) == NULL) return NULL;
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
    /* The instruction set this build was compiled for: "baseline" or "haswell". */
    if (PyModule_AddStringConstant(m, "cpu_target", MLXL_CPU_TARGET) < 0) goto fail;
    return m;
fail:
    Py_DECREF(m);
    return NULL;
}
