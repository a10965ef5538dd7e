"""Parity at the sizes where a blocked, laned, multi-threaded engine changes
strategy: around powers of two, tile and block sizes, many lanes, and inputs
big enough for several threads.

The data are chosen so that the exact answer is representable: integer-valued
floats for sums (exact in a float32 or wider accumulator; float16 and
bfloat16 must then be the exact sum rounded once, as SPEC section 6 says),
signed powers of two whose running exponent stays bounded for products.
So the comparisons are exact, whatever the order of evaluation.
"""

import os

import numpy as np
import pytest

import mlx_lite
from reference import (
    ALL_DTYPES, BF16, BOOL, OPS, assert_matches, dtype_id, eps, is_complex, is_inexact, random_values,
    reference,
)

SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 63, 64, 65, 127, 129, 2047, 2048, 2049, 4095, 4097, 8193,
         131071, 131072, 131073, 270001]
LANE_CASES = [((70, 2049), 0), ((3, 4100), 0), ((2049, 5), 0), ((5, 2049), 1), ((9, 7, 300), 1), ((1000, 3), 0),
              ((4, 130), 0), ((130, 4), 1), ((2, 2, 70000), 2), ((300, 700), 0)]


def exact_values(rng, shape, dtype, op):
    """Values whose scans are exact in the result type (see module doc)."""
    dtype = np.dtype(dtype)
    if not is_inexact(dtype) or op in ("cummax", "cummin"):
        return random_values(rng, shape, dtype, op)
    if op == "cumsum":
        if dtype == np.float16 or (BF16 is not None and dtype == BF16):
            values = rng.integers(0, 9, size=shape).astype(np.float64)  # running sums up to ~2.4M
        else:
            values = rng.integers(-8, 9, size=shape).astype(np.float64)
        if is_complex(dtype):
            values = values + 1j * rng.integers(-8, 9, size=shape)
        return values.astype(dtype)
    if op == "cumprod":
        # exponents +1/-1 alternate along every line (in C order), zeros in between:
        # every partial product is a power of two in [1/2, 2], in any association.
        size = int(np.prod(shape))
        step = rng.random(size) < 0.3
        parity = np.cumsum(step) % 2
        exponent = np.where(step, np.where(parity == 1, 1, -1), 0)
        sign = rng.choice([-1.0, 1.0], size=size)
        values = sign * np.exp2(exponent)
        if is_complex(dtype):
            values = values * rng.choice([1, 1j, -1j], size=size)
        return values.reshape(shape).astype(dtype)
    return random_values(rng, shape, dtype, op)


def check_exact(op, a, axis, reverse, inclusive):
    got = getattr(mlx_lite, op)(a, axis, reverse=reverse, inclusive=inclusive)
    ref = reference(op, a, axis, reverse, inclusive)
    what = f"{op}({dtype_id(a.dtype)}{a.shape}, axis={axis}, reverse={reverse}, inclusive={inclusive})"
    if op == "logcumsumexp" and is_inexact(ref.dtype):
        check_no_worse_than_numpy(got, ref, a, axis, reverse, inclusive, what)
        return
    assert got.dtype == ref.dtype and got.shape == ref.shape, what
    if not is_inexact(ref.dtype):
        assert np.array_equal(got, ref.value), what
        return
    with np.errstate(over="ignore"):  # float16 sums beyond 65504 round to inf
        want = ref.value.astype(ref.dtype)  # the exact result, rounded once
    wide = np.complex128 if is_complex(ref.dtype) else np.float64
    g, w = got.astype(wide), want.astype(wide)
    g_nan, w_nan = np.isnan(g), np.isnan(w)
    assert np.array_equal(g_nan, w_nan), what
    bad = np.flatnonzero((g != w) & ~g_nan)
    assert bad.size == 0, (f"{what}: {bad.size} values differ, first at flat index {bad[0]}: "
                           f"got {g.ravel()[bad[0]]}, want {w.ravel()[bad[0]]}")


