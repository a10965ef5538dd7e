"""Independent reference scans and comparison helpers for the mlx_lite tests.

Nothing here imports mlx_lite: the expected values come from NumPy (integer
scans computed in the result dtype, so they wrap exactly as two's complement
does; floating scans computed in float64 / complex128 and compared with an
error bound), and the expected result dtypes are written out from the table
in SPEC section 3.
"""

from __future__ import annotations

import math

import numpy as np

try:  # bfloat16 is optional: tests that need it skip without it.
    import ml_dtypes

    BF16 = np.dtype(ml_dtypes.bfloat16)
except ImportError:  # pragma: no cover - ml_dtypes is in the test extra
    ml_dtypes = None
    BF16 = None

OPS = ("cumsum", "cumprod", "cummax", "cummin", "logcumsumexp")
DTYPE_OPS = ("cumsum", "cumprod")  # the scans with a dtype= parameter

BOOL = np.dtype(np.bool_)
INT_DTYPES = tuple(np.dtype(n) for n in ("int8", "int16", "int32", "int64"))
UINT_DTYPES = tuple(np.dtype(n) for n in ("uint8", "uint16", "uint32", "uint64"))
FLOAT_DTYPES = tuple(np.dtype(n) for n in ("float16", "float32", "float64"))
COMPLEX_DTYPES = (np.dtype(np.complex64), np.dtype(np.complex128))
ALL_DTYPES = (BOOL,) + INT_DTYPES + UINT_DTYPES + FLOAT_DTYPES + COMPLEX_DTYPES + (
    (BF16,) if BF16 is not None else ())


def dtype_id(dtype) -> str:
    return np.dtype(dtype).name if np.dtype(dtype).isnative else np.dtype(dtype).str


def is_bf16(dtype) -> bool:
    return BF16 is not None and np.dtype(dtype) == BF16


def is_inexact(dtype) -> bool:
    dtype = np.dtype(dtype)
    return dtype.kind in "fc" or is_bf16(dtype)


def is_complex(dtype) -> bool:
    return np.dtype(dtype).kind == "c"


def result_dtype(op: str, dtype) -> np.dtype:
    """SPEC section 3, written out independently of the package."""
    dtype = np.dtype(dtype).newbyteorder("=")
    if op == "cumsum" and dtype == BOOL:
        return np.dtype(np.int32)
    if op == "logcumsumexp" and dtype.kind in "biu":
        return np.dtype(np.float32)
    return dtype


def eps(dtype) -> float:
    dtype = np.dtype(dtype)
    if is_bf16(dtype):
        return float(ml_dtypes.finfo(dtype).eps)
    return float(np.finfo(dtype).eps)


def tiny(dtype) -> float:
    dtype = np.dtype(dtype)
    if is_bf16(dtype):
        return float(ml_dtypes.finfo(dtype).smallest_subnormal)
    return float(np.finfo(dtype).smallest_subnormal)


def accumulation_eps(dtype) -> float:
    """The precision mlx_lite accumulates in, per SPEC: float16 and bfloat16
    in float32; float32 is allowed float32's own precision (generous)."""
    dtype = np.dtype(dtype)
    if is_bf16(dtype) or dtype == np.float16:
        return float(np.finfo(np.float32).eps)
    return eps(dtype)


# ----------------------------------------------------------------------------
# Random values


def random_values(rng: np.random.Generator, shape, dtype, op: str, specials: bool = False) -> np.ndarray:
    """Always an ndarray (0-d for shape ()), of exactly ``dtype``.

    Values of ``dtype`` suited to ``op``: integers over their whole range
    (so sums and products wrap), floats in ranges where no scan overflows."""
    dtype = np.dtype(dtype)
    values = np.asarray(_random_values(rng, tuple(shape), dtype, op, specials)).astype(dtype)
    assert values.shape == tuple(shape) and values.dtype == dtype
    return values


