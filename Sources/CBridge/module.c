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
#define MLXL_IMPORTS_NUMPY
#include "numpy_api.h"

#include "allocation.h"
#include "cbridge.h"
#include "interrupt.h"
#include "recurrence.h"
#include "result_cache.h"
#include "scan_abi.h"
#include "scan_codes.h" /* MLXL_EXPORTED_CODES: generated from scripts/scan_table.py */
#include "staging.h" /* mlxl_scan_call and the result and input steps of scan() */

/* The arguments, checked as far as memory safety needs; 0 on success, -1 with an exception set. */
static int
parse_arguments(PyObject *const *args, Py_ssize_t nargs, mlxl_scan_call *call)
{
    if (nargs != 9) {
        PyErr_Format(PyExc_TypeError, "_core.scan expects 9 arguments, got %zd", nargs);
        return -1;
    }
    if (!PyArray_Check(args[0])) {
        PyErr_Format(PyExc_TypeError, "_core.scan: expected a numpy.ndarray, got %.200s", Py_TYPE(args[0])->tp_name);
        return -1;
    }
    call->array = (PyArrayObject *)args[0];
    call->cast = args[6];
    call->op = PyLong_AsLong(args[1]);
    call->dtype = PyLong_AsLong(args[2]);
    if ((call->op == -1 || call->dtype == -1) && PyErr_Occurred()) return -1;
    call->reverse = PyObject_IsTrue(args[4]);
    call->inclusive = PyObject_IsTrue(args[5]);
    call->include_initial = PyObject_IsTrue(args[7]);
    if (call->reverse < 0 || call->inclusive < 0 || call->include_initial < 0) return -1;
    if (args[8] == Py_None) {
        call->out = NULL;
    } else if (PyArray_Check(args[8])) {
        call->out = (PyArrayObject *)args[8];
    } else {
        PyErr_Format(PyExc_TypeError, "_core.scan: out must be None or a numpy.ndarray, got %.200s", Py_TYPE(args[8])->tp_name);
        return -1;
    }

    int ndim = PyArray_NDIM(call->array);
    call->axis = -1;
    if (args[3] != Py_None) {
        call->axis = PyLong_AsLong(args[3]);
        if (call->axis == -1 && PyErr_Occurred()) return -1;
        if (call->axis < 0 || call->axis >= ndim) {
            PyErr_Format(PyExc_ValueError, "_core.scan: axis %ld out of range for %d dimensions", call->axis, ndim);
            return -1;
        }
    }
    if (call->op < 0 || call->op >= MLXL_OP_COUNT || call->dtype < 0 || call->dtype >= MLXL_DTYPE_COUNT) {
        PyErr_Format(PyExc_ValueError, "_core.scan: unknown operation %ld or element code %ld", call->op, call->dtype);
        return -1;
    }
    if (call->axis == -1) {
        call->ndim = 1;
        call->shape[0] = PyArray_SIZE(call->array) + call->include_initial;
    } else {
        call->ndim = ndim;
        memcpy(call->shape, PyArray_DIMS(call->array), ndim * sizeof(npy_intp));
        call->shape[call->axis] += call->include_initial;
    }
    return 0;
}


/* The engine's problem: codes, flags, pointers, shape and byte strides (a 0-d array is one element). */
static void
describe_problem(const mlxl_scan_call *call, PyArrayObject *source, PyArrayObject *result, mlxl_scan_problem *problem)
{
    int ndim = PyArray_NDIM(call->array);
    problem->op = (int32_t)call->op;
    problem->dtype = (int32_t)call->dtype;
    problem->axis = (int32_t)call->axis;
    problem->reverse = call->reverse;
    problem->inclusive = call->inclusive;
    problem->input = PyArray_DATA(source);
    problem->output = PyArray_DATA(result);
    problem->include_initial = call->include_initial;
    /* The flattened output's stride (0: dense), read by the engine for axis -1. */
    npy_intp flat_stride = call->axis == -1 && call->out != NULL ? PyArray_STRIDES(result)[0] : 0;
    if (ndim == 0) {
        problem->ndim = 1;
        problem->shape[0] = 1;
        problem->input_strides[0] = 0;
        problem->output_strides[0] = flat_stride;
        return;
    }
    problem->ndim = ndim;
    const npy_intp *shape = PyArray_DIMS(call->array);
    const npy_intp *input_strides = PyArray_STRIDES(source);
    const npy_intp *output_strides = PyArray_STRIDES(result);
    for (int i = 0; i < ndim; i++) {
        problem->shape[i] = shape[i];
        problem->input_strides[i] = input_strides[i];
        problem->output_strides[i] = call->axis == -1 ? (i == 0 ? flat_stride : 0) : output_strides[i];
    }
}

