"""The scans: MLX's signatures on NumPy data, computed by the Swift engine.

Each public function validates and normalises its arguments here, then makes
one call into the extension, which allocates the result and runs the kernel
with the GIL released.
"""

from __future__ import annotations

import operator
from typing import Any, Callable, Dict, Optional, SupportsIndex, Type, TypeVar, Union, overload

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from ._native import core as _core
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
_scan_core: Callable[..., NDArray[Any]] = _core.scan

# The types of the signatures below. The overloads tell a type checker MLX's
# result-dtype rules for NumPy arrays whose dtype it knows; anything else (a
# list, a scalar, an array of unknown dtype) gives NDArray[Any]. Their order
# matters, for the way mypy chooses among overloads:
#
# * the generic overload comes before the one for booleans (and, for
#   logcumsumexp, integers), with its type variable bounded to numbers (or
#   inexact numbers): an argument such as ``np.zeros(3, np.float32)`` is
#   inferred in the context of the first overload, and a first context of
#   NDArray[np.bool_] would make it a boolean array; an array of unknown
#   dtype matches both, so its result is Any (not int32);
# * after the generic overloads, one for any other NumPy array (or dtype=)
#   returns NDArray[np.generic], not Any: it is reached when the generic one
#   fails because the result is assigned to an array of another dtype, and
#   that must stay an error instead of falling through to Any.
_ScalarT = TypeVar("_ScalarT", bound=np.generic)  # only in _DTypeOf
_NumberT = TypeVar("_NumberT", bound="np.number[Any]")
_InexactT = TypeVar("_InexactT", bound="np.inexact[Any]")
#: A ``dtype=`` naming one scalar type: ``np.float32``, ``np.dtype(np.float32)``, ``mlx_lite.float32``.
_DTypeOf = Union[Type[_ScalarT], "np.dtype[_ScalarT]"]
#: A ``dtype=`` naming bool (which cumsum turns into int32).
_BoolDType = Union[Type[bool], Type[np.bool_], "np.dtype[np.bool_]"]
_Axis = Optional[SupportsIndex]
_Flag = Union[bool, np.bool_]


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


# Each function: the overloads a type checker sees, then the one definition
# that runs (whose signature ``inspect.signature`` and ``help`` show).


@overload
def cumsum(
    a: NDArray[_NumberT], /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    dtype: None = None, stream: StreamOrDevice = None,
) -> NDArray[_NumberT]: ...
@overload
def cumsum(
    a: NDArray[np.bool_], /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    dtype: None = None, stream: StreamOrDevice = None,
) -> NDArray[np.int32]: ...
@overload
def cumsum(
    a: NDArray[np.generic], /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    dtype: None = None, stream: StreamOrDevice = None,
) -> NDArray[np.generic]: ...
@overload
def cumsum(
    a: ArrayLike, /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    dtype: _DTypeOf[_NumberT], stream: StreamOrDevice = None,
) -> NDArray[_NumberT]: ...
@overload
def cumsum(
    a: ArrayLike, /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    dtype: _BoolDType, stream: StreamOrDevice = None,
) -> NDArray[np.int32]: ...
@overload
def cumsum(
    a: ArrayLike, /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    dtype: _DTypeOf[np.generic], stream: StreamOrDevice = None,
) -> NDArray[np.generic]: ...
@overload
def cumsum(
    a: ArrayLike, /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    dtype: Optional[DTypeLike] = None, stream: StreamOrDevice = None,
) -> NDArray[Any]: ...
def cumsum(
    a: ArrayLike, /, axis: Optional[SupportsIndex] = None, *, reverse: Union[bool, np.bool_] = False,
    inclusive: Union[bool, np.bool_] = True, dtype: Optional[DTypeLike] = None, stream: StreamOrDevice = None,
) -> NDArray[Any]:
    """Return the cumulative sum of the elements along the given axis.

    Args:
        a (array_like): Input array: a NumPy array of any memory layout, or
            anything ``numpy.asarray`` accepts (a list, a scalar, an ``mx.array``).
        axis (int, optional): The axis to sum along. If unspecified, the
            flattened array is summed (in C order) and the result is 1-D.
        reverse (bool): Sum from the last element towards the first.
        inclusive (bool): Whether the i-th element of the output includes the
            i-th element of the input. If False, the outputs are shifted by one
            and start from 0.
        dtype (Dtype, optional): Cast the input to this type before summing:
            a NumPy dtype or scalar type, a name such as ``"float32"``, or
            ``mlx_lite.float32`` and the like.
        stream (Stream, optional): The stream or device to run on. Only the
            CPU exists here; a GPU stream raises ``ValueError``.

    Returns:
        numpy.ndarray: A new array. Its dtype follows MLX: a sum of booleans
        is ``int32``, every other dtype keeps its own (integers wrap on
        overflow). float16 and bfloat16 accumulate in float32, float32 in
        float64, and each output is rounded once.

    Example:
        >>> import mlx_lite as mx
        >>> mx.cumsum([1, 2, 3, 4], reverse=True, inclusive=False)
        array([9, 7, 4, 0])
        >>> mx.cumsum([True, True, False])
        array([1, 2, 2], dtype=int32)
    """
    return _scan("cumsum", a, axis, reverse, inclusive, dtype, stream)


