/* CBridge exports one symbol, the CPython module initialiser (module.c). */
#ifndef MLX_LITE_CBRIDGE_H
#define MLX_LITE_CBRIDGE_H
#include <Python.h>
PyMODINIT_FUNC PyInit__core(void);
#endif
