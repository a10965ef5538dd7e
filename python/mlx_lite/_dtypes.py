"""The dtypes mlx_lite scans, and the result-type rules of each scan.

One table says how each NumPy dtype is stored for the Swift engine (its
element code, read from the extension so no number is written twice);
``plans`` derives, for every operation and input dtype, what to cast to first
and which kernel runs, from MLX's rules:

* a sum of booleans is an ``int32`` sum;
* ``logcumsumexp`` of booleans and integers is computed in ``float32``;
* every other scan keeps the input's dtype (integers wrap on overflow).
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import numpy as np
from numpy.typing import DTypeLike

from ._native import core as _core

__all__ = [
    "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "complex64", "complex128",
]

# Each name's precise type, for type checkers (``mlx_lite.float32`` is a
# ``numpy.dtype[numpy.float32]``, so ``cumsum(a, dtype=mlx_lite.float32)`` is
# typed as a float32 array).
int8: np.dtype[np.int8]
int16: np.dtype[np.int16]
int32: np.dtype[np.int32]
int64: np.dtype[np.int64]
uint8: np.dtype[np.uint8]
uint16: np.dtype[np.uint16]
uint32: np.dtype[np.uint32]
uint64: np.dtype[np.uint64]
float16: np.dtype[np.float16]
float32: np.dtype[np.float32]
float64: np.dtype[np.float64]
complex64: np.dtype[np.complex64]
complex128: np.dtype[np.complex128]

bool_: np.dtype[np.bool_] = np.dtype(np.bool_)
int8, int16, int32, int64 = (np.dtype(f"int{bits}") for bits in (8, 16, 32, 64))
uint8, uint16, uint32, uint64 = (np.dtype(f"uint{bits}") for bits in (8, 16, 32, 64))
float16, float32, float64 = (np.dtype(f"float{bits}") for bits in (16, 32, 64))
complex64, complex128 = np.dtype(np.complex64), np.dtype(np.complex128)

#: Element code of each (native byte order) dtype, by the extension's own names.
ELEMENT_CODES: Dict[np.dtype, int] = {
    dtype: getattr(_core, "BOOL" if dtype == bool_ else dtype.name.upper())
    for dtype in (bool_, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
                  float16, float32, float64, complex64, complex128)
}

#: Operation codes, by the public function that runs each.
OPERATIONS: Dict[str, int] = {
    "cumsum": _core.SUM,
    "cumprod": _core.PROD,
    "cummax": _core.MAX,
    "cummin": _core.MIN,
    "logcumsumexp": _core.LOGADDEXP,
}

#: (dtype to cast to first, or None; element code of the kernel)
Plan = Tuple[Optional[np.dtype], int]


def result_dtype(operation: str, dtype: np.dtype) -> np.dtype:
    """MLX's result dtype of ``operation`` on ``dtype`` (a supported, native dtype)."""
    if operation == "cumsum" and dtype == bool_:
        return int32
    if operation == "logcumsumexp" and dtype.kind in "biu":
        return float32
    return dtype


def _plan(operation: str, dtype: np.dtype) -> Plan:
    target = result_dtype(operation, dtype)
    return (None if target == dtype else target), ELEMENT_CODES[target]


#: plans[operation][dtype]: generated for every operation and supported dtype.
plans: Dict[str, Dict[np.dtype, Plan]] = {
    operation: {dtype: _plan(operation, dtype) for dtype in ELEMENT_CODES}
    for operation in OPERATIONS
}


def _bfloat16() -> Optional[np.dtype]:
    """ml_dtypes' bfloat16, registered on first use; None when ml_dtypes is not installed."""
    try:
        import ml_dtypes
    except ImportError:
        return None
    dtype: np.dtype[Any] = np.dtype(ml_dtypes.bfloat16)
    if dtype not in ELEMENT_CODES:
        ELEMENT_CODES[dtype] = _core.BFLOAT16
        for operation, table in plans.items():
            table[dtype] = _plan(operation, dtype)
    return dtype


def plan_for(operation: str, dtype: np.dtype) -> Optional[Plan]:
    """The plan for a dtype the fast table did not hold: bfloat16 before its
    first use. None when the dtype is not supported."""
    if dtype.name == "bfloat16" and dtype.kind == "V" and _bfloat16() == dtype:
        return plans[operation][dtype]
    return None


def resolve(dtype: DTypeLike, caller: str) -> np.dtype:
    """The NumPy dtype a ``dtype=`` argument names: a NumPy dtype, a type,
    a string, one of mlx_lite's names, or one of MLX's (``mx.float32``)."""
    if isinstance(dtype, np.dtype):
        return dtype
    kind = type(dtype)
    if kind.__module__.split(".")[0] == "mlx" and kind.__name__ == "Dtype":
        name = str(dtype).rsplit(".", 1)[-1]
        if name == "bfloat16":
            found = _bfloat16()
            if found is not None:
                return found
        dtype = name
    if dtype == "bfloat16" or getattr(dtype, "__name__", None) == "bfloat16":
        found = _bfloat16()
        if found is not None:
            return found
    try:
        return np.dtype(dtype)
    except (TypeError, ValueError):
        raise TypeError(f"[{caller}] Invalid dtype {dtype!r}.") from None


def __getattr__(name: str) -> np.dtype:
    if name == "bfloat16":
        found = _bfloat16()
        if found is not None:
            return found
        raise AttributeError("mlx_lite.bfloat16 needs the ml_dtypes package (pip install ml_dtypes).")
    raise AttributeError(f"module 'mlx_lite' has no attribute {name!r}")
