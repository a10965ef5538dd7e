"""pandas' exponentially weighted mean, ``ewm(...).mean()``, as linear recurrences.

With ``β = 1 − α`` (pandas' ``ignore_na=False``, ``min_periods=0``):

* ``adjust=True`` is the weighted average ``Σ β^(t−s)·x[s] / Σ β^(t−s)`` over the
  observed ``s ≤ t``: a ratio of two recurrences, ``num = β·num + x`` and
  ``den = β·den + 1``. Once ``β^t`` is below float64's resolution, ``den`` is
  ``1/α`` to the last bit, and the mean itself is the recurrence
  ``m = β·m + α·x`` from the ratio's last value: one pass over the data.
* ``adjust=False`` is that recurrence from ``m[0] = x[0]``.

NaN (a missing value): outputs are NaN until the first observation; after it,
a NaN carries the previous mean forward while the weights keep decaying, so
the next observation weighs more (pandas' default). That path builds the
per-step coefficients with a few NumPy passes and runs one recurrence with a
varying ``a``; data without NaN never takes it.
"""

from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _recurrence
from ._device import StreamOrDevice, check_stream
from ._native import core as _core
from ._validate import as_array, axis_index, flag, out_array

#: float64's resolution: past β^t < 2^-60 the weights' sum no longer changes.
_SETTLED = 60 * math.log(2)


def center_of_mass(com: Any, span: Any, halflife: Any, alpha: Any, caller: str) -> float:
    """pandas' ``get_center_of_mass``: exactly one parameter, each in its range."""
    given = sum(value is not None for value in (com, span, halflife, alpha))
    if given > 1:
        raise ValueError(f"[{caller}] com, span, halflife, and alpha are mutually exclusive.")
    if given == 0:
        raise ValueError(f"[{caller}] Must pass one of com, span, halflife, or alpha.")
    try:
        if com is not None:
            if not float(com) >= 0:
                raise ValueError(f"[{caller}] com must satisfy: com >= 0.")
            return float(com)
        if span is not None:
            if not float(span) >= 1:
                raise ValueError(f"[{caller}] span must satisfy: span >= 1.")
            return (float(span) - 1) / 2
        if halflife is not None:
            if not float(halflife) > 0:
                raise ValueError(f"[{caller}] halflife must satisfy: halflife > 0.")
            decay = 1 - np.exp(np.log(0.5) / float(halflife))
            return float(1 / decay - 1)
        if not 0 < float(alpha) <= 1:
            raise ValueError(f"[{caller}] alpha must satisfy: 0 < alpha <= 1.")
        return (1 - float(alpha)) / float(alpha)
    except TypeError:
        raise TypeError(f"[{caller}] com, span, halflife and alpha must be real numbers.") from None


def _take(x: np.ndarray, axis: int, index: Any) -> np.ndarray:
    where = [slice(None)] * x.ndim
    where[axis] = index
    return x[tuple(where)]


def _head_weights(n: int, beta: float) -> np.ndarray:
    """``den[t] = Σ_{k≤t} β^k`` for ``t < n``, in float64 (``-expm1((t+1)·log β) / α``)."""
    t = np.arange(1, n + 1, dtype=np.float64)
    return -np.expm1(t * math.log(beta)) / (1 - beta) if beta > 0 else np.ones(n)


def _without_nan(x: np.ndarray, axis: int, alpha: float, adjust: bool, out: np.ndarray) -> None:
    """The mean of NaN-free data along ``axis`` (the last axis walked forward), into ``out``."""
    caller = "ewma"
    beta = 1 - alpha
    n = x.shape[axis]
    if not adjust:
        # m[0] = x[0], then m = β·m + α·x.
        out_head = _take(out, axis, slice(0, 1))
        np.copyto(out_head, _take(x, axis, slice(0, 1)))
        if n > 1:
            _recurrence.run(caller, beta, _take(x, axis, slice(1, None)), axis, False,
                            _take(x, axis, 0), _take(out, axis, slice(1, None)), scale=alpha, exact_constant=True)
        return
    settled = n if beta == 0 else min(n, max(1, math.ceil(_SETTLED / -math.log(beta))))
    # The head, where the weights' sum still grows: the ratio, in double precision.
    head = _take(out, axis, slice(0, settled))
    wide = np.complex128 if x.dtype.kind == "c" else np.float64
    num = _recurrence.run(caller, beta, _take(x, axis, slice(0, settled)).astype(wide), axis, False, None, None)
    shape = [1] * x.ndim
    shape[axis] = settled
    np.divide(num, _head_weights(settled, beta).reshape(shape), out=num)
    np.copyto(head, num, casting="unsafe")
    if settled < n:
        _recurrence.run(caller, beta, _take(x, axis, slice(settled, None)), axis, False,
                        _take(out, axis, settled - 1), _take(out, axis, slice(settled, None)), scale=alpha,
                        exact_constant=True)


