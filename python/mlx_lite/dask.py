"""mlx_lite's scans on Dask arrays: lazy, chunked, computed by the Swift kernels.

``cumsum``, ``cumprod``, ``cummax``, ``cummin``, ``logcumsumexp`` and the
NaN-skipping ``nancumsum``, ``nancumprod``, ``nancummax``, ``nancummin`` here
take a :class:`dask.array.Array` (or anything :func:`dask.array.asarray`
accepts) and return a lazy :class:`dask.array.Array` with the same result
dtype and semantics as the functions of :mod:`mlx_lite`, and their signature
but for ``out=`` and ``include_initial=`` (a Dask array is immutable, and a
result one longer than the input would not keep its chunks)::

    import dask.array as da
    import mlx_lite.dask as mld

    x = da.random.random((10**8,), chunks=10**7).astype("float32")
    y = mld.cumsum(x, reverse=True)   # lazy: nothing is computed yet
    y[-5:].compute()                  # any Dask scheduler, local or distributed

This module imports Dask; ``import mlx_lite`` does not, so Dask stays an
optional dependency (``pip install mlx_lite[dask]``).

How it works
------------
The scans are built on Dask's own ``dask.array.reductions.cumreduction``:
mlx_lite scans every chunk (one task per chunk, with the GIL released), and
Dask combines the chunks with the operation's binary operator (``add``,
``multiply``, a NaN-propagating maximum or minimum that orders complex
numbers as mlx_lite does, ``logaddexp``):

* inclusive scans use the ``"sequential"`` method, Dask's default: chunk
  ``i``'s result is its own scan combined with the running total of chunks
  ``0 .. i-1``, carried through the last slice of each chunk's scan;
* exclusive scans (``inclusive=False``) use the ``"blelloch"`` method: each
  chunk's total is combined along a tree, then each chunk's exclusive mlx_lite
  scan is combined with the total of the chunks before it. No shifting or
  rechunking is needed, so the result keeps the input's chunks.

``reverse=True`` flips the array along the axis (a view per chunk), scans and
flips back; ``axis=None`` scans ``x.ravel()`` (C order, as NumPy and MLX do).
The result's chunks are the input's (with ``axis=None``, those of
``x.ravel()``); zero-length chunks along the scanned axis are dropped.

Accuracy: each chunk is scanned as mlx_lite scans it (float16 and bfloat16
accumulate in float32, float32 in float64), but the total carried from one
chunk to the next is rounded to the result dtype, as in ``dask.array.cumsum``.
Floating-point results can therefore differ from the in-memory
``mlx_lite.cumsum`` in the last bits; integer, boolean, ``cummax`` and
``cummin`` results are identical.

Chunks must be NumPy arrays (or convertible with ``numpy.asarray``).
"""

from __future__ import annotations

import functools
import warnings
from typing import Any, Callable, Dict, Optional, Union

import dask.array as da
import numpy as np
from dask.array.reductions import cumreduction
from numpy.typing import ArrayLike, DTypeLike

from . import _scan as _in_memory
from . import _table
from ._device import StreamOrDevice, check_stream
from ._validate import axis_index, flag, target_dtype
from .dask_recurrence import as_dask, ewma, linear_recurrence

#: What the scans accept: a Dask array, or anything ``dask.array.asarray`` accepts.
DaskArrayLike = Union[da.Array, ArrayLike]

#: mlx_lite's in-memory scans, which run on each chunk.
_IN_MEMORY: Dict[str, Callable[..., np.ndarray]] = {name: getattr(_in_memory, name) for name in _table.SCANS}


# --------------------------------------------------------------------------- tasks
# Module-level callables, so that Dask's distributed workers can unpickle them.