@overload
def cumprod(
    a: NDArray[_NumberT], /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    dtype: None = None, stream: StreamOrDevice = None,
) -> NDArray[_NumberT]: ...
@overload
def cumprod(
    a: NDArray[np.bool_], /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    dtype: None = None, stream: StreamOrDevice = None,
) -> NDArray[np.bool_]: ...
@overload
def cumprod(
    a: NDArray[np.generic], /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    dtype: None = None, stream: StreamOrDevice = None,
) -> NDArray[np.generic]: ...
@overload
def cumprod(
    a: ArrayLike, /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    dtype: _DTypeOf[_NumberT], stream: StreamOrDevice = None,
) -> NDArray[_NumberT]: ...
@overload
def cumprod(
    a: ArrayLike, /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    dtype: _BoolDType, stream: StreamOrDevice = None,
) -> NDArray[np.bool_]: ...
@overload
def cumprod(
    a: ArrayLike, /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    dtype: _DTypeOf[np.generic], stream: StreamOrDevice = None,
) -> NDArray[np.generic]: ...
@overload
def cumprod(
    a: ArrayLike, /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    dtype: Optional[DTypeLike] = None, stream: StreamOrDevice = None,
) -> NDArray[Any]: ...
def cumprod(
    a: ArrayLike, /, axis: Optional[SupportsIndex] = None, *, reverse: Union[bool, np.bool_] = False,
    inclusive: Union[bool, np.bool_] = True, dtype: Optional[DTypeLike] = None, stream: StreamOrDevice = None,
) -> NDArray[Any]:
    """Return the cumulative product of the elements along the given axis.

    Args:
        a (array_like): Input array: a NumPy array of any memory layout, or
            anything ``numpy.asarray`` accepts.
        axis (int, optional): The axis to multiply along. If unspecified, the
            flattened array is multiplied (in C order) and the result is 1-D.
        reverse (bool): Multiply from the last element towards the first.
        inclusive (bool): Whether the i-th element of the output includes the
            i-th element of the input. If False, the outputs are shifted by one
            and start from 1.
        dtype (Dtype, optional): Cast the input to this type before multiplying.
        stream (Stream, optional): The stream or device to run on. Only the
            CPU exists here; a GPU stream raises ``ValueError``.

    Returns:
        numpy.ndarray: A new array of the input's dtype. Booleans stay boolean
        (a running logical and); integer products wrap on overflow.

    Example:
        >>> import mlx_lite as mx
        >>> mx.cumprod([1, 2, 3, 4])
        array([ 1,  2,  6, 24])
    """
    return _scan("cumprod", a, axis, reverse, inclusive, dtype, stream)


@overload
def cummax(
    a: NDArray[_NumberT], /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    stream: StreamOrDevice = None,
) -> NDArray[_NumberT]: ...
@overload
def cummax(
    a: NDArray[np.bool_], /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    stream: StreamOrDevice = None,
) -> NDArray[np.bool_]: ...
@overload
def cummax(
    a: NDArray[np.generic], /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    stream: StreamOrDevice = None,
) -> NDArray[np.generic]: ...
@overload
def cummax(
    a: ArrayLike, /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    stream: StreamOrDevice = None,
) -> NDArray[Any]: ...
def cummax(
    a: ArrayLike, /, axis: Optional[SupportsIndex] = None, *, reverse: Union[bool, np.bool_] = False,
    inclusive: Union[bool, np.bool_] = True, stream: StreamOrDevice = None,
) -> NDArray[Any]:
    """Return the cumulative maximum of the elements along the given axis.

    Args:
        a (array_like): Input array: a NumPy array of any memory layout, or
            anything ``numpy.asarray`` accepts.
        axis (int, optional): The axis to scan. If unspecified, the flattened
            array is scanned (in C order) and the result is 1-D.
        reverse (bool): Scan from the last element towards the first.
        inclusive (bool): Whether the i-th element of the output includes the
            i-th element of the input. If False, the outputs are shifted by one
            and start from the lowest value of the dtype (-inf, the integer
            minimum, False).
        stream (Stream, optional): The stream or device to run on. Only the
            CPU exists here; a GPU stream raises ``ValueError``.

    Returns:
        numpy.ndarray: A new array of the input's dtype. NaN propagates;
        complex values compare by real part, then imaginary part.

    Example:
        >>> import mlx_lite as mx
        >>> mx.cummax([1, 3, 2, 5])
        array([1, 3, 3, 5])
    """
    return _scan("cummax", a, axis, reverse, inclusive, None, stream)