def _random_values(rng, shape, dtype, op, specials):
    if dtype == BOOL:
        return rng.random(shape) < (0.85 if op in ("cumprod", "cummin") else 0.3)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        full = rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)
        if op in ("cumsum", "cummax", "cummin"):
            small = rng.integers(max(info.min, -5), 6, size=shape).astype(dtype)
            return np.where(rng.random(shape) < 0.5, full, small)
        if op == "cumprod":
            small = rng.integers(max(info.min, -3), 4, size=shape).astype(dtype)
            return np.where(rng.random(shape) < 0.25, full, small)
        return full  # logcumsumexp: computed in float32
    if dtype.kind == "c":
        real = _real_values(rng, shape, op, specials=False)
        imag = _real_values(rng, shape, op, specials=False)
        if op == "cumprod":
            real, imag = real * 0.8, imag * 0.8
        if op == "logcumsumexp":
            imag = rng.uniform(-3, 3, size=shape)
        values = np.asarray(real + 1j * imag).astype(dtype)
        if specials and op in ("cumsum", "cummax", "cummin"):
            values = _sprinkle(rng, values, (complex(np.nan, 1), complex(1, np.nan), complex(np.inf, 0),
                                             complex(-np.inf, 2), complex(0, np.inf)))
        return values
    values = _real_values(rng, shape, op, specials)
    return values.astype(dtype)


def _real_values(rng, shape, op, specials):
    if op == "cumsum":
        values = rng.uniform(-10, 10, size=shape)
    elif op == "cumprod":
        values = rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)
        values = np.where(rng.random(shape) < 0.05, 0.0, values)
    elif op in ("cummax", "cummin"):
        values = np.round(rng.uniform(-50, 50, size=shape), 0)  # many ties
        values = np.where(rng.random(shape) < 0.1, rng.choice([0.0, -0.0], size=shape), values)
    else:
        values = rng.uniform(-20, 20, size=shape)
    if specials:
        values = _sprinkle(rng, values, (np.nan, np.inf, -np.inf, -0.0))
    return values


def _sprinkle(rng, values, specials):
    values = np.array(values, copy=True)
    if values.size:
        mask = rng.random(values.shape) < 0.12
        picks = rng.integers(0, len(specials), size=values.shape)
        table = np.array(specials, dtype=values.dtype)
        values = np.where(mask, table[picks], values)
    return values


# ----------------------------------------------------------------------------
# Reference scans


def _identity(op: str, dtype: np.dtype):
    if op == "cumsum":
        return 0
    if op == "cumprod":
        return 1
    if op == "logcumsumexp":
        return -np.inf
    if dtype == BOOL:
        return op == "cummin"
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return info.min if op == "cummax" else info.max
    if dtype.kind == "c":
        value = -np.inf if op == "cummax" else np.inf
        return complex(value, value)
    return -np.inf if op == "cummax" else np.inf


def _lexicographic_accumulate(op: str, x: np.ndarray, axis: int) -> np.ndarray:
    """Complex cummax / cummin: compare by real part, then imaginary part;
    a NaN in either component wins and then stays. (NumPy's maximum and
    minimum order complex numbers the same way: it is used for big inputs,
    this loop, an independent statement of the rule, for small ones.)"""
    if x.size > 4096:
        ufunc = np.maximum if op == "cummax" else np.minimum
        return ufunc.accumulate(x, axis=axis)
    moved = np.ascontiguousarray(np.moveaxis(x, axis, -1))
    out = np.empty_like(moved)  # C-contiguous: the reshape below is a view
    flat_in = moved.reshape(-1, moved.shape[-1]) if moved.size else None
    if flat_in is None:
        return np.moveaxis(out, -1, axis)
    flat_out = out.reshape(-1, moved.shape[-1])
    for row in range(flat_in.shape[0]):
        running = None
        for i in range(flat_in.shape[1]):
            value = complex(flat_in[row, i])
            if running is None:
                running = value
            elif not (math.isnan(running.real) or math.isnan(running.imag)):
                if math.isnan(value.real) or math.isnan(value.imag):
                    running = value
                else:
                    key_r = (running.real, running.imag)
                    key_v = (value.real, value.imag)
                    if (op == "cummax" and key_v >= key_r) or (op == "cummin" and key_v <= key_r):
                        running = value
            flat_out[row, i] = running
    return np.moveaxis(out, -1, axis)


