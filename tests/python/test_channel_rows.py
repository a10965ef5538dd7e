"""A few channels along axis 0, (n, c) with c of 3 to 7 whose rows follow one
another: each row is one vector (VectorTiles+ChannelRows.swift), four rows at
a time, the rows left over (and those whose vector would reach past the end of
a block of rows) one element at a time. Exact on integers against NumPy for
row counts around every multiple of four and the row-block boundary, in both
directions, inclusive and exclusive, out= and in place (which keeps the
shuffling walk); floats within half an ulp of a float64 reference."""
import itertools

import numpy as np
import pytest

import mlx_lite
from test_kernel_paths import BLOCK, numpy_scan

CHANNELS = [3, 4, 5, 6, 7]
ROWS = [6, 7, 8, 9, 10, 11, 12, 13, 4096, 4097, 4098, 4099]


@pytest.mark.parametrize("c", CHANNELS)
@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "int16"])
def test_exact_on_integers(c, dtype):
    rng = np.random.default_rng(c)
    for n in ROWS + [BLOCK // c - 1, BLOCK // c + 1, 2 * (BLOCK // c) + 3]:
        x = rng.integers(0, 100, size=(n, c)).astype(dtype)
        for op, reverse, inclusive in itertools.product(("cumsum", "cummax", "cummin"), (False, True), (True, False)):
            got = getattr(mlx_lite, op)(x, 0, reverse=reverse, inclusive=inclusive)
            np.testing.assert_array_equal(got, numpy_scan(x, op, 0, reverse, inclusive), err_msg=f"{op} {n}x{c}")


@pytest.mark.parametrize("c", CHANNELS)
def test_out_and_in_place(c):
    rng = np.random.default_rng(10 + c)
    x = rng.integers(-50, 50, size=(4099, c), dtype=np.int32)
    want = np.cumsum(x, axis=0, dtype=np.int32)
    out = np.full_like(x, 7)
    assert mlx_lite.cumsum(x, 0, out=out) is out
    np.testing.assert_array_equal(out, want)
    inplace = x.copy()
    mlx_lite.cumsum(inplace, 0, out=inplace)
    np.testing.assert_array_equal(inplace, want)
    reversed_inplace = x.copy()
    mlx_lite.cumsum(reversed_inplace, 0, reverse=True, out=reversed_inplace)
    np.testing.assert_array_equal(reversed_inplace, numpy_scan(x, "cumsum", 0, True, True))


@pytest.mark.parametrize("c", CHANNELS)
@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_floats_within_half_an_ulp(c, dtype):
    rng = np.random.default_rng(20 + c)
    scale = 0.01 if dtype == "float16" else 1.0
    for n in (13, 4099, BLOCK // c + 1):
        # Positive terms: float16 accumulates in float32, whose error near a
        # sign change of a long signed sum would exceed half an ulp of the result.
        x = (rng.random((n, c)) * scale).astype(dtype)
        for reverse in (False, True):
            got = mlx_lite.cumsum(x, 0, reverse=reverse).astype(np.float64)
            exact = numpy_scan(x.astype(np.float64), "cumsum", 0, reverse, True)
            ulp = np.spacing(np.abs(exact).astype(dtype)).astype(np.float64)
            assert np.all(np.abs(got - exact) <= 0.5 * ulp + 1e-3 * ulp * np.sqrt(n)), f"{n}x{c} {dtype}"


def test_nan_skipping_scans_by_channel_rows():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((4099, 5)).astype(np.float32)
    x[rng.random(x.shape) < 0.1] = np.nan
    got = mlx_lite.nancumsum(x, 0)
    exact = np.nancumsum(x.astype(np.float64), axis=0)
    ulp = np.spacing(np.abs(exact).astype(np.float32)).astype(np.float64)
    assert np.all(np.abs(got.astype(np.float64) - exact) <= 0.5 * ulp + 1e-3 * ulp * 64)
    np.testing.assert_array_equal(mlx_lite.nancummax(x, 0), np.fmax.accumulate(x, axis=0))
