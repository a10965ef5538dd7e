"""Every path the engine chooses, exact against a reference, at and around the
thresholds where it changes path.

The engine picks its loop from the shape: lines (the scanned axis innermost),
lanes (an outer axis: rows of lanes in blocks of rows), interleaved lanes (a
few channels, 2 to 7, whose rows follow one another in memory), rows of two or
four back to back, a scanned axis of length one (a map), and blocks shared by
threads (BlockChain) for long lines and for tiles with many rows. Integer
scans are exact, so each path is checked with np.array_equal against NumPy;
float sums against a float64 reference; and every path gives the same bits for
every thread count.
"""
import itertools
import os
import subprocess
import sys

import numpy as np
import pytest

import mlx_lite

# A line block holds 64 tiles of 2048 elements; a lane tile holds 8192 bytes
# of accumulators (1024 lanes of 8 bytes, 2048 of 4) and a row block about a
# line block's elements.
BLOCK = 2048 * 64


def numpy_scan(x, op, axis, reverse, inclusive):
    """NumPy's scan with mlx_lite's flags (x already in the working dtype)."""
    ufunc = {"cumsum": np.add, "cumprod": np.multiply, "cummax": np.maximum, "cummin": np.minimum}[op]
    if axis is None:
        x, axis = x.reshape(-1), 0
    if reverse:
        x = np.flip(x, axis)
    out = ufunc.accumulate(x, axis=axis, dtype=x.dtype)
    if not inclusive:
        start = {"cumsum": 0, "cumprod": 1}.get(op)
        if start is None:
            info = np.iinfo(x.dtype)
            start = info.min if op == "cummax" else info.max
        shifted = np.empty_like(out)
        lead = [slice(None)] * out.ndim
        rest, body = list(lead), list(lead)
        lead[axis], rest[axis], body[axis] = slice(0, 1), slice(1, None), slice(None, -1)
        shifted[tuple(lead)] = start
        shifted[tuple(rest)] = out[tuple(body)]
        out = shifted
    return np.flip(out, axis) if reverse else out