def _shift_exclusive(values: np.ndarray, axis: int, identity) -> np.ndarray:
    n = values.shape[axis]
    out = np.empty_like(values)
    if n == 0:
        return out
    first = [slice(None)] * values.ndim
    first[axis] = slice(0, 1)
    rest = [slice(None)] * values.ndim
    rest[axis] = slice(1, None)
    head = [slice(None)] * values.ndim
    head[axis] = slice(0, n - 1)
    out[tuple(first)] = identity
    out[tuple(rest)] = values[tuple(head)]
    return out


class Reference:
    """The expected result of a scan.

    ``exact``: integer/bool results (compare with ``array_equal``) or the
    results of cummax/cummin (compare with ``==``, NaN where NaN).
    Otherwise ``value`` is the scan in float64/complex128 and ``scale`` the
    matching error scale (the scan of magnitudes), so that a correct result
    lies within a few ``eps * (|value| + n * scale)`` of ``value``.
    """

    def __init__(self, op, dtype, shape, exact, value, scale, n):
        self.op = op
        self.dtype = dtype
        self.shape = shape
        self.exact = exact
        self.value = value
        self.scale = scale
        self.n = n


def reference(op: str, a, axis=None, reverse=False, inclusive=True, dtype=None) -> Reference:
    with np.errstate(all="ignore"):
        return _reference(op, a, axis, reverse, inclusive, dtype)


def _reference(op, a, axis, reverse, inclusive, dtype):
    x = np.asarray(a)
    if dtype is not None:
        x = x.astype(dtype)
    x = x.astype(x.dtype.newbyteorder("="))
    out_dtype = result_dtype(op, x.dtype)
    if axis is None:
        x = x.reshape(-1)  # C order, and a 0-d input becomes shape (1,)
        axis = 0
    axis = axis % x.ndim
    n = x.shape[axis]
    if reverse:
        x = np.flip(x, axis)

    exact = out_dtype.kind in "biu" or op in ("cummax", "cummin")
    scale = None
    if out_dtype.kind in "biu":
        w = x.astype(out_dtype)
        if op == "cumsum":
            value = np.cumsum(w, axis=axis, dtype=out_dtype)
        elif op == "cumprod":
            value = (np.logical_and.accumulate(w, axis=axis) if out_dtype == BOOL
                     else np.cumprod(w, axis=axis, dtype=out_dtype))
        elif op == "cummax":
            value = (np.logical_or.accumulate(w, axis=axis) if out_dtype == BOOL
                     else np.maximum.accumulate(w, axis=axis))
        else:
            value = (np.logical_and.accumulate(w, axis=axis) if out_dtype == BOOL
                     else np.minimum.accumulate(w, axis=axis))
        identity = np.array(_identity(op, out_dtype)).astype(out_dtype)
    else:
        wide = np.dtype(np.complex128 if out_dtype.kind == "c" else np.float64)
        w = x.astype(out_dtype).astype(wide)  # the input as the scan sees it
        if op in ("cummax", "cummin"):
            if wide.kind == "c":
                value = _lexicographic_accumulate(op, w, axis)
            else:
                ufunc = np.maximum if op == "cummax" else np.minimum
                value = ufunc.accumulate(w, axis=axis) if w.size else w.copy()
        elif op == "cumsum":
            value = np.cumsum(w, axis=axis)
            scale = np.cumsum(np.abs(w), axis=axis)
        elif op == "cumprod":
            value = np.cumprod(w, axis=axis)
            scale = np.cumprod(np.abs(w), axis=axis)
        else:
            if wide.kind == "c":
                value = np.log(np.cumsum(np.exp(w), axis=axis))
            else:
                value = np.logaddexp.accumulate(w, axis=axis) if w.size else w.copy()
            finite = np.abs(value[np.isfinite(value)])
            big = float(finite.max()) if finite.size else 0.0
            big = max(big, float(np.abs(w[np.isfinite(w)]).max()) if np.isfinite(w).any() else 0.0)
            scale = np.full(value.shape, 1.0 + big)
        identity = _identity(op, out_dtype)
        if value.dtype.kind == "f" and np.dtype(out_dtype).itemsize < value.dtype.itemsize:
            # A wide value that the result's dtype cannot hold rounds to +-inf there.
            with np.errstate(over="ignore", invalid="ignore"):
                overflows = np.isfinite(value) & np.isinf(value.astype(out_dtype).astype(value.dtype))
            value = np.where(overflows, np.copysign(np.inf, value), value)
    if not inclusive:
        value = _shift_exclusive(value, axis, identity)
        if scale is not None and op != "logcumsumexp":  # logcumsumexp's scale is uniform
            scale = _shift_exclusive(scale, axis, 0.0)
    if reverse:
        value = np.flip(value, axis)
        if scale is not None:
            scale = np.flip(scale, axis)
    return Reference(op, out_dtype, value.shape, exact, value, scale, n)