class _ChunkScan:
    """The per-chunk scan: mlx_lite's, forward along ``axis``.

    ``cumreduction`` calls it as ``func(block, axis=axis, dtype=result_dtype)``;
    the result dtype is mlx_lite's own, so ``dtype`` is not used. ``cast`` is
    the caller's ``dtype=`` argument (cumsum and cumprod), applied by mlx_lite
    as in memory: cast first, then MLX's rule (a bool sum is an int32 sum).
    """

    def __init__(self, operation: str, inclusive: bool, cast: Optional[np.dtype]) -> None:
        self.operation = operation
        self.inclusive = inclusive
        self.cast = cast
        self.__name__ = f"mlx_lite-{operation}"  # cumreduction names its tasks after func.__name__

    def __call__(self, block: Any, axis: int, dtype: Optional[np.dtype] = None) -> np.ndarray:
        extra = {} if self.cast is None else {"dtype": self.cast}
        return _IN_MEMORY[self.operation](block, axis, inclusive=self.inclusive, **extra)

    def __dask_tokenize__(self) -> Any:
        cast = None if self.cast is None else self.cast.str
        return ("mlx_lite.dask._ChunkScan", self.operation, self.inclusive, cast)


def _combine(carry: np.ndarray, values: np.ndarray, *, operation: str) -> np.ndarray:
    """``carry`` combined with ``values`` by mlx_lite itself (the scan of the pair
    along a new first axis): for the dtypes NumPy's ufuncs order or compute
    differently (complex max/min are lexicographic in mlx_lite; complex
    logaddexp; bfloat16)."""
    carry, values = np.broadcast_arrays(carry, values)
    return _IN_MEMORY[operation](np.stack((carry, values)), 0)[1]


def _apply(carry: np.ndarray, values: np.ndarray, *, ufunc: np.ufunc) -> np.ndarray:
    """``ufunc(carry, values)`` without NumPy's floating-point warnings (inf - inf,
    NaN in logaddexp, overflow): mlx_lite gives IEEE results silently."""
    with np.errstate(all="ignore"):
        return ufunc(carry, values)


def _binop(operation: str, dtype: np.dtype) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """The binary operator that combines a carried total (first) with a chunk's scan:
    the table's NumPy ufunc for the dtype kinds it computes as mlx_lite does (for
    example, NaN-propagating ``maximum`` on real numbers), mlx_lite's own otherwise."""
    name, kinds = _table.DASK_UFUNCS[operation]
    if name is None or dtype.kind not in kinds:
        return functools.partial(_combine, operation=operation)
    ufunc: np.ufunc = getattr(np, name)
    return functools.partial(_apply, ufunc=ufunc)


def _chunk_total(block: Any, axis: int, keepdims: bool = True, *, operation: str,
                 cast: Optional[np.dtype], identity: np.generic) -> np.ndarray:
    """A chunk's total along ``axis`` (kept as a length-1 axis), in the result
    dtype: the ``preop`` of the Blelloch (exclusive) scans."""
    block = np.asarray(block)
    shape = block.shape[:axis] + (1,) + block.shape[axis + 1:]
    if block.shape[axis] == 0:
        return np.full(shape, identity)
    result = identity.dtype
    kind = block.dtype.kind
    reduction = _table.DASK_TOTALS[operation]
    if cast is None and kind in "biufc" and reduction is not None:
        if reduction in ("max", "min", "nanmax", "nanmin"):
            if kind != "c":  # NumPy does not order complex numbers as mlx_lite does
                with warnings.catch_warnings():
                    # an all-NaN chunk's nanmax is NaN, which fmax then skips: the right total
                    warnings.simplefilter("ignore", RuntimeWarning)
                    return np.asarray(getattr(np, reduction)(block, axis=axis, keepdims=True))
        else:
            # sum, prod: accumulate wide, as mlx_lite does (float16 and float32 in float64 here).
            wide = {"e": np.float64, "f": np.float64, "F": np.complex128}.get(block.dtype.char, result)
            with np.errstate(all="ignore"):
                total: Any = getattr(np, reduction)(block, axis=axis, dtype=wide, keepdims=True)
                return np.asarray(total).astype(result, copy=False)
    # Any other case: mlx_lite's own scan, and its last slice (copied, to free the scan).
    extra = {} if cast is None else {"dtype": cast}
    scanned = _IN_MEMORY[operation](block, axis, **extra)
    return scanned[(slice(None),) * axis + (slice(-1, None),)].copy()


# --------------------------------------------------------------------------- the scans


def _drop_empty_chunks(x: da.Array, axis: int) -> da.Array:
    """``x`` without zero-length chunks along ``axis`` (Dask's sequential
    ``cumreduction`` cannot carry a total across one)."""
    chunks = x.chunks[axis]
    if len(chunks) > 1 and 0 in chunks:
        x = x.rechunk({axis: tuple(c for c in chunks if c) or (0,)})
    return x


