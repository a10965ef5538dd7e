"""The scans: MLX's signatures on NumPy data, computed by the Swift engine.

Each public function validates and normalises its arguments here, then makes
one call into the extension, which allocates the result and runs the kernel
with the GIL released.
"""

from __future__ import annotations

import operator
from typing import Any, Dict, Optional

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from . import _core
from ._device import StreamOrDevice, check_stream
from ._dtypes import ELEMENT_CODES, OPERATIONS, Plan, plan_for, plans, resolve

__all__ = [
    "AxisError", "cumsum", "cumulative_sum", "cumprod", "cumulative_prod", "cummax", "cummin",
    "logcumsumexp",
]


class AxisError(IndexError, ValueError):
    """An axis out of range: an ``IndexError``, as MLX raises, and a
    ``ValueError``, as NumPy's ``AxisError`` is."""


_ndarray = np.ndarray
_scan_core = _core.scan


def _as_array(a: Any, caller: str) -> np.ndarray:
    try:
        return np.asarray(a)
    except (TypeError, ValueError) as error:
        raise type(error)(f"[{caller}] Cannot make an array of {type(a).__name__}: {error}") from None


def _unsupported(dtype: np.dtype, caller: str) -> TypeError:
    return TypeError(f"[{caller}] Unsupported dtype {dtype.str}.")


def _plan(dtype: np.dtype, table: Dict[np.dtype, Plan], caller: str) -> Plan:
    """The plan for a dtype the fast table missed: a non-native byte order
    (the extension converts it into the result) or bfloat16 before its first use."""
    native = dtype.newbyteorder("=") if not dtype.isnative else dtype
    plan = table.get(native) or plan_for(caller, native)
    if plan is None:
        raise _unsupported(dtype, caller)
    return plan


def _target(dtype: DTypeLike, caller: str) -> np.dtype:
    """The supported, native dtype a ``dtype=`` argument names."""
    target = resolve(dtype, caller).newbyteorder("=")
    if target not in ELEMENT_CODES and plan_for(caller, target) is None:
        raise _unsupported(target, caller)
    return target


def _axis(axis: Any, ndim: int, caller: str) -> int:
    try:
        index = operator.index(axis)
    except TypeError:
        raise TypeError(f"[{caller}] axis must be an integer or None, not {type(axis).__name__}.") from None
    if not -ndim <= index < ndim:
        raise AxisError(f"[{caller}] Axis {index} is out of bounds for array with {ndim} dimensions.")
    return index % ndim


def _flag(value: Any, name: str, caller: str) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"[{caller}] {name} must be a bool, not {type(value).__name__}.")


def _scan(caller: str, a: Any, axis: Any, reverse: Any, inclusive: Any, dtype: Any, stream: Any) -> np.ndarray:
    table = plans[caller]
    if type(a) is not _ndarray:
        a = _as_array(a, caller)
    plan = table.get(a.dtype) or _plan(a.dtype, table, caller)
    cast, code = plan
    if dtype is not None:
        # Cast first (the extension converts into the result), then MLX's rule.
        target = _target(dtype, caller)
        cast, code = table.get(target) or _plan(target, table, caller)
        if cast is None:
            cast = None if target == a.dtype else target
        elif target != a.dtype:
            a = a.astype(target)  # a rule on top of the cast (bool -> int32): two conversions
    if axis is not None:
        axis = _axis(axis, a.ndim, caller)
    if reverse is not False and reverse is not True:
        reverse = _flag(reverse, "reverse", caller)
    if inclusive is not True and inclusive is not False:
        inclusive = _flag(inclusive, "inclusive", caller)
    if stream is not None:
        check_stream(stream, caller)
    return _scan_core(a, OPERATIONS[caller], code, axis, reverse, inclusive, cast)


def cumsum(
    a: ArrayLike, /, axis: Optional[int] = None, *, reverse: bool = False, inclusive: bool = True,
    dtype: Optional[DTypeLike] = None, stream: StreamOrDevice = None,
) -> np.ndarray:
    """Return the cumulative sum of the elements along an axis.

    Args:
        a: Input array: a NumPy array of any layout, or anything
            ``numpy.asarray`` accepts (lists, scalars, ``mx.array``).
        axis: The axis to sum along. ``None`` (the default) sums the
            flattened array, in C order, and returns a 1-D result.
        reverse: Sum from the last element towards the first.
        inclusive: If True, the i-th output includes the i-th input;
            if False, outputs are shifted by one and start from 0.
        dtype: Cast the input to this dtype before summing.
        stream: The stream or device to run on; only the CPU exists here.

    Returns:
        A new array. Its dtype follows MLX: booleans sum as ``int32``,
        every other dtype keeps its own (integers wrap on overflow).
        float16 and bfloat16 accumulate in float32, float32 in float64.

    Example:
        >>> import mlx_lite as mx
        >>> mx.cumsum([1, 2, 3, 4], reverse=True, inclusive=False)
        array([9, 7, 4, 0])
    """
    return _scan("cumsum", a, axis, reverse, inclusive, dtype, stream)