# ----------------------------------------------------------------------------
# Comparisons


def _as_wide(got: np.ndarray) -> np.ndarray:
    if got.dtype.kind == "c":
        return got.astype(np.complex128)
    return got.astype(np.float64)


def _close_real(got, want, scale, tol_rel, tol_abs, what, modulo=None):
    got_nan, want_nan = np.isnan(got), np.isnan(want)
    assert np.array_equal(got_nan, want_nan), f"{what}: NaN positions differ\n got={got}\nwant={want}"
    want_inf = np.isinf(want) & ~want_nan
    assert np.array_equal(got[want_inf], want[want_inf]), f"{what}: infinities differ\n got={got}\nwant={want}"
    assert not np.isinf(got[~want_inf & ~want_nan]).any(), f"{what}: unexpected inf\n got={got}\nwant={want}"
    finite = ~want_nan & ~want_inf
    diff = np.abs(got[finite] - want[finite])
    if modulo is not None:
        diff = np.abs((diff + modulo / 2) % modulo - modulo / 2)
    bound = tol_rel * np.abs(want[finite]) + tol_abs[finite] if np.ndim(tol_abs) else \
        tol_rel * np.abs(want[finite]) + tol_abs
    bad = diff > bound
    assert not bad.any(), (
        f"{what}: {int(bad.sum())} values outside the error bound; worst excess "
        f"{float((diff - bound).max())}\n got={got}\nwant={want}")


def assert_matches(got: np.ndarray, ref: Reference, what: str = "", *, step_eps: float | None = None,
                   factor: float = 4.0) -> None:
    """``got`` equals ``ref`` (exactly, or within the error bound of a scan in
    float64 rounded once to the result dtype; ``step_eps`` overrides the
    accumulation precision, e.g. for comparing with an oracle that rounds
    every step)."""
    assert isinstance(got, np.ndarray), f"{what}: result is {type(got)}"
    assert got.dtype == ref.dtype, f"{what}: dtype {got.dtype} != {ref.dtype}"
    assert got.shape == ref.shape, f"{what}: shape {got.shape} != {ref.shape}"
    want = ref.value
    if ref.exact:
        if got.dtype.kind in "biu":
            assert np.array_equal(got, want), f"{what}: values differ\n got={got}\nwant={want}"
            return
        g = _as_wide(got)
        w = want.astype(g.dtype)
        g_nan, w_nan = np.isnan(g), np.isnan(w)
        assert np.array_equal(g_nan, w_nan), f"{what}: NaN positions differ\n got={got}\nwant={want}"
        ok = g[~g_nan] == w[~w_nan]
        assert ok.all(), f"{what}: values differ\n got={got}\nwant={want}"
        return
    out_eps = eps(ref.dtype)
    acc_eps = accumulation_eps(ref.dtype) if step_eps is None else step_eps
    tol_rel = factor * out_eps
    tol_abs = factor * (max(ref.n, 1) * acc_eps * ref.scale + tiny(ref.dtype))
    g = _as_wide(got)
    if g.dtype.kind == "c":
        # a complex logarithm is defined up to 2*pi*i: compare imaginary parts modulo 2*pi
        modulo = 2 * math.pi if ref.op == "logcumsumexp" else None
        _close_real(g.real, want.real, ref.scale, tol_rel, tol_abs, what + " (real)")
        _close_real(g.imag, want.imag, ref.scale, tol_rel, tol_abs, what + " (imag)", modulo=modulo)
    else:
        _close_real(g, want, ref.scale, tol_rel, tol_abs, what)