def _scan(caller: str, a: Any, axis: Any, reverse: Any, inclusive: Any, dtype: Any, stream: Any) -> da.Array:
    """Validate as mlx_lite does (same order, same messages), then build the graph."""
    x = as_dask(a, caller)
    extra = {} if dtype is None else {"dtype": dtype}
    # mlx_lite's exclusive scan of one zero: checks the dtype and dtype= exactly as
    # mlx_lite does, and gives the result dtype and the identity (the first value).
    identity = _IN_MEMORY[caller](np.zeros(1, x.dtype), inclusive=False, **extra)[0]
    cast = None if dtype is None else target_dtype(dtype, caller)
    if axis is None:
        # Dask cannot ravel an empty array of several chunks: make it one chunk first.
        x, axis = (x.rechunk(-1) if x.size == 0 else x).ravel(), 0
    else:
        axis = axis_index(axis, x.ndim, caller)
    reverse = flag(reverse, "reverse", caller)
    inclusive = flag(inclusive, "inclusive", caller)
    if stream is not None:
        check_stream(stream, caller)

    result_dtype = identity.dtype
    binop = _binop(caller, result_dtype)
    # The value a carry starts from is the exclusive scan's start, unless combining it
    # with NaN loses a NaN the scan keeps: a NaN-skipping maximum starts from -inf, but
    # its neutral is NaN (fmax skips it), or an all-NaN prefix would become -inf.
    neutral = identity
    if result_dtype.kind in "fcV":
        nan = np.full(1, np.nan, result_dtype)
        with np.errstate(all="ignore"):
            if np.isnan(_IN_MEMORY[caller](nan)[0]) and not np.isnan(binop(np.full(1, identity), nan)[0]):
                neutral = nan[0]
    x = _drop_empty_chunks(x, axis)
    if reverse:
        x = da.flip(x, axis)
    if inclusive or neutral is not identity:
        # Chunk 0 is combined with the identity too: for float sums use -0.0,
        # the exact identity of IEEE addition, so that a leading -0.0 stays -0.0.
        negated = caller in _table.MINUS_ZERO_NEUTRAL and result_dtype.kind not in "biu"
        start = -identity if negated else neutral
        out = cumreduction(_ChunkScan(caller, True, cast), binop, start, x, axis, result_dtype,
                           method="sequential")
        if not inclusive and x.shape[axis]:
            # Where each chunk's exclusive scan would start from -inf, not from the carry:
            # the inclusive scan, shifted by one behind the exclusive start, in x's chunks.
            head = da.full(x.shape[:axis] + (1,) + x.shape[axis + 1:], identity, dtype=result_dtype)
            body = out[(slice(None),) * axis + (slice(0, -1),)]
            out = da.concatenate([head, body], axis=axis).rechunk(x.chunks)
    else:
        total = functools.partial(_chunk_total, operation=caller, cast=cast, identity=identity)
        out = cumreduction(_ChunkScan(caller, False, cast), binop, identity, x, axis, result_dtype,
                           method="blelloch", preop=total)
    return da.flip(out, axis) if reverse else out


# The public functions, generated from the one table (scripts/scan_table.py):
# each validates as mlx_lite does and builds the graph with ``_scan`` above.

# --- Generated by scripts/generate.py from scripts/scan_table.py: do not edit by hand. ---
__all__ = [
    "cumsum", "cumulative_sum", "cumprod", "cumulative_prod", "cummax", "cummin", "logcumsumexp",
    "nancumsum", "nancumprod", "nancummax", "nancummin",
]