def check_no_worse_than_numpy(got, ref, a, axis, reverse, inclusive, what):
    """logcumsumexp: the error against the float64 reference is no larger
    than NumPy's own sequential logaddexp.accumulate in the result dtype
    (SPEC section 6), with a floor of a few ulps."""
    assert got.dtype == ref.dtype and got.shape == ref.shape, what
    x = np.asarray(a).astype(ref.dtype)
    if axis is None:
        x, ax = x.reshape(-1), 0
    else:
        ax = axis
    if reverse:
        x = np.flip(x, ax)
    with np.errstate(all="ignore"):
        theirs = np.logaddexp.accumulate(x.astype(np.float32) if x.dtype.itemsize == 2 else x, axis=ax)
    theirs = theirs.astype(ref.dtype).astype(np.float64)
    if not inclusive:
        shifted = np.full_like(theirs, -np.inf)
        src = [slice(None)] * theirs.ndim
        dst = [slice(None)] * theirs.ndim
        src[ax], dst[ax] = slice(0, -1), slice(1, None)
        shifted[tuple(dst)] = theirs[tuple(src)]
        theirs = shifted
    if reverse:
        theirs = np.flip(theirs, ax)
    want = ref.value
    if ref.dtype == np.float64 and np.finfo(np.longdouble).eps < np.finfo(np.float64).eps:
        # a float64 reference is no better than NumPy's float64 scan: use extended precision
        xl = np.asarray(a).astype(np.longdouble)
        xl = xl.reshape(-1) if axis is None else xl
        xl = np.flip(xl, ax) if reverse else xl
        wl = np.logaddexp.accumulate(xl, axis=ax)
        if not inclusive:
            wl = np.concatenate([np.full_like(np.take(wl, [0], axis=ax), -np.inf),
                                 np.take(wl, np.arange(wl.shape[ax] - 1), axis=ax)], axis=ax)
        wl = np.flip(wl, ax) if reverse else wl
        want_l = wl
    else:
        want_l = None
    assert np.array_equal(np.isinf(got.astype(np.float64)), np.isinf(want)), what
    with np.errstate(invalid="ignore"):
        if want_l is not None:
            ours_err = np.nan_to_num(np.abs(got.astype(np.longdouble) - want_l), nan=0.0).astype(np.float64)
            numpy_err = np.nan_to_num(np.abs(theirs.astype(np.longdouble) - want_l), nan=0.0).astype(np.float64)
        else:
            ours_err = np.nan_to_num(np.abs(got.astype(np.float64) - want), nan=0.0)
            numpy_err = np.nan_to_num(np.abs(theirs - want), nan=0.0)
    floor = 4 * eps(ref.dtype) * (1 + np.abs(want))
    assert np.all(ours_err <= np.maximum(numpy_err.max(), floor)), (
        f"{what}: error {ours_err.max()} vs NumPy's {numpy_err.max()}")


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("op", ["cumsum", "cumprod", "cummax", "cummin"])
def test_boundary_sizes_1d(op, dtype, rng):
    for n in SIZES:
        a = exact_values(rng, (n,), dtype, op)
        flags = [(False, True), (True, False)] if n > 10000 else [(False, True), (True, True), (False, False),
                                                                  (True, False)]
        for reverse, inclusive in flags:
            check_exact(op, a, None, reverse, inclusive)
        if n in (2049, 131073):
            check_exact(op, a[::-1], 0, False, True)       # negative stride
            check_exact(op, a[::3], -1, True, True)        # stepped
            b = np.broadcast_to(a[:1], (n,))               # stride 0
            check_exact(op, b, 0, False, False)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("op", ["cumsum", "cumprod", "cummax", "cummin"])
def test_lanes_and_long_rows(op, dtype, rng):
    for shape, axis in LANE_CASES:
        a = exact_values(rng, shape, dtype, op)
        if op == "cumprod" and is_inexact(dtype):
            # the bounded-exponent construction runs along C order: scan the last axis
            axis = -1
        views = [a, np.asfortranarray(a), a[..., ::-1]]
        for i, v in enumerate(views):
            for reverse, inclusive in ((False, True), (True, False)) if i else FLAGS_ALL:
                check_exact(op, v, axis, reverse, inclusive)
        t = np.swapaxes(a, 0, -1)  # the same data seen with another memory order
        if not (op == "cumprod" and is_inexact(dtype)):
            check_exact(op, t, 0, False, True)
            check_exact(op, t, -1, True, True)