# ----------------------------------------------------------------------------
# Layout checks


def _dense_strides(arr):
    """Whether ``arr`` covers a single dense block of memory."""
    dims = sorted((abs(s), n) for s, n in zip(arr.strides, arr.shape) if n > 1)
    expected = arr.itemsize
    for stride, n in dims:
        if stride != expected:
            return False
        expected *= n
    return True


def _axis_order(arr):
    """Axes of size > 1 and nonzero stride, ordered by |stride| (outermost first)."""
    axes = [i for i in range(arr.ndim) if arr.shape[i] > 1 and arr.strides[i] != 0]
    return sorted(axes, key=lambda i: -abs(arr.strides[i]))


def check_result_layout(got, a, axis):
    """SPEC section 2: a new, dense, writeable array that owns its memory, in
    the input's memory order ('K'); 1-D in C order for axis=None."""
    assert type(got) is np.ndarray
    assert got.flags.writeable
    assert got.flags.owndata
    assert got.base is None
    if isinstance(a, np.ndarray):
        assert not np.shares_memory(got, a)
    a = np.asarray(a)
    if axis is None:
        assert got.shape == (max(a.size, 1) if a.ndim == 0 else a.size,)
        assert got.flags.c_contiguous
        return
    assert got.shape == a.shape
    if a.size == 0:
        return  # strides of an empty array carry no meaning
    assert _dense_strides(got), f"result strides {got.strides} for shape {got.shape} are not dense"
    assert all(s >= 0 for s in got.strides), got.strides
    nontrivial = sum(n > 1 for n in a.shape)
    if a.flags.c_contiguous:
        assert got.flags.c_contiguous, (a.strides, got.strides)
    elif a.flags.f_contiguous:
        assert got.flags.f_contiguous, (a.strides, got.strides)
    if nontrivial >= 2:
        order_a = _axis_order(a)
        strides = [abs(a.strides[i]) for i in order_a]
        if len(set(strides)) == len(strides) and len(order_a) == nontrivial:
            order_got = [i for i in _axis_order(got) if i in order_a]
            assert order_got == order_a, (
                f"memory order not kept: input strides {a.strides}, result strides {got.strides}")


def available_memory() -> int:
    """Bytes the kernel says can be allocated now (0 where /proc/meminfo is missing)."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def logcumsumexp_long_double(x, axis=-1, reverse=False, inclusive=True):
    """logcumsumexp as a long-double (64-bit mantissa on x86) sequential scan."""
    wide = np.moveaxis(np.asarray(x).astype(np.longdouble), axis, -1)
    if reverse:
        wide = wide[..., ::-1]
    with np.errstate(invalid="ignore"):
        out = np.logaddexp.accumulate(wide, axis=-1)
    if not inclusive:
        out = np.concatenate([np.full(out.shape[:-1] + (1,), -np.inf, np.longdouble), out[..., :-1]], axis=-1)
    if reverse:
        out = out[..., ::-1]
    return np.moveaxis(out, -1, axis)
