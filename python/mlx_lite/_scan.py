"""The scans: MLX's signatures on NumPy data, computed by the Swift engine.

Each public function validates and normalises its arguments (``_scan`` below,
with the checks of ``_validate``), then makes one call into the extension,
which allocates the result and runs the kernel with the GIL released.

The public functions and their docstrings are generated from the one table
(scripts/scan_table.py, by scripts/generate.py) at the end of this file, and
their typing overloads into the stub beside it, ``_scan.pyi``, which type
checkers read instead of this module: adding a scan adds a row there, not code
here.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, SupportsIndex, Union

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from ._native import core as _core
from ._device import StreamOrDevice, check_stream
from ._dtypes import Plan, plan_for, plans
from ._validate import (
    AxisError, as_array, axis_index, flag, initial_flag, out_array, result_shape, target_dtype, unsupported,
)

_ndarray = np.ndarray
_scan_core: Callable[..., NDArray[Any]] = _core.scan


def _plan(dtype: np.dtype, table: Dict[np.dtype, Plan], caller: str) -> Plan:
    """The plan for a dtype the fast table missed: a non-native byte order
    (the extension converts it into the result) or bfloat16 before its first use."""
    native = dtype.newbyteorder("=") if not dtype.isnative else dtype
    plan = table.get(native) or plan_for(caller, native)
    if plan is None:
        raise unsupported(dtype, caller)
    return plan


def _scan(caller: str, a: Any, axis: Any, reverse: Any, inclusive: Any, dtype: Any, stream: Any,
          out: Any, include_initial: Any) -> np.ndarray:
    table = plans[caller]
    if type(a) is not _ndarray:
        a = as_array(a, caller)
    plan = table.get(a.dtype) or _plan(a.dtype, table, caller)
    if out is not None:
        return _scan_into(caller, a, axis, reverse, inclusive, dtype, stream, out, include_initial)
    cast, code, operation = plan
    if dtype is not None:
        # Cast first (the extension converts into the result), then MLX's rule.
        target = target_dtype(dtype, caller)
        cast, code, operation = table.get(target) or _plan(target, table, caller)
        if cast is None:
            cast = None if target == a.dtype else target
        elif target != a.dtype:
            a = a.astype(target)  # a rule on top of the cast (bool -> int32): two conversions
    if axis is not None:
        axis = axis_index(axis, a.ndim, caller)
    if reverse is not False and reverse is not True:
        reverse = flag(reverse, "reverse", caller)
    if inclusive is not True and inclusive is not False:
        inclusive = flag(inclusive, "inclusive", caller)
    if stream is not None:
        check_stream(stream, caller)
    if include_initial is not False:
        include_initial = initial_flag(include_initial, inclusive, caller)
    return _scan_core(a, operation, code, axis, reverse, inclusive, cast, include_initial, None)


def _out_dtype(out: Any, caller: str) -> np.dtype:
    """The working dtype ``out=`` names when there is no ``dtype=`` (NumPy's
    ``ufunc.accumulate`` rule): ``out.dtype`` in native order, a supported one."""
    if not isinstance(out, _ndarray):
        raise TypeError(f"[{caller}] out must be a numpy.ndarray, not {type(out).__name__}.")
    try:
        return target_dtype(out.dtype, caller)
    except TypeError:
        raise TypeError(f"[{caller}] Unsupported dtype {out.dtype.str} of out.") from None


def _scan_into(caller: str, a: np.ndarray, axis: Any, reverse: Any, inclusive: Any, dtype: Any, stream: Any,
               out: Any, include_initial: Any) -> np.ndarray:
    """The scan with ``out=``: every argument checked before anything is written.

    The working dtype is ``dtype=``'s, else ``out.dtype``'s; MLX's rules apply to it
    (a bool sum is an int32 sum). The engine writes straight into ``out`` when that
    is the result's dtype (native, aligned); otherwise the result is made and cast
    into ``out`` (``casting='unsafe'``, as ``np.cumsum(..., out=)`` does).

    Aliasing: the very same view as ``a`` is scanned in place (the engine reads
    each element before it writes it); any other overlap, exactly as
    ``np.shares_memory`` finds it, scans a copy of ``a``, so the result is always
    that of the input as it was.
    """
    table = plans[caller]
    working = target_dtype(dtype, caller) if dtype is not None else _out_dtype(out, caller)
    cast, code, operation = table.get(working) or _plan(working, table, caller)
    result = cast if cast is not None else working
    if axis is not None:
        axis = axis_index(axis, a.ndim, caller)
    reverse = flag(reverse, "reverse", caller)
    inclusive = flag(inclusive, "inclusive", caller)
    if stream is not None:
        check_stream(stream, caller)
    include_initial = initial_flag(include_initial, inclusive, caller)
    out = out_array(out, result_shape(a, axis, include_initial), caller)

    if cast is None:
        cast = None if working == a.dtype else working
    elif working != a.dtype:
        a = a.astype(working)  # a rule on top of the cast (bool -> int32): two conversions
    # Only a native, aligned out of the result's dtype, without repeated elements, is written directly.
    direct = out.dtype == result and out.flags.aligned and (out.size < 2 or 0 not in out.strides)
    if not direct:
        # The result is new, so the cast into out cannot overlap a.
        np.copyto(out, _scan_core(a, operation, code, axis, reverse, inclusive, cast, include_initial, None),
                  casting="unsafe")
        return out
    if np.may_share_memory(a, out) and not _same_view(a, out, cast) and _overlaps(a, out):
        a = a.copy(order="K")
    return _scan_core(a, operation, code, axis, reverse, inclusive, cast, include_initial, out)


def _same_view(a: np.ndarray, out: np.ndarray, cast: Optional[np.dtype]) -> bool:
    """Whether ``out`` is ``a`` itself as the engine sees it: same memory, dtype, shape and strides."""
    return (cast is None and a.dtype == out.dtype and a.shape == out.shape and a.strides == out.strides
            and a.__array_interface__["data"][0] == out.__array_interface__["data"][0])


def _overlaps(a: np.ndarray, out: np.ndarray) -> bool:
    """The exact test, bounded: where it is too hard to decide, assume an overlap."""
    try:
        return bool(np.shares_memory(a, out, max_work=100_000))
    except np.exceptions.TooHardError:
        return True


# Each function: the one definition that runs, whose signature ``inspect.signature``
# and ``help`` show. A type checker sees the overloads of ``_scan.pyi`` instead.

# --- Generated by scripts/generate.py from scripts/scan_table.py: do not edit by hand. ---
__all__ = [
    "AxisError", "cumsum", "cumulative_sum", "cumprod", "cumulative_prod", "cummax", "cummin",
    "logcumsumexp", "nancumsum", "nancumprod", "nancummax", "nancummin",
]


def cumsum(
    a: ArrayLike, /, axis: Optional[SupportsIndex] = None, *, reverse: Union[bool, np.bool_] = False,
    inclusive: Union[bool, np.bool_] = True, dtype: Optional[DTypeLike] = None, stream: StreamOrDevice = None,
    out: Optional[NDArray[Any]] = None, include_initial: Union[bool, np.bool_] = False,
) -> NDArray[Any]:
    """Return the cumulative sum of the elements along the given axis.

    Args:
        a (array_like): Input array: a NumPy array of any memory layout, or
            anything ``numpy.asarray`` accepts (a list, a scalar, an
            ``mx.array``).
        axis (int, optional): The axis to sum along. If unspecified, the
            flattened array is summed (in C order) and the result is 1-D.
        reverse (bool): Sum from the last element towards the first.
        inclusive (bool): Whether the i-th element of the output includes the
            i-th element of the input. If False, the outputs are shifted by one
            and start from 0.
        dtype (Dtype, optional): Cast the input to this type before summing: a
            NumPy dtype or scalar type, a name such as ``"float32"``, or
            ``mlx_lite.float32`` and the like.
        stream (Stream, optional): The stream or device to run on. Only the CPU
            exists here; a GPU stream raises ``ValueError``.
        out (numpy.ndarray, optional): Write the result into this array and
            return it: a writeable array of the result's shape, in any layout;
            it may be ``a`` itself or overlap it (the result is always that of
            ``a`` as it was). Without ``dtype=``, ``out.dtype`` is the dtype
            the scan runs in (NumPy's ``ufunc.accumulate`` rule, then MLX's
            rules); a result of another dtype is cast into ``out``.
        include_initial (bool): Prepend (append, with ``reverse``) the value an
            exclusive scan starts from, 0: n + 1 outputs along the axis, as
            NumPy's ``cumulative_sum``. Needs ``inclusive=True``.

    Returns:
        numpy.ndarray: A new array. Its dtype follows MLX: a sum of booleans is
        ``int32``, every other dtype keeps its own (integers wrap on
        overflow). float16 and bfloat16 accumulate in float32, float32 in
        float64, and each output is rounded once. With ``out=``, ``out``
        itself.

    Examples:
        >>> import mlx_lite as mx
        >>> mx.cumsum([1, 2, 3, 4], reverse=True, inclusive=False)
        array([9, 7, 4, 0])
        >>> mx.cumsum([True, True, False])
        array([1, 2, 2], dtype=int32)
        >>> mx.cumsum([1, 2, 3], include_initial=True)
        array([0, 1, 3, 6])
        >>> import numpy as np
        >>> x = np.array([1, 2, 3], np.int8)
        >>> mx.cumsum(x, out=x) is x
        True
        >>> x
        array([1, 3, 6], dtype=int8)
    """
    return _scan("cumsum", a, axis, reverse, inclusive, dtype, stream, out, include_initial)


def cumprod(
    a: ArrayLike, /, axis: Optional[SupportsIndex] = None, *, reverse: Union[bool, np.bool_] = False,
    inclusive: Union[bool, np.bool_] = True, dtype: Optional[DTypeLike] = None, stream: StreamOrDevice = None,
    out: Optional[NDArray[Any]] = None, include_initial: Union[bool, np.bool_] = False,
) -> NDArray[Any]:
    """Return the cumulative product of the elements along the given axis.

    Args:
        a (array_like): Input array: a NumPy array of any memory layout, or
            anything ``numpy.asarray`` accepts (a list, a scalar, an
            ``mx.array``).
        axis (int, optional): The axis to multiply along. If unspecified, the
            flattened array is multiplied (in C order) and the result is 1-D.
        reverse (bool): Multiply from the last element towards the first.
        inclusive (bool): Whether the i-th element of the output includes the
            i-th element of the input. If False, the outputs are shifted by one
            and start from 1.
        dtype (Dtype, optional): Cast the input to this type before
            multiplying: a NumPy dtype or scalar type, a name such as
            ``"float32"``, or ``mlx_lite.float32`` and the like.
        stream (Stream, optional): The stream or device to run on. Only the CPU
            exists here; a GPU stream raises ``ValueError``.
        out (numpy.ndarray, optional): Write the result into this array and
            return it: a writeable array of the result's shape, in any layout;
            it may be ``a`` itself or overlap it (the result is always that of
            ``a`` as it was). Without ``dtype=``, ``out.dtype`` is the dtype
            the scan runs in (NumPy's ``ufunc.accumulate`` rule, then MLX's
            rules); a result of another dtype is cast into ``out``.
        include_initial (bool): Prepend (append, with ``reverse``) the value an
            exclusive scan starts from, 1: n + 1 outputs along the axis, as
            NumPy's ``cumulative_sum``. Needs ``inclusive=True``.

    Returns:
        numpy.ndarray: A new array of the input's dtype. Booleans stay boolean
        (a running logical and); integer products wrap on overflow. With
        ``out=``, ``out`` itself.

    Examples:
        >>> import mlx_lite as mx
        >>> mx.cumprod([1, 2, 3, 4])
        array([ 1,  2,  6, 24])
    """
    return _scan("cumprod", a, axis, reverse, inclusive, dtype, stream, out, include_initial)


def cummax(
    a: ArrayLike, /, axis: Optional[SupportsIndex] = None, *, reverse: Union[bool, np.bool_] = False,
    inclusive: Union[bool, np.bool_] = True, stream: StreamOrDevice = None,
    out: Optional[NDArray[Any]] = None, include_initial: Union[bool, np.bool_] = False,
) -> NDArray[Any]:
    """Return the cumulative maximum of the elements along the given axis.

    Args:
        a (array_like): Input array: a NumPy array of any memory layout, or
            anything ``numpy.asarray`` accepts (a list, a scalar, an
            ``mx.array``).
        axis (int, optional): The axis to scan along. If unspecified, the
            flattened array is scanned (in C order) and the result is 1-D.
        reverse (bool): Scan from the last element towards the first.
        inclusive (bool): Whether the i-th element of the output includes the
            i-th element of the input. If False, the outputs are shifted by one
            and start from the lowest value of the dtype (-inf, the integer
            minimum, False).
        stream (Stream, optional): The stream or device to run on. Only the CPU
            exists here; a GPU stream raises ``ValueError``.
        out (numpy.ndarray, optional): Write the result into this array and
            return it: a writeable array of the result's shape, in any layout;
            it may be ``a`` itself or overlap it (the result is always that of
            ``a`` as it was). Without ``dtype=``, ``out.dtype`` is the dtype
            the scan runs in (NumPy's ``ufunc.accumulate`` rule, then MLX's
            rules); a result of another dtype is cast into ``out``.
        include_initial (bool): Prepend (append, with ``reverse``) the value an
            exclusive scan starts from, the lowest value of the dtype (-inf,
            the integer minimum, False): n + 1 outputs along the axis, as
            NumPy's ``cumulative_sum``. Needs ``inclusive=True``.

    Returns:
        numpy.ndarray: A new array of the input's dtype. NaN propagates;
        complex values compare by real part, then imaginary part. With
        ``out=``, ``out`` itself.

    Examples:
        >>> import mlx_lite as mx
        >>> mx.cummax([1, 3, 2, 5])
        array([1, 3, 3, 5])
    """
    return _scan("cummax", a, axis, reverse, inclusive, None, stream, out, include_initial)


def cummin(
    a: ArrayLike, /, axis: Optional[SupportsIndex] = None, *, reverse: Union[bool, np.bool_] = False,
    inclusive: Union[bool, np.bool_] = True, stream: StreamOrDevice = None,
    out: Optional[NDArray[Any]] = None, include_initial: Union[bool, np.bool_] = False,
) -> NDArray[Any]:
    """Return the cumulative minimum of the elements along the given axis.

    Args:
        a (array_like): Input array: a NumPy array of any memory layout, or
            anything ``numpy.asarray`` accepts (a list, a scalar, an
            ``mx.array``).
        axis (int, optional): The axis to scan along. If unspecified, the
            flattened array is scanned (in C order) and the result is 1-D.
        reverse (bool): Scan from the last element towards the first.
        inclusive (bool): Whether the i-th element of the output includes the
            i-th element of the input. If False, the outputs are shifted by one
            and start from the highest value of the dtype (+inf, the integer
            maximum, True).
        stream (Stream, optional): The stream or device to run on. Only the CPU
            exists here; a GPU stream raises ``ValueError``.
        out (numpy.ndarray, optional): Write the result into this array and
            return it: a writeable array of the result's shape, in any layout;
            it may be ``a`` itself or overlap it (the result is always that of
            ``a`` as it was). Without ``dtype=``, ``out.dtype`` is the dtype
            the scan runs in (NumPy's ``ufunc.accumulate`` rule, then MLX's
            rules); a result of another dtype is cast into ``out``.
        include_initial (bool): Prepend (append, with ``reverse``) the value an
            exclusive scan starts from, the highest value of the dtype (+inf,
            the integer maximum, True): n + 1 outputs along the axis, as
            NumPy's ``cumulative_sum``. Needs ``inclusive=True``.

    Returns:
        numpy.ndarray: A new array of the input's dtype. NaN propagates;
        complex values compare by real part, then imaginary part. With
        ``out=``, ``out`` itself.

    Examples:
        >>> import mlx_lite as mx
        >>> mx.cummin([3, 1, 2, 0])
        array([3, 1, 1, 0])
    """
    return _scan("cummin", a, axis, reverse, inclusive, None, stream, out, include_initial)


def logcumsumexp(
    a: ArrayLike, /, axis: Optional[SupportsIndex] = None, *, reverse: Union[bool, np.bool_] = False,
    inclusive: Union[bool, np.bool_] = True, stream: StreamOrDevice = None,
    out: Optional[NDArray[Any]] = None, include_initial: Union[bool, np.bool_] = False,
) -> NDArray[Any]:
    """Return the cumulative log-sum-exp of the elements along the given axis:
    ``log(exp(a[0]) + ... + exp(a[i]))``, computed without overflow.

    Args:
        a (array_like): Input array: a NumPy array of any memory layout, or
            anything ``numpy.asarray`` accepts (a list, a scalar, an
            ``mx.array``).
        axis (int, optional): The axis to scan along. If unspecified, the
            flattened array is scanned (in C order) and the result is 1-D.
        reverse (bool): Scan from the last element towards the first.
        inclusive (bool): Whether the i-th element of the output includes the
            i-th element of the input. If False, the outputs are shifted by one
            and start from -inf.
        stream (Stream, optional): The stream or device to run on. Only the CPU
            exists here; a GPU stream raises ``ValueError``.
        out (numpy.ndarray, optional): Write the result into this array and
            return it: a writeable array of the result's shape, in any layout;
            it may be ``a`` itself or overlap it (the result is always that of
            ``a`` as it was). Without ``dtype=``, ``out.dtype`` is the dtype
            the scan runs in (NumPy's ``ufunc.accumulate`` rule, then MLX's
            rules); a result of another dtype is cast into ``out``.
        include_initial (bool): Prepend (append, with ``reverse``) the value an
            exclusive scan starts from, -inf: n + 1 outputs along the axis, as
            NumPy's ``cumulative_sum``. Needs ``inclusive=True``.

    Returns:
        numpy.ndarray: A new array: ``float32`` for boolean and integer inputs,
        otherwise the input's dtype. ``[1000, 1000]`` gives ``[1000,
        1000.693...]``. With ``out=``, ``out`` itself.

    Examples:
        >>> import mlx_lite as mx
        >>> mx.logcumsumexp([0, 0])
        array([0.       , 0.6931472], dtype=float32)
    """
    return _scan("logcumsumexp", a, axis, reverse, inclusive, None, stream, out, include_initial)


def nancumsum(
    a: ArrayLike, /, axis: Optional[SupportsIndex] = None, *, reverse: Union[bool, np.bool_] = False,
    inclusive: Union[bool, np.bool_] = True, dtype: Optional[DTypeLike] = None, stream: StreamOrDevice = None,
    out: Optional[NDArray[Any]] = None, include_initial: Union[bool, np.bool_] = False,
) -> NDArray[Any]:
    """Return the cumulative sum, NaN counted as zero of the elements along the given axis.

    Args:
        a (array_like): Input array: a NumPy array of any memory layout, or
            anything ``numpy.asarray`` accepts (a list, a scalar, an
            ``mx.array``).
        axis (int, optional): The axis to sum along. If unspecified, the
            flattened array is summed (in C order) and the result is 1-D.
        reverse (bool): Sum from the last element towards the first.
        inclusive (bool): Whether the i-th element of the output includes the
            i-th element of the input. If False, the outputs are shifted by one
            and start from 0.
        dtype (Dtype, optional): Cast the input to this type before summing: a
            NumPy dtype or scalar type, a name such as ``"float32"``, or
            ``mlx_lite.float32`` and the like.
        stream (Stream, optional): The stream or device to run on. Only the CPU
            exists here; a GPU stream raises ``ValueError``.
        out (numpy.ndarray, optional): Write the result into this array and
            return it: a writeable array of the result's shape, in any layout;
            it may be ``a`` itself or overlap it (the result is always that of
            ``a`` as it was). Without ``dtype=``, ``out.dtype`` is the dtype
            the scan runs in (NumPy's ``ufunc.accumulate`` rule, then MLX's
            rules); a result of another dtype is cast into ``out``.
        include_initial (bool): Prepend (append, with ``reverse``) the value an
            exclusive scan starts from, 0: n + 1 outputs along the axis, as
            NumPy's ``cumulative_sum``. Needs ``inclusive=True``.

    Returns:
        numpy.ndarray: A new array, with :func:`cumsum`'s dtype: NaN (in
        complex values, a NaN in either part) counts as 0, as in
        ``numpy.nancumsum``; on integers and booleans it is :func:`cumsum`.
        With ``out=``, ``out`` itself.

    Examples:
        >>> import mlx_lite as mx
        >>> mx.nancumsum([1.0, float('nan'), 2.0])
        array([1., 1., 3.])
    """
    return _scan("nancumsum", a, axis, reverse, inclusive, dtype, stream, out, include_initial)


def nancumprod(
    a: ArrayLike, /, axis: Optional[SupportsIndex] = None, *, reverse: Union[bool, np.bool_] = False,
    inclusive: Union[bool, np.bool_] = True, dtype: Optional[DTypeLike] = None, stream: StreamOrDevice = None,
    out: Optional[NDArray[Any]] = None, include_initial: Union[bool, np.bool_] = False,
) -> NDArray[Any]:
    """Return the cumulative product, NaN counted as one of the elements along the given axis.

    Args:
        a (array_like): Input array: a NumPy array of any memory layout, or
            anything ``numpy.asarray`` accepts (a list, a scalar, an
            ``mx.array``).
        axis (int, optional): The axis to multiply along. If unspecified, the
            flattened array is multiplied (in C order) and the result is 1-D.
        reverse (bool): Multiply from the last element towards the first.
        inclusive (bool): Whether the i-th element of the output includes the
            i-th element of the input. If False, the outputs are shifted by one
            and start from 1.
        dtype (Dtype, optional): Cast the input to this type before
            multiplying: a NumPy dtype or scalar type, a name such as
            ``"float32"``, or ``mlx_lite.float32`` and the like.
        stream (Stream, optional): The stream or device to run on. Only the CPU
            exists here; a GPU stream raises ``ValueError``.
        out (numpy.ndarray, optional): Write the result into this array and
            return it: a writeable array of the result's shape, in any layout;
            it may be ``a`` itself or overlap it (the result is always that of
            ``a`` as it was). Without ``dtype=``, ``out.dtype`` is the dtype
            the scan runs in (NumPy's ``ufunc.accumulate`` rule, then MLX's
            rules); a result of another dtype is cast into ``out``.
        include_initial (bool): Prepend (append, with ``reverse``) the value an
            exclusive scan starts from, 1: n + 1 outputs along the axis, as
            NumPy's ``cumulative_sum``. Needs ``inclusive=True``.

    Returns:
        numpy.ndarray: A new array of the input's dtype: NaN (in complex
        values, a NaN in either part) counts as 1, as in
        ``numpy.nancumprod``; on integers and booleans it is
        :func:`cumprod`. With ``out=``, ``out`` itself.

    Examples:
        >>> import mlx_lite as mx
        >>> mx.nancumprod([2.0, float('nan'), 3.0])
        array([2., 2., 6.])
    """
    return _scan("nancumprod", a, axis, reverse, inclusive, dtype, stream, out, include_initial)


def nancummax(
    a: ArrayLike, /, axis: Optional[SupportsIndex] = None, *, reverse: Union[bool, np.bool_] = False,
    inclusive: Union[bool, np.bool_] = True, stream: StreamOrDevice = None,
    out: Optional[NDArray[Any]] = None, include_initial: Union[bool, np.bool_] = False,
) -> NDArray[Any]:
    """Return the cumulative maximum, skipping NaN of the elements along the given axis.

    Args:
        a (array_like): Input array: a NumPy array of any memory layout, or
            anything ``numpy.asarray`` accepts (a list, a scalar, an
            ``mx.array``).
        axis (int, optional): The axis to scan along. If unspecified, the
            flattened array is scanned (in C order) and the result is 1-D.
        reverse (bool): Scan from the last element towards the first.
        inclusive (bool): Whether the i-th element of the output includes the
            i-th element of the input. If False, the outputs are shifted by one
            and start from the lowest value of the dtype (-inf, the integer
            minimum, False).
        stream (Stream, optional): The stream or device to run on. Only the CPU
            exists here; a GPU stream raises ``ValueError``.
        out (numpy.ndarray, optional): Write the result into this array and
            return it: a writeable array of the result's shape, in any layout;
            it may be ``a`` itself or overlap it (the result is always that of
            ``a`` as it was). Without ``dtype=``, ``out.dtype`` is the dtype
            the scan runs in (NumPy's ``ufunc.accumulate`` rule, then MLX's
            rules); a result of another dtype is cast into ``out``.
        include_initial (bool): Prepend (append, with ``reverse``) the value an
            exclusive scan starts from, the lowest value of the dtype (-inf,
            the integer minimum, False): n + 1 outputs along the axis, as
            NumPy's ``cumulative_sum``. Needs ``inclusive=True``.

    Returns:
        numpy.ndarray: A new array of the input's dtype, as
        ``numpy.fmax.accumulate``: NaN is skipped, and an output is NaN
        only while every element so far is NaN; complex values compare by
        real part, then imaginary part. With ``out=``, ``out`` itself.

    Examples:
        >>> import mlx_lite as mx
        >>> mx.nancummax([float('nan'), 1.0, float('nan'), 3.0])
        array([nan,  1.,  1.,  3.])
    """
    return _scan("nancummax", a, axis, reverse, inclusive, None, stream, out, include_initial)


def nancummin(
    a: ArrayLike, /, axis: Optional[SupportsIndex] = None, *, reverse: Union[bool, np.bool_] = False,
    inclusive: Union[bool, np.bool_] = True, stream: StreamOrDevice = None,
    out: Optional[NDArray[Any]] = None, include_initial: Union[bool, np.bool_] = False,
) -> NDArray[Any]:
    """Return the cumulative minimum, skipping NaN of the elements along the given axis.

    Args:
        a (array_like): Input array: a NumPy array of any memory layout, or
            anything ``numpy.asarray`` accepts (a list, a scalar, an
            ``mx.array``).
        axis (int, optional): The axis to scan along. If unspecified, the
            flattened array is scanned (in C order) and the result is 1-D.
        reverse (bool): Scan from the last element towards the first.
        inclusive (bool): Whether the i-th element of the output includes the
            i-th element of the input. If False, the outputs are shifted by one
            and start from the highest value of the dtype (+inf, the integer
            maximum, True).
        stream (Stream, optional): The stream or device to run on. Only the CPU
            exists here; a GPU stream raises ``ValueError``.
        out (numpy.ndarray, optional): Write the result into this array and
            return it: a writeable array of the result's shape, in any layout;
            it may be ``a`` itself or overlap it (the result is always that of
            ``a`` as it was). Without ``dtype=``, ``out.dtype`` is the dtype
            the scan runs in (NumPy's ``ufunc.accumulate`` rule, then MLX's
            rules); a result of another dtype is cast into ``out``.
        include_initial (bool): Prepend (append, with ``reverse``) the value an
            exclusive scan starts from, the highest value of the dtype (+inf,
            the integer maximum, True): n + 1 outputs along the axis, as
            NumPy's ``cumulative_sum``. Needs ``inclusive=True``.

    Returns:
        numpy.ndarray: A new array of the input's dtype, as
        ``numpy.fmin.accumulate``: NaN is skipped, and an output is NaN
        only while every element so far is NaN; complex values compare by
        real part, then imaginary part. With ``out=``, ``out`` itself.

    Examples:
        >>> import mlx_lite as mx
        >>> mx.nancummin([float('nan'), 3.0, float('nan'), 1.0])
        array([nan,  3.,  3.,  1.])
    """
    return _scan("nancummin", a, axis, reverse, inclusive, None, stream, out, include_initial)


#: MLX's alias of :func:`cumsum`.
cumulative_sum = cumsum
#: MLX's alias of :func:`cumprod`.
cumulative_prod = cumprod
# --- End of generated code. ---