def cumsum(
    a: DaskArrayLike, /, axis: Optional[int] = None, *, reverse: bool = False, inclusive: bool = True,
    dtype: Optional[DTypeLike] = None, stream: StreamOrDevice = None,
) -> da.Array:
    """Return the cumulative sum of a Dask array along an axis, lazily.

    Args:
        a: Input: a ``dask.array.Array``, or anything ``dask.array.asarray``
            accepts (a NumPy array, a list...).
        axis: The axis to sum along. ``None`` (the default) sums the flattened
            array, in C order, and returns a 1-D result.
        reverse: Sum from the last element towards the first.
        inclusive: If True, the i-th output includes the i-th input; if False,
            outputs are shifted by one and start from 0.
        dtype: Cast the input to this dtype before summing.
        stream: The stream or device to run on; only the CPU exists here.

    Returns:
        A lazy ``dask.array.Array`` with the input's chunks. Its dtype follows
        MLX, as :func:`mlx_lite.cumsum`'s: booleans sum as ``int32``, every
        other dtype keeps its own (integers wrap on overflow).

    ``out=`` and ``include_initial=`` of :func:`mlx_lite.cumsum` are not
    offered here: a Dask array is immutable, and its chunks are the
    input's.

    Examples:
        >>> import dask.array as da
        >>> import mlx_lite.dask as mld
        >>> mld.cumsum(da.arange(1, 5, chunks=2), reverse=True, inclusive=False).compute()
        array([9, 7, 4, 0])
    """
    return _scan("cumsum", a, axis, reverse, inclusive, dtype, stream)


def cumprod(
    a: DaskArrayLike, /, axis: Optional[int] = None, *, reverse: bool = False, inclusive: bool = True,
    dtype: Optional[DTypeLike] = None, stream: StreamOrDevice = None,
) -> da.Array:
    """Return the cumulative product of a Dask array along an axis, lazily.

    Args:
        a: Input: a ``dask.array.Array``, or anything ``dask.array.asarray``
            accepts (a NumPy array, a list...).
        axis: The axis to multiply along. ``None`` (the default) multiplys the
            flattened array, in C order, and returns a 1-D result.
        reverse: Multiply from the last element towards the first.
        inclusive: If True, the i-th output includes the i-th input; if False,
            outputs are shifted by one and start from 1.
        dtype: Cast the input to this dtype before multiplying.
        stream: The stream or device to run on; only the CPU exists here.

    Returns:
        A lazy ``dask.array.Array`` of the input's dtype (booleans stay
        boolean: logical and); integer products wrap on overflow.

    ``out=`` and ``include_initial=`` of :func:`mlx_lite.cumprod` are not
    offered here: a Dask array is immutable, and its chunks are the
    input's.

    Examples:
        >>> import dask.array as da
        >>> import mlx_lite.dask as mld
        >>> mld.cumprod(da.arange(1, 5, chunks=2)).compute()
        array([ 1,  2,  6, 24])
    """
    return _scan("cumprod", a, axis, reverse, inclusive, dtype, stream)


def cummax(
    a: DaskArrayLike, /, axis: Optional[int] = None, *, reverse: bool = False, inclusive: bool = True,
    stream: StreamOrDevice = None,
) -> da.Array:
    """Return the cumulative maximum of a Dask array along an axis, lazily.

    Args:
        a: Input: a ``dask.array.Array``, or anything ``dask.array.asarray``
            accepts (a NumPy array, a list...).
        axis: The axis to scan along. ``None`` (the default) scans the
            flattened array, in C order, and returns a 1-D result.
        reverse: Scan from the last element towards the first.
        inclusive: If True, the i-th output includes the i-th input; if False,
            outputs are shifted by one and start from the lowest value of the
            dtype (-inf, the integer minimum, False).
        stream: The stream or device to run on; only the CPU exists here.

    Returns:
        A lazy ``dask.array.Array`` of the input's dtype. NaN propagates,
        across chunks too; complex values compare by real part, then
        imaginary part.

    ``out=`` and ``include_initial=`` of :func:`mlx_lite.cummax` are not
    offered here: a Dask array is immutable, and its chunks are the
    input's.

    Examples:
        >>> import dask.array as da
        >>> import mlx_lite.dask as mld
        >>> mld.cummax(da.from_array([1, 3, 2, 5], chunks=2)).compute()
        array([1, 3, 3, 5])
    """
    return _scan("cummax", a, axis, reverse, inclusive, None, stream)