SHAPES = [
    # (rows, channels) along axis 0: interleaved for 2..7 channels, lanes from 8;
    # 8 and 16 lanes (24 and 32 with 4-byte accumulators) keep their locals in registers
    *[((4099, c), 0) for c in (2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 32, 33)],
    # row blocks: just under, at and over a block of rows for 3 and 1024 lanes
    ((BLOCK // 3 - 1, 3), 0), ((BLOCK // 3 + 1, 3), 0), ((2 * (BLOCK // 3) + 5, 3), 0),
    ((127, 1024), 0), ((128, 1024), 0), ((129, 1024), 0), ((3 * 128 + 1, 1024), 0),
    # lane tiles: 1023, 1024, 1025, 2049 lanes
    ((300, 1023), 0), ((300, 1025), 0), ((70, 2049), 0),
    # short rows along the last axis: rows of 1 (a map), 2 and 4 (vectors), 5 to 7 (an octet each), 3, 8, 9
    *[((5003, c), 1) for c in (1, 2, 3, 4, 5, 6, 7, 8, 9)],
    # a middle axis, and lines around the block size
    ((7, 300, 5), 1), ((3, 300, 9), 1),
    ((BLOCK - 1,), 0), ((BLOCK + 1,), 0), ((3 * BLOCK + 17,), 0),
]


@pytest.mark.parametrize("shape,axis", SHAPES, ids=[f"{s}-ax{a}" for s, a in SHAPES])
@pytest.mark.parametrize("op", ["cumsum", "cummax", "cumprod"])
def test_each_path_is_exact_on_integers(shape, axis, op):
    rng = np.random.default_rng(hash((shape, axis, op)) % 2**32)
    x = rng.integers(-50, 50, size=shape, dtype=np.int64)
    if op == "cumprod":
        x = rng.choice(np.array([1, 1, 1, -1, 2], np.int64), size=shape)
    for reverse, inclusive in itertools.product((False, True), (True, False)):
        got = getattr(mlx_lite, op)(x, axis, reverse=reverse, inclusive=inclusive)
        np.testing.assert_array_equal(got, numpy_scan(x, op, axis, reverse, inclusive))


@pytest.mark.parametrize("shape,axis", SHAPES, ids=[f"{s}-ax{a}" for s, a in SHAPES])
@pytest.mark.parametrize("dtype", ["float32", "int8", "float16"])
def test_each_path_in_narrow_dtypes(shape, axis, dtype):
    rng = np.random.default_rng(7)
    scale = 0.01 if dtype == "float16" else 4  # float16 sums stay far below 65504
    x = (rng.random(shape) * scale).astype(dtype)
    for reverse in (False, True):
        got = mlx_lite.cumsum(x, axis, reverse=reverse)
        if dtype == "int8":
            np.testing.assert_array_equal(got, numpy_scan(x, "cumsum", axis, reverse, True))
            continue
        exact = numpy_scan(x.astype(np.float64), "cumsum", axis, reverse, True)
        # one rounding of a wider accumulation: half an ulp of the result
        ulp = np.spacing(np.abs(exact).astype(dtype)).astype(np.float64)
        assert np.all(np.abs(got.astype(np.float64) - exact) <= 0.5 * ulp + 1e-3 * ulp * np.sqrt(exact.size))
        np.testing.assert_array_equal(mlx_lite.cummax(x, axis, reverse=reverse),
                                      numpy_scan(x, "cummax", axis, reverse, True))


def test_layouts_that_leave_the_interleaved_path():
    """Three channels of a four-channel array (rows not back to back), Fortran
    order, and negative strides: the same results as NumPy."""
    rng = np.random.default_rng(3)
    base = rng.integers(-9, 9, size=(6001, 4), dtype=np.int32)
    for view in (base[:, :3], np.asfortranarray(base), base[::-1], base[:, ::-1], base[::2, 1:3]):
        for reverse, inclusive in itertools.product((False, True), (True, False)):
            got = mlx_lite.cumsum(view, 0, reverse=reverse, inclusive=inclusive)
            np.testing.assert_array_equal(got, numpy_scan(view, "cumsum", 0, reverse, inclusive))


@pytest.mark.parametrize("length", [9, 2047, 2049, BLOCK + 3, 3 * BLOCK + 17])
@pytest.mark.parametrize("dtype", ["int16", "int64", "float32", "float16"])
def test_reversed_views_scanned_forward(length, dtype):
    """x[::-1] (input backward, result forward) and a reverse scan into a
    reversed out= (input forward, output backward): NumPy's integers exactly,
    floats the bits of the same scan of a contiguous copy."""
    rng = np.random.default_rng(length)
    x = (rng.integers(-50, 50, length) if dtype.startswith("int") else rng.random(length) * 0.01).astype(dtype)
    view = x[::-1]
    for op in ("cumsum", "cummax"):
        for reverse, inclusive in itertools.product((False, True), (True, False)):
            got = getattr(mlx_lite, op)(view, reverse=reverse, inclusive=inclusive)
            np.testing.assert_array_equal(got, getattr(mlx_lite, op)(view.copy(), reverse=reverse, inclusive=inclusive))
            if dtype.startswith("int"):
                np.testing.assert_array_equal(got, numpy_scan(view, op, 0, reverse, inclusive))
            target = np.empty_like(x)
            getattr(mlx_lite, op)(x, reverse=reverse, inclusive=inclusive, out=target[::-1])
            np.testing.assert_array_equal(target[::-1], getattr(mlx_lite, op)(x, reverse=reverse, inclusive=inclusive))


THREADS_SCRIPT = r"""
import sys, numpy as np, mlx_lite
rng = np.random.default_rng(11)
cases = [
    (rng.random((BLOCK_3, 3), dtype=np.float32), 0),
    (rng.random((2000003, 2), dtype=np.float32), 0),
    (rng.random((1500, 1024), dtype=np.float32), 0),
    (rng.random(3 * BLOCK + 5, dtype=np.float32), None),
    (rng.random((5, 700001), dtype=np.float32), 1),
    (rng.standard_normal((400001, 5)).astype(np.float16), 0),
    (rng.standard_normal((300001, 8)).astype(np.float32), 0),
    (rng.standard_normal((100001, 32)).astype(np.float16), 0),
    (rng.random(3 * BLOCK + 5, dtype=np.float32)[::-1], None),
    (rng.standard_normal((300007, 7)).astype(np.float32), 1),
    (rng.standard_normal((300007, 6)).astype(np.float32), 0),
]
out = []
for x, axis in cases:
    for op in ("cumsum", "cummax", "cumprod"):
        for reverse in (False, True):
            y = getattr(mlx_lite, op)(x, axis, reverse=reverse, inclusive=not reverse)
            out.append(np.ascontiguousarray(y).view(np.uint8))
np.save(sys.argv[1], np.concatenate([o.ravel() for o in out]))
""".replace("BLOCK_3", str(3 * BLOCK // 3 + 7)).replace("BLOCK", str(BLOCK))


def test_the_same_bits_for_every_thread_count(tmp_path):
    script = tmp_path / "scan.py"
    script.write_text(THREADS_SCRIPT)
    results = []
    for threads in (1, 2, 3, 4):
        target = tmp_path / f"threads{threads}.npy"
        env = dict(os.environ, MLX_LITE_NUM_THREADS=str(threads))
        subprocess.run([sys.executable, str(script), str(target)], check=True, env=env, timeout=300)
        results.append(np.load(target))
    for threads, result in zip((2, 3, 4), results[1:]):
        assert np.array_equal(result, results[0]), f"{threads} threads differ from one"
