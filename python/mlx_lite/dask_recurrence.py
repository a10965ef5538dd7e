"""``linear_recurrence`` and ``ewma`` on Dask arrays (re-exported by ``mlx_lite.dask``).

A recurrence is a scan of the pairs ``(a, b)`` (``h ↦ a·h + b``), so chunks
combine as the scans' chunks do, with the pair as the carried value: each
chunk along the axis gives its total, ``(Π a, h_local[-1])`` (its recurrence
from zero, by mlx_lite), the totals are folded in order into the value
reaching each chunk, ``h₀ ← A·h₀ + B``, and each chunk then runs from that
value (mlx_lite's ``initial=``). The carries are small (the array without the
axis) and lazy; every chunk is read twice, once for its total and once for
its outputs. As in ``mlx_lite.dask``'s scans, the carry between chunks is
rounded to the result dtype.
"""

from __future__ import annotations

from typing import Any, List, Optional

import dask.array as da
import numpy as np

from . import _ewma, _recurrence
from ._device import StreamOrDevice, check_stream
from ._recurrence import PYTHON_SCALARS
from ._validate import axis_index, flag


def as_dask(value: Any, caller: str) -> da.Array:
    """``value`` as a Dask array (the scans' too), its failure naming the caller."""
    if isinstance(value, da.Array):
        return value
    try:
        return da.asarray(value)
    except (TypeError, ValueError) as error:
        raise type(error)(f"[{caller}] Cannot make an array of {type(value).__name__}: {error}") from None


def _local_total(a: Any, b: np.ndarray, *, axis: int) -> np.ndarray:
    """A chunk's recurrence from zero, its last slice (keeping the axis)."""
    from . import linear_recurrence

    h = linear_recurrence(a, b, axis)
    return np.take(h, [h.shape[axis] - 1], axis=axis)


def _from_carry(a: Any, b: np.ndarray, carry: np.ndarray, *, axis: int) -> np.ndarray:
    from . import linear_recurrence

    return linear_recurrence(a, b, axis, initial=np.squeeze(carry, axis))


def _chunk(x: da.Array, axis: int, index: int) -> da.Array:
    return x.blocks[(slice(None),) * axis + (index,)]


def _chunked(a: Any, b: da.Array, axis: int, initial: Optional[da.Array]) -> da.Array:
    """The recurrence of aligned Dask arrays (``a`` a scalar or of b's shape and chunks), forward."""
    dtype = b.dtype
    edge = b.shape[:axis] + (1,) + b.shape[axis + 1:]
    edge_chunks = b.chunks[:axis] + ((1,),) + b.chunks[axis + 1:]
    carry = (da.zeros(edge, dtype=dtype, chunks=edge_chunks) if initial is None
             else da.expand_dims(initial, axis).rechunk(edge_chunks))
    pieces: List[da.Array] = []
    constant = not isinstance(a, da.Array)
    for index, length in enumerate(b.chunks[axis]):
        if length == 0:
            continue
        piece = _chunk(b, axis, index)
        steps = a if constant else _chunk(a, axis, index)
        if constant:
            pieces.append(da.map_blocks(_from_carry, a, piece, carry, axis=axis, dtype=dtype))
            total_a = np.asarray(a, dtype=dtype) ** length
            total_b = da.map_blocks(_local_total, a, piece, axis=axis, dtype=dtype, chunks=edge_chunks)
        else:
            pieces.append(da.map_blocks(_from_carry, steps, piece, carry, axis=axis, dtype=dtype))
            total_a = da.prod(steps, axis=axis, keepdims=True, dtype=dtype)
            total_b = da.map_blocks(_local_total, steps, piece, axis=axis, dtype=dtype, chunks=edge_chunks)
        carry = (total_a * carry + total_b).astype(dtype)
    if not pieces:
        return da.zeros(b.shape, dtype=dtype, chunks=b.chunks)
    return da.concatenate(pieces, axis=axis)


