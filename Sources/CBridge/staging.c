/*
 * The result of a scan and the input the engine reads: the result's dtype,
 * the result array (out= checked as far as the engine's writes need, or a new
 * array in the input's memory order, from the result cache when large), and a
 * cast, byte-swapped or misaligned input converted straight into the result,
 * which the engine then scans in place. module.c's scan() calls these in order.
 */
#include "staging.h"

#include "allocation.h"

/*
 * `out`, checked as far as the engine's writes need (the Python layer has
 * checked it for the user, with messages naming the function): the result's
 * shape, dtype `descr` in native order, aligned, writeable. A flattened result
 * of several elements with stride 0 is refused: the engine reads stride 0 as dense.
 */
static int
check_out(const mlxl_scan_call *call, PyArray_Descr *descr)
{
    PyArrayObject *out = call->out;
    if (PyArray_NDIM(out) != call->ndim || !PyArray_CompareLists(PyArray_DIMS(out), call->shape, call->ndim)) {
        PyErr_Format(PyExc_ValueError, "_core.scan: out does not have the result's shape");
        return -1;
    }
    if (!PyArray_EquivTypes(PyArray_DESCR(out), descr) || PyArray_ISBYTESWAPPED(out) || !PyArray_ISALIGNED(out)) {
        PyErr_Format(PyExc_TypeError, "_core.scan: out must be aligned, in native byte order and of the result's dtype");
        return -1;
    }
    if (PyArray_FailUnlessWriteable(out, "_core.scan's out") < 0) return -1;
    if (call->axis == -1 && call->shape[0] > 1 && PyArray_STRIDES(out)[0] == 0) {
        PyErr_Format(PyExc_ValueError, "_core.scan: a flattened out must not have stride 0");
        return -1;
    }
    return 0;
}

/*
 * The result's dtype (a new reference): the cast's, or the input's in native
 * byte order. *staged says whether the input must first be converted into the
 * result (a cast, a byte-swapped or a misaligned input).
 */
PyArray_Descr *
mlxl_result_descr(const mlxl_scan_call *call, int *staged)
{
    PyArray_Descr *input_descr = PyArray_DESCR(call->array);
    PyArray_Descr *descr;
    if (call->cast != Py_None) {
        if (!PyArray_DescrCheck(call->cast)) {
            PyErr_Format(PyExc_TypeError, "_core.scan: cast must be None or a numpy.dtype");
            return NULL;
        }
        descr = (PyArray_Descr *)call->cast;
        Py_INCREF(descr);
    } else if (PyArray_ISBYTESWAPPED(call->array)) {
        descr = PyArray_DescrNewByteorder(input_descr, NPY_NATIVE);
        if (descr == NULL) return NULL;
    } else {
        descr = input_descr;
        Py_INCREF(descr);
    }
    if (!mlxl_descr_matches(descr, call->dtype) || PyDataType_ISBYTESWAPPED(descr)) {
        Py_DECREF(descr);
        PyErr_Format(PyExc_TypeError, "_core.scan: result dtype does not match element code %ld", call->dtype);
        return NULL;
    }
    *staged = descr != input_descr || !PyArray_ISALIGNED(call->array);
    if (!*staged && !mlxl_descr_matches(input_descr, call->dtype)) {
        Py_DECREF(descr);
        PyErr_Format(PyExc_TypeError, "_core.scan: array elements do not match element code %ld", call->dtype);
        return NULL;
    }
    return descr;
}

/*
 * A new array of dtype `descr` (stolen) and the result's shape, in the
 * input's memory order (order 'K'). NumPy's PyArray_NewLikeArrayWithShape is
 * not in its C API: the order is taken from a template, the input's memory
 * seen with the result's shape and the input's strides, which is never read.
 */
static PyArrayObject *
new_like_with_shape(const mlxl_scan_call *call, PyArray_Descr *descr)
{
    PyArray_Descr *input_descr = PyArray_DESCR(call->array);
    Py_INCREF(input_descr);
    PyObject *shaped = PyArray_NewFromDescr(&PyArray_Type, input_descr, call->ndim, (npy_intp *)call->shape,
                                              PyArray_STRIDES(call->array), PyArray_DATA(call->array), 0, NULL);
    if (shaped == NULL) {
        Py_DECREF(descr);
        return NULL;
    }
    PyArrayObject *result = (PyArrayObject *)PyArray_NewLikeArray((PyArrayObject *)shaped, NPY_KEEPORDER, descr, 0);
    Py_DECREF(shaped);
    return result;
}

/*
 * The result (a new reference; the reference to `descr` is stolen): `out`,
 * when given, else a new dense array of dtype `descr`: 1-D for the flattened
 * scan, else laid out like the input (order 'K'). Large results come
 * from the result cache: its memory handler is set around the allocation
 * only, and the array keeps it to return its memory there.
 */
PyArrayObject *
mlxl_allocate_result(const mlxl_scan_call *call, PyArray_Descr *descr)
{
    if (call->out != NULL) {
        int checked = check_out(call, descr);
        Py_DECREF(descr);
        if (checked < 0) return NULL;
        Py_INCREF(call->out);
        return call->out;
    }
    npy_intp size = mlxl_result_size(call);
    PyObject *previous = mlxl_cache_scope_begin((size_t)size * (size_t)PyDataType_ELSIZE(descr));
    if (previous == NULL) {
        Py_DECREF(descr);
        return NULL;
    }
    PyArrayObject *result;
    if (call->axis == -1) {
        result = (PyArrayObject *)PyArray_NewFromDescr(&PyArray_Type, descr, 1, &size, NULL, NULL, 0, NULL);
    } else if (!call->include_initial) {
        result = (PyArrayObject *)PyArray_NewLikeArray(call->array, NPY_KEEPORDER, descr, 0);
    } else {
        result = new_like_with_shape(call, descr);
    }
    if (mlxl_cache_scope_end(previous) < 0) {
        Py_XDECREF(result);
        return NULL;
    }
    return result;
}

/*
 * The array the engine reads (a new reference): the input itself, or, when
 * staged, the result holding the converted input (for the flattened scan, the
 * flat result seen in the input's shape, C order), which is then scanned in
 * place; with include_initial, whose result is larger, a converted temporary.
 */
PyArrayObject *
mlxl_stage_input(const mlxl_scan_call *call, PyArrayObject *result, int staged)
{
    PyArrayObject *array = call->array;
    if (!staged) {
        Py_INCREF(array);
        return array;
    }
    PyArrayObject *source;
    if (call->include_initial) {
        /* The result is one longer along the axis: convert into a temporary of the input's shape. */
        Py_INCREF(PyArray_DESCR(result));
        source = (PyArrayObject *)PyArray_NewLikeArray(array, NPY_KEEPORDER, PyArray_DESCR(result), 0);
    } else if (call->axis == -1) {
        PyArray_Dims shape = {PyArray_DIMS(array), PyArray_NDIM(array)};
        source = (PyArrayObject *)PyArray_Newshape(result, &shape, NPY_CORDER);
        /* A 1-D array (an out of any stride) always splits into a view; never scan a copy. */
        if (source != NULL && PyArray_DATA(source) != PyArray_DATA(result) && PyArray_SIZE(source) > 0) {
            Py_DECREF(source);
            PyErr_SetString(PyExc_RuntimeError, "_core.scan: could not view the flat result in the input's shape");
            return NULL;
        }
    } else {
        source = result;
        Py_INCREF(source);
    }
    if (source == NULL || PyArray_CopyInto(source, array) < 0) {
        Py_XDECREF(source);
        return NULL;
    }
    return source;
}
