"""The argument checks every scan makes, in memory (``_scan``) and on Dask
arrays (``dask``): one place, so both raise the same exceptions with the same
messages (MLX's, where MLX has one), in the same order."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from ._dtypes import ELEMENT_CODES, plan_for, resolve


class AxisError(IndexError, ValueError):
    """An axis out of range: an ``IndexError``, as MLX raises, and a
    ``ValueError``, as NumPy's ``AxisError`` is."""


def as_array(a: Any, caller: str) -> np.ndarray:
    """``numpy.asarray(a)``, its failure naming the caller."""
    try:
        return np.asarray(a)
    except (TypeError, ValueError) as error:
        raise type(error)(f"[{caller}] Cannot make an array of {type(a).__name__}: {error}") from None


def unsupported(dtype: np.dtype, caller: str) -> TypeError:
    return TypeError(f"[{caller}] Unsupported dtype {dtype.str}.")


def target_dtype(dtype: DTypeLike, caller: str) -> np.dtype:
    """The supported, native dtype a ``dtype=`` argument names."""
    target = resolve(dtype, caller).newbyteorder("=")
    if target not in ELEMENT_CODES and plan_for(caller, target) is None:
        raise unsupported(target, caller)
    return target


def axis_index(axis: Any, ndim: int, caller: str) -> int:
    """``axis`` (anything with ``__index__``, possibly negative) as an index in ``range(ndim)``."""
    try:
        index = operator.index(axis)
    except TypeError:
        raise TypeError(f"[{caller}] axis must be an integer or None, not {type(axis).__name__}.") from None
    if not -ndim <= index < ndim:
        raise AxisError(f"[{caller}] Axis {index} is out of bounds for array with {ndim} dimensions.")
    return index % ndim


def flag(value: Any, name: str, caller: str) -> bool:
    """``reverse`` or ``inclusive``: a bool or ``numpy.bool_``, as MLX is strict about it."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"[{caller}] {name} must be a bool, not {type(value).__name__}.")


def initial_flag(value: Any, inclusive: bool, caller: str) -> bool:
    """``include_initial``: a bool (as ``reverse``), and not with an exclusive scan, whose
    first output already is the initial value (NumPy's ``cumulative_sum`` has no exclusive form)."""
    value = flag(value, "include_initial", caller)
    if value and not inclusive:
        raise ValueError(f"[{caller}] include_initial=True needs inclusive=True: an exclusive scan "
                         "already starts with the initial value.")
    return value


def result_shape(a: np.ndarray, axis: Any, include_initial: bool) -> tuple:
    """The shape of a scan's result: 1-D of ``a.size`` for ``axis=None``, else ``a``'s;
    one longer along the axis with ``include_initial``."""
    extra = int(include_initial)
    if axis is None:
        return (a.size + extra,)
    shape = list(a.shape)
    shape[axis] += extra
    return tuple(shape)


def out_array(out: Any, shape: tuple, caller: str) -> np.ndarray:
    """``out=``: a writeable ndarray of exactly the result's shape (checked before any write)."""
    if not isinstance(out, np.ndarray):
        raise TypeError(f"[{caller}] out must be a numpy.ndarray, not {type(out).__name__}.")
    if out.shape != shape:
        raise ValueError(f"[{caller}] out has shape {out.shape}, but the result has shape {shape}.")
    if not out.flags.writeable:
        raise ValueError(f"[{caller}] out is read-only.")
    return out