def linear_recurrence(
    a: Any, b: Any, /, axis: Optional[int] = None, *, reverse: bool = False, initial: Any = None,
    stream: StreamOrDevice = None,
) -> da.Array:
    """:func:`mlx_lite.linear_recurrence` on Dask arrays: lazy, chunk by chunk.

    ``h[t] = a[t] * h[t-1] + b[t]`` along ``axis`` (``None``: flattened, C order),
    from ``initial`` (default 0). The result has ``b``'s chunks (``a`` is rechunked
    to them) and :func:`mlx_lite.linear_recurrence`'s dtype; no ``out=``.

    Examples:
        >>> import dask.array as da
        >>> import mlx_lite.dask as mld
        >>> mld.linear_recurrence(0.5, da.ones(4, chunks=2)).compute()
        array([1.   , 1.5  , 1.75 , 1.875])
    """
    caller = "linear_recurrence"
    constant = isinstance(a, PYTHON_SCALARS)
    b = as_dask(b, caller)
    if not constant:
        a = as_dask(a, caller)
    reverse = flag(reverse, "reverse", caller)
    if stream is not None:
        check_stream(stream, caller)
    dtype = _recurrence.result_dtype(a if constant else a.dtype, b.dtype, caller)
    if not constant:
        try:
            a, b = da.broadcast_arrays(a, b)
        except ValueError:
            raise ValueError(f"[{caller}] a with shape {a.shape} and b with shape {b.shape} do not "
                             "broadcast together.") from None
        a = a.astype(dtype).rechunk(b.chunks)
    else:
        a = np.asarray(a, dtype=dtype)[()]
    b = b.astype(dtype)
    if axis is None:
        b = b.ravel()
        a = a if constant else a.ravel().rechunk(b.chunks)
        axis = 0
    else:
        axis = axis_index(axis, b.ndim, caller)
    start = None
    if initial is not None:
        rest = b.shape[:axis] + b.shape[axis + 1:]
        start = as_dask(initial, caller).astype(dtype)
        try:
            start = da.broadcast_to(start, rest)
        except ValueError:
            raise ValueError(f"[{caller}] initial with shape {start.shape} does not broadcast to "
                             f"{rest}.") from None
        start = start.rechunk(b.chunks[:axis] + b.chunks[axis + 1:])
    if reverse:
        b = da.flip(b, axis)
        a = a if constant else da.flip(a, axis)
    out = _chunked(a, b, axis, start)
    return da.flip(out, axis) if reverse else out


def ewma(
    x: Any, /, axis: Optional[int] = None, *, alpha: Optional[float] = None, span: Optional[float] = None,
    halflife: Optional[float] = None, com: Optional[float] = None, adjust: bool = True,
    reverse: bool = False, stream: StreamOrDevice = None,
) -> da.Array:
    """:func:`mlx_lite.ewma` (pandas' ``ewm(...).mean()``) on Dask arrays, lazily.

    The mean is a ratio of two recurrences (``adjust=True``) or one recurrence
    (``adjust=False``), each run as :func:`linear_recurrence` runs; NaN is a
    missing value, as in pandas. No ``out=``.

    Examples:
        >>> import dask.array as da
        >>> import mlx_lite.dask as mld
        >>> mld.ewma(da.from_array([1.0, 2.0, 3.0], chunks=2), alpha=0.5).compute()
        array([1.        , 1.66666667, 2.42857143])
    """
    caller = "ewma"
    x = as_dask(x, caller)
    alpha = 1 / (1 + _ewma.center_of_mass(com, span, halflife, alpha, caller))
    adjust = flag(adjust, "adjust", caller)
    reverse = flag(reverse, "reverse", caller)
    if stream is not None:
        check_stream(stream, caller)
    dtype = _recurrence.recurrence_dtype(x.dtype, caller)
    if axis is None:
        x, axis = x.ravel(), 0
    else:
        axis = axis_index(axis, x.ndim, caller)
    if x.size == 0:
        return x.astype(dtype)
    wide = np.complex128 if dtype.kind == "c" else np.float64
    data = da.flip(x, axis) if reverse else x
    data = data.astype(wide)
    beta = 1 - alpha
    observed = ~da.isnan(data)
    values = da.where(observed, data, 0)
    index = da.arange(data.shape[axis], chunks=data.chunks[axis]).reshape(
        [-1 if d == axis else 1 for d in range(data.ndim)])
    seen = da.where(observed, index, -1)
    from .dask import cummax

    last = cummax(da.broadcast_to(seen, data.shape).rechunk(data.chunks), axis)
    if adjust:
        num = _chunked(beta, values, axis, None)
        den = _chunked(beta, observed.astype(np.float64), axis, None)
        mean = num / den
    else:
        previous = da.concatenate([da.full_like(_chunk_edge(last, axis), -1),
                                   last[(slice(None),) * axis + (slice(0, -1),)]], axis=axis).rechunk(data.chunks)
        decay = beta ** (index - previous).astype(np.float64)
        first = previous < 0
        if alpha == 0.5:  # pandas' rule at com == 1 (see mlx_lite._ewma._with_nan)
            steps = da.where(observed, da.where(first, 0.0, decay), 1.0).astype(wide)
            weights = da.where(observed, da.where(first, 1.0, 1 - decay), 0.0)
        else:
            steps = da.where(observed, da.where(first, 0.0, decay / (decay + alpha)), 1.0).astype(wide)
            weights = da.where(observed, da.where(first, 1.0, alpha / (decay + alpha)), 0.0)
        mean = _chunked(steps.rechunk(data.chunks), (values * weights).rechunk(data.chunks), axis, None)
    mean = da.where(last < 0, np.nan, mean).astype(dtype)
    return da.flip(mean, axis) if reverse else mean


def _chunk_edge(x: da.Array, axis: int) -> da.Array:
    return x[(slice(None),) * axis + (slice(0, 1),)]
