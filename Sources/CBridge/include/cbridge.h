/*
 * CBridge exports one symbol, the CPython module initialiser (module.c):
 * PyInit__core, or PyInit__core_haswell in the Haswell build, for which
 * setup.py defines MLXL_MODULE=_core_haswell (mlx_lite._native imports the
 * one the CPU can run).
 */
#ifndef MLX_LITE_CBRIDGE_H
#define MLX_LITE_CBRIDGE_H
#include <Python.h>

#ifndef MLXL_MODULE
#define MLXL_MODULE _core
#endif
#define MLXL_JOIN_(a, b) a##b
#define MLXL_JOIN(a, b) MLXL_JOIN_(a, b)

PyMODINIT_FUNC MLXL_JOIN(PyInit_, MLXL_MODULE)(void);
#endif