def cummin(
    a: DaskArrayLike, /, axis: Optional[int] = None, *, reverse: bool = False, inclusive: bool = True,
    stream: StreamOrDevice = None,
) -> da.Array:
    """Return the cumulative minimum of a Dask array along an axis, lazily.

    Args:
        a: Input: a ``dask.array.Array``, or anything ``dask.array.asarray``
            accepts (a NumPy array, a list...).
        axis: The axis to scan along. ``None`` (the default) scans the
            flattened array, in C order, and returns a 1-D result.
        reverse: Scan from the last element towards the first.
        inclusive: If True, the i-th output includes the i-th input; if False,
            outputs are shifted by one and start from the highest value of the
            dtype (+inf, the integer maximum, True).
        stream: The stream or device to run on; only the CPU exists here.

    Returns:
        A lazy ``dask.array.Array`` of the input's dtype. NaN propagates,
        across chunks too; complex values compare by real part, then
        imaginary part.

    ``out=`` and ``include_initial=`` of :func:`mlx_lite.cummin` are not
    offered here: a Dask array is immutable, and its chunks are the
    input's.

    Examples:
        >>> import dask.array as da
        >>> import mlx_lite.dask as mld
        >>> mld.cummin(da.from_array([3, 1, 2, 0], chunks=2)).compute()
        array([3, 1, 1, 0])
    """
    return _scan("cummin", a, axis, reverse, inclusive, None, stream)


def logcumsumexp(
    a: DaskArrayLike, /, axis: Optional[int] = None, *, reverse: bool = False, inclusive: bool = True,
    stream: StreamOrDevice = None,
) -> da.Array:
    """Return the cumulative log-sum-exp of a Dask array along an axis, lazily:
    ``log(exp(a[0]) + ... + exp(a[i]))``, computed without overflow.

    Args:
        a: Input: a ``dask.array.Array``, or anything ``dask.array.asarray``
            accepts (a NumPy array, a list...).
        axis: The axis to scan along. ``None`` (the default) scans the
            flattened array, in C order, and returns a 1-D result.
        reverse: Scan from the last element towards the first.
        inclusive: If True, the i-th output includes the i-th input; if False,
            outputs are shifted by one and start from -inf.
        stream: The stream or device to run on; only the CPU exists here.

    Returns:
        A lazy ``dask.array.Array``: ``float32`` for boolean and integer
        inputs, otherwise the input's dtype. Chunks are combined with
        ``logaddexp``, which is stable too.

    ``out=`` and ``include_initial=`` of :func:`mlx_lite.logcumsumexp` are not
    offered here: a Dask array is immutable, and its chunks are the
    input's.

    Examples:
        >>> import dask.array as da
        >>> import mlx_lite.dask as mld
        >>> mld.logcumsumexp(da.zeros(2, chunks=1)).compute()
        array([0.        , 0.69314718])
    """
    return _scan("logcumsumexp", a, axis, reverse, inclusive, None, stream)


def nancumsum(
    a: DaskArrayLike, /, axis: Optional[int] = None, *, reverse: bool = False, inclusive: bool = True,
    dtype: Optional[DTypeLike] = None, stream: StreamOrDevice = None,
) -> da.Array:
    """Return the cumulative sum, NaN counted as zero of a Dask array along an axis, lazily.

    Args:
        a: Input: a ``dask.array.Array``, or anything ``dask.array.asarray``
            accepts (a NumPy array, a list...).
        axis: The axis to sum along. ``None`` (the default) sums the flattened
            array, in C order, and returns a 1-D result.
        reverse: Sum from the last element towards the first.
        inclusive: If True, the i-th output includes the i-th input; if False,
            outputs are shifted by one and start from 0.
        dtype: Cast the input to this dtype before summing.
        stream: The stream or device to run on; only the CPU exists here.

    Returns:
        A lazy ``dask.array.Array`` with the input's chunks and
        :func:`mlx_lite.nancumsum`'s dtype.

    ``out=`` and ``include_initial=`` of :func:`mlx_lite.nancumsum` are not
    offered here: a Dask array is immutable, and its chunks are the
    input's.

    Examples:
        >>> import dask.array as da
        >>> import mlx_lite.dask as mld
        >>> mld.nancumsum(da.from_array([1.0, float('nan'), 2.0], chunks=2)).compute()
        array([1., 1., 3.])
    """
    return _scan("nancumsum", a, axis, reverse, inclusive, dtype, stream)