static int32_t
run_scan(void *problem)
{
    return mlxl_scan((const mlxl_scan_problem *)problem);
}

/*
 * scan(a, op, dtype, axis, reverse, inclusive, cast, include_initial, out) -> ndarray
 *
 * a: an ndarray; op: an mlxl_op; dtype: the mlxl_dtype of the result;
 * axis: None (flattened, C order) or 0 <= axis < a.ndim; cast: None, or the
 * NumPy dtype of the result when it differs from a's; include_initial: one
 * more output along the axis, the exclusive scan's start (with inclusive);
 * out: None, or the array to write into and return (any strides; the result's
 * shape and dtype). The Python layer resolves aliasing: `out` is either
 * disjoint from `a` or the very same view (an in-place scan, which the engine does).
 *
 * When a is in its result dtype, native byte order and aligned, the engine
 * reads it directly. Otherwise (a cast, a byte-swapped or misaligned input)
 * the input is first converted into the result array itself (out, when
 * given), which is then scanned in place: no input-sized temporary either
 * way, except with include_initial, whose result has another shape.
 */
static PyObject *
scan(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    mlxl_scan_call call;
    if (parse_arguments(args, nargs, &call) < 0) return NULL;
    int staged;
    PyArray_Descr *descr = mlxl_result_descr(&call, &staged);
    if (descr == NULL) return NULL;
    PyArrayObject *result = mlxl_allocate_result(&call, descr);
    npy_intp size = PyArray_SIZE(call.array);
    /* Nothing to write; but an empty axis with include_initial still has its initial values. */
    if (result == NULL || mlxl_result_size(&call) == 0 || (size == 0 && !call.include_initial)) return (PyObject *)result;

    PyArrayObject *source = mlxl_stage_input(&call, result, staged);
    if (source == NULL) {
        Py_DECREF(result);
        return NULL;
    }
    mlxl_scan_problem problem;
    describe_problem(&call, source, result, &problem);
    int32_t status = mlxl_run_interruptible(run_scan, &problem, &problem.interrupt, size + call.include_initial);
    Py_DECREF(source);
    if (status != MLXL_STATUS_OK) {
        Py_DECREF(result);
        return mlxl_raise_for_status("_core.scan", status);
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
     "scan(a, op, dtype, axis, reverse, inclusive, cast, include_initial, out) -> ndarray\n\n"
     "The scan of an ndarray along axis (None: flattened, C order), in the\n"
     "dtype `cast` (None: a's own, in native byte order); with include_initial,\n"
     "one longer along the axis; written into `out` (returned) when not None.\n"
     "Internal: mlx_lite's public functions validate their arguments and call this."},
    MLXL_RECURRENCE_METHOD,
    {"set_cache_limit", cache_limit, METH_O,
     "set_cache_limit(bytes) -> previous limit: the most the result cache keeps (0: off)."},
    {"get_cache_memory", cache_memory, METH_NOARGS, "get_cache_memory() -> bytes the result cache holds."},
    {"clear_cache", cache_clear, METH_NOARGS, "clear_cache(): frees the result cache's memory."},
    {NULL, NULL, 0, NULL},
};

/* The package builds this module twice (setup.py): for baseline x86-64 as
 * _core, and for Haswell-class CPUs (AVX2, FMA, F16C) as _core_haswell, which
 * mlx_lite._native imports instead where the CPU has those (MLXL_MODULE, in cbridge.h). */
#define MLXL_STRING_(x) #x
#define MLXL_STRING(x) MLXL_STRING_(x)
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
    if (mlxl_find_main_thread() < 0) return NULL;
    if (mlxl_allocation_init() < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    /* The codes of scan_abi.h, which tests compare with mlx_lite._table (both generated from one table). */
#define EXPORT(prefix, name) \
    if (PyModule_AddIntConstant(m, #name, prefix##name) < 0) goto fail;
    MLXL_EXPORTED_CODES(EXPORT)
#undef EXPORT
    if (PyModule_AddIntConstant(m, "available_cpus", mlxl_available_cpus()) < 0) goto fail;
    /* The instruction set this build was compiled for: "baseline" or "haswell". */
    if (PyModule_AddStringConstant(m, "cpu_target", MLXL_CPU_TARGET) < 0) goto fail;
    return m;
fail:
    Py_DECREF(m);
    return NULL;
}
