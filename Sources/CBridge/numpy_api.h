/*
 * NumPy's C API for every file of the module: one table of function pointers,
 * filled by import_array() in module.c (which defines MLXL_IMPORTS_NUMPY);
 * the other files only read it.
 */
#ifndef MLX_LITE_CBRIDGE_NUMPY_API_H
#define MLX_LITE_CBRIDGE_NUMPY_API_H
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define PY_ARRAY_UNIQUE_SYMBOL mlxl_numpy_api
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#ifndef MLXL_IMPORTS_NUMPY
#define NO_IMPORT_ARRAY
#endif
#include <numpy/arrayobject.h>

#endif
