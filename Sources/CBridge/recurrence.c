/*
 * _core.linear_recurrence: buffers in, the engine's mlxl_linear_recurrence
 * with the GIL released, an array out.
 *
 * The Python layer has done the user's work: result dtype, broadcasting
 * (every array arrives in b's shape, `initial` with stride 0 along the
 * axis), conversion (every array in the result's dtype, native and
 * aligned), axis=None (flattened) and aliasing (`out` is disjoint from the
 * inputs or the very same view as one of them: the engine reads each block
 * before it writes it). What is checked here is what keeps memory safe.
 */
#include "recurrence.h"

#include "allocation.h"
#include "interrupt.h"
#include "scan_abi.h"

enum { ARGUMENT_COUNT = 9 };

/* `object` as an array operand: None (NULL), or an ndarray of `shape`, element code `dtype`, native and aligned. */
static int
operand(PyObject *object, const char *name, PyArrayObject *shape, long dtype, PyArrayObject **array)
{
    *array = NULL;
    if (object == Py_None) return 0;
    if (!PyArray_Check(object)) {
        PyErr_Format(PyExc_TypeError, "_core.linear_recurrence: %s must be None or a numpy.ndarray", name);
        return -1;
    }
    PyArrayObject *candidate = (PyArrayObject *)object;
    if (shape != NULL && (PyArray_NDIM(candidate) != PyArray_NDIM(shape)
                          || !PyArray_CompareLists(PyArray_DIMS(candidate), PyArray_DIMS(shape), PyArray_NDIM(shape)))) {
        PyErr_Format(PyExc_ValueError, "_core.linear_recurrence: %s does not have b's shape", name);
        return -1;
    }
    if (!mlxl_descr_matches(PyArray_DESCR(candidate), dtype) || PyArray_ISBYTESWAPPED(candidate)
        || !PyArray_ISALIGNED(candidate)) {
        PyErr_Format(PyExc_TypeError, "_core.linear_recurrence: %s must be aligned, native and of element code %ld",
                     name, dtype);
        return -1;
    }
    *array = candidate;
    return 0;
}

/* A new array like `array` (order 'K'), from the result cache when large. */
static PyArrayObject *
new_result_like(PyArrayObject *array)
{
    PyArray_Descr *descr = PyArray_DESCR(array);
    PyObject *previous = mlxl_cache_scope_begin((size_t)PyArray_NBYTES(array));
    if (previous == NULL) return NULL;
    Py_INCREF(descr);
    PyArrayObject *result = (PyArrayObject *)PyArray_NewLikeArray(array, NPY_KEEPORDER, descr, 0);
    if (mlxl_cache_scope_end(previous) < 0) {
        Py_XDECREF(result);
        return NULL;
    }
    return result;
}

PyObject *
mlxl_empty_like_call(PyObject *Py_UNUSED(module), PyObject *array)
{
    if (!PyArray_Check(array)) {
        PyErr_Format(PyExc_TypeError, "_core.empty_like: expected a numpy.ndarray, got %.200s", Py_TYPE(array)->tp_name);
        return NULL;
    }
    return (PyObject *)new_result_like((PyArrayObject *)array);
}

static int32_t
run_recurrence(void *problem)
{
    return mlxl_linear_recurrence((const mlxl_recurrence_problem *)problem);
}

static void
copy_strides(int64_t *to, PyArrayObject *array, int ndim)
{
    for (int i = 0; i < ndim; i++) to[i] = array != NULL ? PyArray_STRIDES(array)[i] : 0;
}

PyObject *
mlxl_linear_recurrence_call(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != ARGUMENT_COUNT) {
        PyErr_Format(PyExc_TypeError, "_core.linear_recurrence expects %d arguments, got %zd", ARGUMENT_COUNT, nargs);
        return NULL;
    }
    long dtype = PyLong_AsLong(args[8]);
    if (dtype == -1 && PyErr_Occurred()) return NULL;
    if (dtype < 0 || dtype >= MLXL_DTYPE_COUNT) {
        PyErr_Format(PyExc_ValueError, "_core.linear_recurrence: unknown element code %ld", dtype);
        return NULL;
    }
    PyArrayObject *b, *a, *initial, *out;
    if (operand(args[0], "b", NULL, dtype, &b) < 0) return NULL;
    if (b == NULL || PyArray_NDIM(b) < 1) {
        PyErr_SetString(PyExc_TypeError, "_core.linear_recurrence: b must be an ndarray of one dimension or more");
        return NULL;
    }
    if (operand(args[1], "a", b, dtype, &a) < 0 || operand(args[3], "initial", b, dtype, &initial) < 0
        || operand(args[4], "out", b, dtype, &out) < 0) {
        return NULL;
    }
    if (out != NULL && PyArray_FailUnlessWriteable(out, "_core.linear_recurrence's out") < 0) return NULL;
    Py_complex constant = PyComplex_AsCComplex(args[2]);
    if (constant.real == -1.0 && PyErr_Occurred()) return NULL;
    long axis = PyLong_AsLong(args[5]);
    if (axis == -1 && PyErr_Occurred()) return NULL;
    int ndim = PyArray_NDIM(b);
    if (axis < 0 || axis >= ndim) {
        PyErr_Format(PyExc_ValueError, "_core.linear_recurrence: axis %ld out of range for %d dimensions", axis, ndim);
        return NULL;
    }
    int reverse = PyObject_IsTrue(args[6]);
    double scale = PyFloat_AsDouble(args[7]);
    if (reverse < 0 || (scale == -1.0 && PyErr_Occurred())) return NULL;

    PyArrayObject *result = out;
    if (result != NULL) {
        Py_INCREF(result);
    } else if ((result = new_result_like(b)) == NULL) {
        return NULL;
    }
    if (PyArray_SIZE(b) == 0) return (PyObject *)result;

    mlxl_recurrence_problem problem = {0};
    problem.dtype = (int32_t)dtype;
    problem.ndim = ndim;
    problem.axis = (int32_t)axis;
    problem.reverse = reverse;
    problem.a = a != NULL ? PyArray_DATA(a) : NULL;
    problem.b = PyArray_DATA(b);
    problem.initial = initial != NULL ? PyArray_DATA(initial) : NULL;
    problem.output = PyArray_DATA(result);
    problem.a_constant[0] = constant.real;
    problem.a_constant[1] = constant.imag;
    problem.scale = scale;
    for (int i = 0; i < ndim; i++) problem.shape[i] = PyArray_DIMS(b)[i];
    copy_strides(problem.a_strides, a, ndim);
    copy_strides(problem.b_strides, b, ndim);
    copy_strides(problem.initial_strides, initial, ndim);
    copy_strides(problem.output_strides, result, ndim);
    int32_t status = mlxl_run_interruptible(run_recurrence, &problem, &problem.interrupt, PyArray_SIZE(b));
    if (status != MLXL_STATUS_OK) {
        Py_DECREF(result);
        return mlxl_raise_for_status("_core.linear_recurrence", status);
    }
    return (PyObject *)result;
}