def cumprod(
    a: ArrayLike, /, axis: Optional[int] = None, *, reverse: bool = False, inclusive: bool = True,
    dtype: Optional[DTypeLike] = None, stream: StreamOrDevice = None,
) -> np.ndarray:
    """Return the cumulative product of the elements along an axis.

    Args:
        a: Input array (any NumPy layout, or anything ``numpy.asarray`` accepts).
        axis: The axis to multiply along; ``None`` multiplies the flattened
            array in C order.
        reverse: Multiply from the last element towards the first.
        inclusive: If False, outputs are shifted by one and start from 1.
        dtype: Cast the input to this dtype before multiplying.
        stream: The stream or device to run on; only the CPU exists here.

    Returns:
        A new array of the input's dtype (booleans stay boolean: logical
        and); integer products wrap on overflow.

    Example:
        >>> import mlx_lite as mx
        >>> mx.cumprod([1, 2, 3, 4])
        array([ 1,  2,  6, 24])
    """
    return _scan("cumprod", a, axis, reverse, inclusive, dtype, stream)


def cummax(
    a: ArrayLike, /, axis: Optional[int] = None, *, reverse: bool = False, inclusive: bool = True,
    stream: StreamOrDevice = None,
) -> np.ndarray:
    """Return the cumulative maximum of the elements along an axis.

    Args:
        a: Input array (any NumPy layout, or anything ``numpy.asarray`` accepts).
        axis: The axis to scan; ``None`` scans the flattened array in C order.
        reverse: Scan from the last element towards the first.
        inclusive: If False, outputs are shifted by one and start from the
            lowest value of the dtype (-inf, the integer minimum, False).
        stream: The stream or device to run on; only the CPU exists here.

    Returns:
        A new array of the input's dtype. NaN propagates; complex values
        compare by real part, then imaginary part.

    Example:
        >>> import mlx_lite as mx
        >>> mx.cummax([1, 3, 2, 5])
        array([1, 3, 3, 5])
    """
    return _scan("cummax", a, axis, reverse, inclusive, None, stream)


def cummin(
    a: ArrayLike, /, axis: Optional[int] = None, *, reverse: bool = False, inclusive: bool = True,
    stream: StreamOrDevice = None,
) -> np.ndarray:
    """Return the cumulative minimum of the elements along an axis.

    Args:
        a: Input array (any NumPy layout, or anything ``numpy.asarray`` accepts).
        axis: The axis to scan; ``None`` scans the flattened array in C order.
        reverse: Scan from the last element towards the first.
        inclusive: If False, outputs are shifted by one and start from the
            highest value of the dtype (+inf, the integer maximum, True).
        stream: The stream or device to run on; only the CPU exists here.

    Returns:
        A new array of the input's dtype. NaN propagates; complex values
        compare by real part, then imaginary part.

    Example:
        >>> import mlx_lite as mx
        >>> mx.cummin([3, 1, 2, 0])
        array([3, 1, 1, 0])
    """
    return _scan("cummin", a, axis, reverse, inclusive, None, stream)


def logcumsumexp(
    a: ArrayLike, /, axis: Optional[int] = None, *, reverse: bool = False, inclusive: bool = True,
    stream: StreamOrDevice = None,
) -> np.ndarray:
    """Return the cumulative log-sum-exp of the elements along an axis:
    ``log(exp(a[0]) + ... + exp(a[i]))``, computed without overflow.

    Args:
        a: Input array (any NumPy layout, or anything ``numpy.asarray`` accepts).
        axis: The axis to scan; ``None`` scans the flattened array in C order.
        reverse: Scan from the last element towards the first.
        inclusive: If False, outputs are shifted by one and start from -inf.
        stream: The stream or device to run on; only the CPU exists here.

    Returns:
        A new array: ``float32`` for boolean and integer inputs, otherwise
        the input's dtype. ``[1000, 1000]`` gives ``[1000, 1000.693...]``.

    Example:
        >>> import mlx_lite as mx
        >>> mx.logcumsumexp([0.0, 0.0])
        array([0.       , 0.6931472])
    """
    return _scan("logcumsumexp", a, axis, reverse, inclusive, None, stream)


#: MLX's alias of :func:`cumsum`.
cumulative_sum = cumsum
#: MLX's alias of :func:`cumprod`.
cumulative_prod = cumprod