def nancumprod(
    a: DaskArrayLike, /, axis: Optional[int] = None, *, reverse: bool = False, inclusive: bool = True,
    dtype: Optional[DTypeLike] = None, stream: StreamOrDevice = None,
) -> da.Array:
    """Return the cumulative product, NaN counted as one of a Dask array along an axis, lazily.

    Args:
        a: Input: a ``dask.array.Array``, or anything ``dask.array.asarray``
            accepts (a NumPy array, a list...).
        axis: The axis to multiply along. ``None`` (the default) multiplys the
            flattened array, in C order, and returns a 1-D result.
        reverse: Multiply from the last element towards the first.
        inclusive: If True, the i-th output includes the i-th input; if False,
            outputs are shifted by one and start from 1.
        dtype: Cast the input to this dtype before multiplying.
        stream: The stream or device to run on; only the CPU exists here.

    Returns:
        A lazy ``dask.array.Array`` of the input's dtype.

    ``out=`` and ``include_initial=`` of :func:`mlx_lite.nancumprod` are not
    offered here: a Dask array is immutable, and its chunks are the
    input's.

    Examples:
        >>> import dask.array as da
        >>> import mlx_lite.dask as mld
        >>> mld.nancumprod(da.from_array([2.0, float('nan'), 3.0], chunks=2)).compute()
        array([2., 2., 6.])
    """
    return _scan("nancumprod", a, axis, reverse, inclusive, dtype, stream)


def nancummax(
    a: DaskArrayLike, /, axis: Optional[int] = None, *, reverse: bool = False, inclusive: bool = True,
    stream: StreamOrDevice = None,
) -> da.Array:
    """Return the cumulative maximum, skipping NaN of a Dask array along an axis, lazily.

    Args:
        a: Input: a ``dask.array.Array``, or anything ``dask.array.asarray``
            accepts (a NumPy array, a list...).
        axis: The axis to scan along. ``None`` (the default) scans the
            flattened array, in C order, and returns a 1-D result.
        reverse: Scan from the last element towards the first.
        inclusive: If True, the i-th output includes the i-th input; if False,
            outputs are shifted by one and start from the lowest value of the
            dtype (-inf, the integer minimum, False).
        stream: The stream or device to run on; only the CPU exists here.

    Returns:
        A lazy ``dask.array.Array`` of the input's dtype; NaN is skipped across
        chunks too.

    ``out=`` and ``include_initial=`` of :func:`mlx_lite.nancummax` are not
    offered here: a Dask array is immutable, and its chunks are the
    input's.

    Examples:
        >>> import dask.array as da
        >>> import mlx_lite.dask as mld
        >>> mld.nancummax(da.from_array([float('nan'), 1.0, float('nan'), 3.0], chunks=2)).compute()
        array([nan,  1.,  1.,  3.])
    """
    return _scan("nancummax", a, axis, reverse, inclusive, None, stream)


def nancummin(
    a: DaskArrayLike, /, axis: Optional[int] = None, *, reverse: bool = False, inclusive: bool = True,
    stream: StreamOrDevice = None,
) -> da.Array:
    """Return the cumulative minimum, skipping NaN of a Dask array along an axis, lazily.

    Args:
        a: Input: a ``dask.array.Array``, or anything ``dask.array.asarray``
            accepts (a NumPy array, a list...).
        axis: The axis to scan along. ``None`` (the default) scans the
            flattened array, in C order, and returns a 1-D result.
        reverse: Scan from the last element towards the first.
        inclusive: If True, the i-th output includes the i-th input; if False,
            outputs are shifted by one and start from the highest value of the
            dtype (+inf, the integer maximum, True).
        stream: The stream or device to run on; only the CPU exists here.

    Returns:
        A lazy ``dask.array.Array`` of the input's dtype; NaN is skipped across
        chunks too.

    ``out=`` and ``include_initial=`` of :func:`mlx_lite.nancummin` are not
    offered here: a Dask array is immutable, and its chunks are the
    input's.

    Examples:
        >>> import dask.array as da
        >>> import mlx_lite.dask as mld
        >>> mld.nancummin(da.from_array([float('nan'), 3.0, float('nan'), 1.0], chunks=2)).compute()
        array([nan,  3.,  3.,  1.])
    """
    return _scan("nancummin", a, axis, reverse, inclusive, None, stream)


#: MLX's alias of :func:`cumsum`.
cumulative_sum = cumsum
#: MLX's alias of :func:`cumprod`.
cumulative_prod = cumprod
# --- End of generated code. ---

# The linear recurrences (dask_recurrence.py), beside the scans.
__all__ += ["ewma", "linear_recurrence"]