FLAGS_ALL = [(False, True), (True, True), (False, False), (True, False)]


@pytest.mark.parametrize("dtype", [d for d in ALL_DTYPES if d.kind in "fcV" or d == BF16], ids=dtype_id)
def test_logcumsumexp_sizes(dtype, rng):
    if is_complex(dtype):
        for n in (65, 2049, 131073):
            a = random_values(rng, (n,), dtype, "logcumsumexp")
            got = mlx_lite.logcumsumexp(a)
            ref = reference("logcumsumexp", a)
            assert_matches(got, ref, f"logcumsumexp complex n={n}")
        return
    for n in (63, 65, 2047, 2049, 4097, 131073, 270001):
        a = random_values(rng, (n,), dtype, "logcumsumexp")
        check_exact("logcumsumexp", a, None, False, True)
        check_exact("logcumsumexp", a[::-1], 0, True, True)
    for shape, axis in LANE_CASES[:6]:
        a = random_values(rng, shape, dtype, "logcumsumexp")
        check_exact("logcumsumexp", a, axis, False, True)
        check_exact("logcumsumexp", np.asfortranarray(a), axis, True, True)


@pytest.mark.parametrize("dtype", [np.int8, np.uint16, np.int64, np.bool_], ids=dtype_id)
def test_logcumsumexp_sizes_integers(dtype, rng):
    for n in (65, 2049, 131073):
        a = random_values(rng, (n,), dtype, "logcumsumexp")
        got = mlx_lite.logcumsumexp(a)
        assert got.dtype == np.float32
        want = np.logaddexp.accumulate(a.astype(np.float32).astype(np.float64))
        assert np.max(np.abs(got - want) / (1 + np.abs(want))) <= 1e-5


@pytest.mark.parametrize("threads", ["1", "2", "3", None])
@pytest.mark.parametrize("op", OPS)
def test_multithreaded_sizes(op, threads, rng):
    if threads is None:
        os.environ.pop("MLX_LITE_NUM_THREADS", None)
    else:
        os.environ["MLX_LITE_NUM_THREADS"] = threads
    for dtype in (np.float32, np.int32, np.float64, np.uint8, np.complex64, np.float16):
        dtype = np.dtype(dtype)
        if op == "logcumsumexp" and dtype.kind == "c":
            continue
        a = exact_values(rng, (600_001,), dtype, op)
        check_exact(op, a, None, False, True)
        check_exact(op, a, 0, True, False)
        if op in ("cumsum", "cummax", "cummin"):
            b = exact_values(rng, (700, 900), dtype, op)
            check_exact(op, b, 0, False, True)
            check_exact(op, b.T, 1, True, True)


STREAMED_DTYPES = ["float16", "float32", "float64", "int16", "int32", "int64", "uint64"] + (
    ["bfloat16"] if BF16 is not None else [])


@pytest.mark.parametrize("dtype", STREAMED_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("shape, axis", [((2**23 + 8,), None), ((2**23 + 3,), None), ((2048, 4100), -1)],
                         ids=["1d-aligned", "1d-odd", "rows"])
def test_outputs_past_the_streaming_size(dtype, shape, axis, rng):
    """Outputs of 16 MiB or more are written with streaming stores, which
    need 16-byte-aligned octets; odd lengths and exclusive shifts leave some
    tiles misaligned, and those fall back to ordinary stores. Every variant
    is exact against the reference (small integer steps: exact in the
    accumulator, then rounded once)."""
    dtype = BF16 if dtype == "bfloat16" else np.dtype(dtype)
    span = 1 if np.dtype(dtype).itemsize == 2 and is_inexact(dtype) else 8
    a = rng.integers(-span, span + 1, size=shape).astype(dtype)
    for op in ("cumsum", "cummax"):
        for reverse, inclusive in ((False, True), (True, True), (False, False), (True, False)):
            check_exact(op, a, axis, reverse, inclusive)