@overload
def cummin(
    a: NDArray[_NumberT], /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    stream: StreamOrDevice = None,
) -> NDArray[_NumberT]: ...
@overload
def cummin(
    a: NDArray[np.bool_], /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    stream: StreamOrDevice = None,
) -> NDArray[np.bool_]: ...
@overload
def cummin(
    a: NDArray[np.generic], /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    stream: StreamOrDevice = None,
) -> NDArray[np.generic]: ...
@overload
def cummin(
    a: ArrayLike, /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    stream: StreamOrDevice = None,
) -> NDArray[Any]: ...
def cummin(
    a: ArrayLike, /, axis: Optional[SupportsIndex] = None, *, reverse: Union[bool, np.bool_] = False,
    inclusive: Union[bool, np.bool_] = True, stream: StreamOrDevice = None,
) -> NDArray[Any]:
    """Return the cumulative minimum of the elements along the given axis.

    Args:
        a (array_like): Input array: a NumPy array of any memory layout, or
            anything ``numpy.asarray`` accepts.
        axis (int, optional): The axis to scan. If unspecified, the flattened
            array is scanned (in C order) and the result is 1-D.
        reverse (bool): Scan from the last element towards the first.
        inclusive (bool): Whether the i-th element of the output includes the
            i-th element of the input. If False, the outputs are shifted by one
            and start from the highest value of the dtype (+inf, the integer
            maximum, True).
        stream (Stream, optional): The stream or device to run on. Only the
            CPU exists here; a GPU stream raises ``ValueError``.

    Returns:
        numpy.ndarray: A new array of the input's dtype. NaN propagates;
        complex values compare by real part, then imaginary part.

    Example:
        >>> import mlx_lite as mx
        >>> mx.cummin([3, 1, 2, 0])
        array([3, 1, 1, 0])
    """
    return _scan("cummin", a, axis, reverse, inclusive, None, stream)


@overload
def logcumsumexp(
    a: NDArray[_InexactT], /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    stream: StreamOrDevice = None,
) -> NDArray[_InexactT]: ...
@overload
def logcumsumexp(
    a: NDArray[Union[np.bool_, np.integer[Any]]], /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    stream: StreamOrDevice = None,
) -> NDArray[np.float32]: ...
@overload
def logcumsumexp(
    a: NDArray[np.generic], /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    stream: StreamOrDevice = None,
) -> NDArray[np.generic]: ...
@overload
def logcumsumexp(
    a: ArrayLike, /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,
    stream: StreamOrDevice = None,
) -> NDArray[Any]: ...
def logcumsumexp(
    a: ArrayLike, /, axis: Optional[SupportsIndex] = None, *, reverse: Union[bool, np.bool_] = False,
    inclusive: Union[bool, np.bool_] = True, stream: StreamOrDevice = None,
) -> NDArray[Any]:
    """Return the cumulative log-sum-exp of the elements along the given axis:
    ``log(exp(a[0]) + ... + exp(a[i]))``, computed without overflow.

    Args:
        a (array_like): Input array: a NumPy array of any memory layout, or
            anything ``numpy.asarray`` accepts.
        axis (int, optional): The axis to scan. If unspecified, the flattened
            array is scanned (in C order) and the result is 1-D.
        reverse (bool): Scan from the last element towards the first.
        inclusive (bool): Whether the i-th element of the output includes the
            i-th element of the input. If False, the outputs are shifted by one
            and start from -inf.
        stream (Stream, optional): The stream or device to run on. Only the
            CPU exists here; a GPU stream raises ``ValueError``.

    Returns:
        numpy.ndarray: A new array: ``float32`` for boolean and integer
        inputs, otherwise the input's dtype. ``[1000, 1000]`` gives
        ``[1000, 1000.693...]``.

    Example:
        >>> import mlx_lite as mx
        >>> mx.logcumsumexp([0, 0])
        array([0.       , 0.6931472], dtype=float32)
    """
    return _scan("logcumsumexp", a, axis, reverse, inclusive, None, stream)


#: MLX's alias of :func:`cumsum`.
cumulative_sum = cumsum
#: MLX's alias of :func:`cumprod`.
cumulative_prod = cumprod
