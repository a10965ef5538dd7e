"""First-order linear recurrences, ``h[t] = a[t]·h[t−1] + b[t]``, on the scan engine.

The pairs ``(a, b)`` compose associatively (``SwiftScan/README.md``), so the
engine runs a recurrence as it runs a scan: blocked, on every core, with the
same bits for every thread count. This module checks and normalises the
arguments (result dtype, broadcasting, ``axis=None``, ``initial``, ``out=``
and aliasing) and makes one call into the extension.
"""

from __future__ import annotations

from typing import Any, Optional, Tuple, Union

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _table
from ._device import StreamOrDevice, check_stream
from ._dtypes import ELEMENT_CODES, plan_for
from ._native import core as _core
from ._validate import as_array, axis_index, flag, out_array, unsupported

PYTHON_SCALARS = (bool, int, float, complex)
_RECURRENCE_NAMES = frozenset(_table.RECURRENCE_DTYPES)
_DEFAULT = np.dtype(_table.RECURRENCE_DEFAULT)


def element_code(dtype: np.dtype, caller: str) -> int:
    """The engine's code of a dtype a recurrence runs in (registering bfloat16 on first use)."""
    code = ELEMENT_CODES.get(dtype)
    if code is None and plan_for("cumsum", dtype) is not None:
        code = ELEMENT_CODES.get(dtype)
    if code is None or dtype.name not in _RECURRENCE_NAMES:
        raise unsupported(dtype, caller)
    return code


def recurrence_dtype(dtype: np.dtype, caller: str) -> np.dtype:
    """The dtype a recurrence over ``dtype`` runs in: floats and complex as they are,
    bool and integers in float32 (MLX's default float); anything else is refused."""
    if dtype.kind in "biu":
        return _DEFAULT
    native = dtype.newbyteorder("=")
    if native.name not in _RECURRENCE_NAMES:
        raise unsupported(dtype, caller)
    element_code(native, caller)
    return native


def result_dtype(a: Any, b: np.dtype, caller: str) -> np.dtype:
    """The dtype of a recurrence of ``a`` (a Python scalar, weak, or a dtype) and ``b`` (a dtype)."""
    try:
        kind = np.result_type(a, b)
    except TypeError:
        named = type(a).__name__ if isinstance(a, PYTHON_SCALARS) else np.dtype(a).str
        raise TypeError(f"[{caller}] Unsupported dtypes {named} and {b.str}.") from None
    return recurrence_dtype(kind, caller)


def operand(value: Any, dtype: np.dtype) -> np.ndarray:
    """``value`` as an array of ``dtype``, native and aligned (what the engine reads)."""
    array = np.asarray(value, dtype=dtype)
    if not array.flags.aligned:
        array = array.copy()
    return array


def _broadcast(array: np.ndarray, shape: Tuple[int, ...], name: str, caller: str) -> np.ndarray:
    try:
        return np.broadcast_to(array, shape)
    except ValueError:
        raise ValueError(f"[{caller}] {name} with shape {array.shape} does not broadcast to "
                         f"{shape}.") from None


def _same_view(x: np.ndarray, y: np.ndarray) -> bool:
    return (x.__array_interface__["data"][0] == y.__array_interface__["data"][0]
            and x.shape == y.shape and x.strides == y.strides and x.dtype == y.dtype)


def run(caller: str, a: Any, b: np.ndarray, axis: Optional[int], reverse: bool, initial: Any,
        out: Any, scale: float = 1.0, exact_constant: bool = False) -> np.ndarray:
    """The recurrence ``h = a·h + scale·b`` of arguments already given their dtype:
    ``b`` an ndarray, ``a`` a Python scalar or an ndarray. Broadcasts, flattens
    (``axis=None``), resolves ``initial`` and ``out``, and calls the engine.

    A scalar ``a`` is rounded to b's dtype first, as NumPy would multiply by it,
    unless ``exact_constant`` (ewma's decay: pandas' float64 parameter, which the
    engine carries in the accumulator's precision)."""
    dtype = b.dtype
    constant = isinstance(a, PYTHON_SCALARS) or (isinstance(a, np.ndarray) and a.ndim == 0)
    shape = b.shape if constant else np.broadcast_shapes(a.shape, b.shape)
    b = np.broadcast_to(b, shape)
    if not constant:
        a = np.broadcast_to(a, shape)
    if axis is None:
        shape = (b.size,)
        b = b.reshape(shape)
        if not constant:
            a = a.reshape(shape)
        axis = 0
    if constant:
        rounded = np.asarray(a, dtype=np.complex128 if dtype.kind == "c" else np.float64) if exact_constant \
            else np.asarray(a, dtype=dtype)
        a_constant = complex(rounded[()]) if dtype.kind == "c" else float(rounded[()])
        a_array = None
    else:
        a_constant, a_array = 0.0, a
    start = None
    if initial is not None:
        start = operand(as_array(initial, caller), dtype)
        rest = shape[:axis] + shape[axis + 1:]
        start = np.expand_dims(_broadcast(start, rest, "initial", caller), axis)
        start = np.broadcast_to(start, shape)
    target = None
    if out is not None:
        target = out_array(out, shape, caller)
        direct = target.dtype == dtype and target.dtype.isnative and target.flags.aligned
        if direct:
            # The very same view as an input is read block by block before it is
            # written; any other overlap reads a copy.
            for name in ("b", "a", "start"):
                value = {"b": b, "a": a_array, "start": start}[name]
                if value is not None and np.shares_memory(value, target) and (
                        name == "start" or not _same_view(value, target)):
                    copied = value.copy()
                    if name == "b":
                        b = copied
                    elif name == "a":
                        a_array = copied
                    else:
                        start = copied
        else:
            result = _core.linear_recurrence(b, a_array, a_constant, start, None, axis, reverse, scale,
                                             element_code(dtype, caller))
            np.copyto(target, result, casting="unsafe")
            return target
    return _core.linear_recurrence(b, a_array, a_constant, start, target, axis, reverse, scale,
                                   element_code(dtype, caller))