def _with_nan(x: np.ndarray, axis: int, alpha: float, adjust: bool) -> np.ndarray:
    """pandas' mean with missing values (``ignore_na=False``), any data, along ``axis``.

    pandas' recursive form (``adjust=False``) weighs an observation after a gap
    ``α / (β^(g+1) + α)``, except at ``com == 1`` (α = 1/2), where it takes
    ``1 − β^(g+1)`` (its rule for irregular intervals): followed here too."""
    caller = "ewma"
    beta = 1 - alpha
    work = np.complex128 if x.dtype.kind == "c" else np.float64
    observed = ~np.isnan(x)
    values = np.where(observed, x, 0).astype(work)
    index = np.arange(x.shape[axis]).reshape([-1 if d == axis else 1 for d in range(x.ndim)])
    seen = np.where(observed, index, -1)
    last = np.maximum.accumulate(seen, axis=axis)  # the latest observation at or before t
    if adjust:
        num = _recurrence.run(caller, beta, values, axis, False, None, None)
        den = _recurrence.run(caller, beta, observed.astype(np.float64), axis, False, None, None)
        mean = num / den
    else:
        # At an observation after g missing steps: m = (β^(g+1)·m + α·x) / (β^(g+1) + α);
        # the first observation starts the mean; a missing step keeps it.
        previous = np.concatenate([np.full_like(_take(last, axis, slice(0, 1)), -1),
                                   _take(last, axis, slice(0, -1))], axis=axis)
        decay = np.power(beta, (index - previous).astype(np.float64))
        first = previous < 0
        steps = np.where(observed, np.where(first, 0.0, decay / (decay + alpha)), 1.0)
        if alpha == 0.5:
            steps = np.where(observed, np.where(first, 0.0, decay), 1.0)
            weights = np.where(observed, np.where(first, 1.0, 1 - decay), 0.0)
        else:
            weights = np.where(observed, np.where(first, 1.0, alpha / (decay + alpha)), 0.0)
        mean = _recurrence.run(caller, steps.astype(work), values * weights, axis, False, None, None)
    mean[last < 0] = np.nan
    return mean


def ewma(
    x: ArrayLike,
    /,
    axis: Optional[int] = None,
    *,
    alpha: Optional[float] = None,
    span: Optional[float] = None,
    halflife: Optional[float] = None,
    com: Optional[float] = None,
    adjust: bool = True,
    reverse: bool = False,
    out: Optional[NDArray[Any]] = None,
    stream: StreamOrDevice = None,
) -> NDArray[Any]:
    """Return the exponentially weighted moving average: pandas' ``ewm(...).mean()``.

    Computed with linear recurrences on every core, column by column along ``axis``,
    with pandas' definitions: ``alpha`` directly, or ``span`` (α = 2 / (span + 1)),
    ``halflife`` (α = 1 − exp(−ln 2 / halflife)) or ``com`` (α = 1 / (1 + com)).

    Args:
        x (array_like): The data.
        axis (int, optional): The axis to average along (time). ``None`` (the default)
            averages the array flattened in C order.
        alpha, span, halflife, com (float): Exactly one: the smoothing, as pandas
            defines and range-checks it.
        adjust (bool): ``True`` (pandas' default): the weighted average of all
            observations so far, with weights ``(1 − α)^age``. ``False``: the recursive
            form ``m[t] = (1 − α)·m[t−1] + α·x[t]`` from ``m[0] = x[0]``.
        reverse (bool): Average from the last element towards the first.
        out (numpy.ndarray, optional): Where to write the result.
        stream (Stream or Device, optional): Accepted for MLX compatibility.

    Returns:
        numpy.ndarray: The means, in the input's float dtype (bool and integers give
        float32). NaN is a missing value, as in pandas (``ignore_na=False``): outputs
        are NaN before the first observation, and a NaN carries the previous mean
        forward while the weights keep decaying.

    Examples:
        >>> import mlx_lite as mx
        >>> mx.ewma([1.0, 2.0, 3.0], alpha=0.5)
        array([1.        , 1.66666667, 2.42857143])
        >>> mx.ewma([1.0, float("nan"), 3.0], alpha=0.5, adjust=False)
        array([1. , 1. , 2.5])
    """
    caller = "ewma"
    x = as_array(x, caller)
    alpha = 1 / (1 + center_of_mass(com, span, halflife, alpha, caller))
    adjust = flag(adjust, "adjust", caller)
    reverse = flag(reverse, "reverse", caller)
    if stream is not None:
        check_stream(stream, caller)
    dtype = _recurrence.recurrence_dtype(x.dtype, caller)
    if axis is None:
        x = x.reshape(-1)
        axis = 0
    else:
        axis = axis_index(axis, x.ndim, caller)
    target = None if out is None else out_array(out, x.shape, caller)
    x = _recurrence.operand(x, dtype)
    # Written straight into `out` when it is the result's dtype and not the
    # input itself (the NaN path reads the input after the first pass).
    direct = (target is not None and target.dtype == dtype and target.dtype.isnative
              and target.flags.aligned and not np.shares_memory(target, x))
    result = target if direct else _core.empty_like(x)
    if x.size:
        # Reversed: the same forward walk over mirrored views, no copies.
        data = np.flip(x, axis) if reverse else x
        written = np.flip(result, axis) if reverse else result
        _without_nan(data, axis, alpha, adjust, written)
        if np.isnan(_take(written, axis, -1)).any():
            np.copyto(written, _with_nan(data, axis, alpha, adjust), casting="unsafe")
    if target is not None and not direct:
        np.copyto(target, result, casting="unsafe")
        return target
    return result