def linear_recurrence(
    a: Union[ArrayLike, complex],
    b: ArrayLike,
    /,
    axis: Optional[int] = None,
    *,
    reverse: bool = False,
    initial: Optional[ArrayLike] = None,
    out: Optional[NDArray[Any]] = None,
    stream: StreamOrDevice = None,
) -> NDArray[Any]:
    """Return the first-order linear recurrence ``h[t] = a[t] * h[t-1] + b[t]``.

    Exponential moving averages, first-order IIR filters (``scipy.signal.lfilter([1],
    [1, -a], b)``), discounted returns and the diagonal state-space layers of sequence
    models are all this recurrence. It is a scan of the pairs ``(a[t], b[t])``, which
    compose associatively, so it runs blocked on every core, with the same bits for
    every thread count.

    Args:
        a (array_like or scalar): The decay at each step. A Python scalar (the
            constant decay of an EMA) reads one array instead of two.
        b (array_like): The input at each step. ``a`` and ``b`` broadcast against
            each other.
        axis (int, optional): The axis to run along. ``None`` (the default) runs over
            the broadcast inputs flattened in C order, as the scans do.
        reverse (bool): Run from the last element towards the first:
            ``h[t] = a[t] * h[t+1] + b[t]``. Default: ``False``.
        initial (array_like, optional): ``h[-1]`` (``h[n]`` with ``reverse``), which
            broadcasts against the result with ``axis`` removed. Default: 0.
        out (numpy.ndarray, optional): Where to write the result (of the result's
            shape; any dtype, cast as ``np.copyto(..., casting='unsafe')``). It may
            be the very same view as ``a`` or ``b``: the recurrence then runs in place.
        stream (Stream or Device, optional): Accepted for MLX compatibility; the
            recurrence always runs on the CPU.

    Returns:
        numpy.ndarray: A new array (or ``out``) of the broadcast shape (1-D for
        ``axis=None``). Its dtype is NumPy's ``result_type(a, b)`` (a Python scalar
        ``a`` does not widen ``b``), with bool and integers giving float32.
        float16 and bfloat16 accumulate in float32, float32 in float64, complex64
        in complex128, and each output is rounded once.

    Examples:
        >>> import mlx_lite as mx
        >>> mx.linear_recurrence(0.5, [1.0, 1.0, 1.0, 1.0])
        array([1.   , 1.5  , 1.75 , 1.875])
        >>> mx.linear_recurrence([1, 2, 3], [1, 1, 1], initial=10)
        array([11., 23., 70.], dtype=float32)
    """
    caller = "linear_recurrence"
    if not isinstance(a, PYTHON_SCALARS):
        a = as_array(a, caller)
    b = as_array(b, caller)
    reverse = flag(reverse, "reverse", caller)
    if stream is not None:
        check_stream(stream, caller)
    dtype = result_dtype(a if isinstance(a, PYTHON_SCALARS) else a.dtype, b.dtype, caller)
    if axis is not None:
        ndim = b.ndim if isinstance(a, PYTHON_SCALARS) else max(a.ndim, b.ndim)
        axis = axis_index(axis, ndim, caller)
    b = operand(b, dtype)
    if not isinstance(a, PYTHON_SCALARS):
        a = operand(a, dtype)
        try:
            np.broadcast_shapes(a.shape, b.shape)
        except ValueError:
            raise ValueError(f"[{caller}] a with shape {a.shape} and b with shape {b.shape} do not "
                             "broadcast together.") from None
    return run(caller, a, b, axis, reverse, initial, out)
