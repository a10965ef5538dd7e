"""logcumsumexp on the paths added for speed: float64 in the rescaled tiles
(LogSumExpTiles.swift), and lane blocks rescaled per lane (LogSumExpLanes.swift:
the scanned axis outer). Shapes at and around every size where the engine
changes path (tiles of 2048, quads of lanes and their remainders, lane tiles of
1024 or 2048, blocks of 131072 / lanes rows, chunks of 2048 rows), both
directions, strided, in place (cast inputs), special values, and the same bits
for every thread count. float64 is checked against a long-double sequential
reference; the narrower types against float64 as in test_logcumsumexp.py."""

import os

import numpy as np
import pytest

import mlx_lite
from reference import BF16, logcumsumexp_long_double as _reference_long
from test_logcumsumexp import SPECIALS as LANE_SPECIALS, _max_ulps

TILE = 2048


def _float64_errors(x, **kwargs):
    """Our largest error and NumPy's sequential float64 scan's, in float64 ulps
    of the exact value (at least 2^-52: near zero both carry the absolute error
    of their earlier, larger values); special values must match exactly."""
    got = mlx_lite.logcumsumexp(x, **kwargs)
    assert got.dtype == np.float64
    axis = kwargs.pop("axis", -1)
    exact = _reference_long(x, axis=axis, **kwargs)
    wide = np.moveaxis(x, axis, -1)
    if kwargs.get("reverse"):
        wide = wide[..., ::-1]
    with np.errstate(invalid="ignore"):
        numpy_scan = np.logaddexp.accumulate(wide, axis=-1)
    if not kwargs.get("inclusive", True):
        numpy_scan = np.concatenate([np.full(numpy_scan.shape[:-1] + (1,), -np.inf), numpy_scan[..., :-1]], axis=-1)
    if kwargs.get("reverse"):
        numpy_scan = numpy_scan[..., ::-1]
    numpy_scan = np.moveaxis(numpy_scan, -1, axis)
    special = ~np.isfinite(exact)
    assert np.array_equal(np.isnan(got), np.isnan(exact))
    assert np.array_equal(got[special & ~np.isnan(exact)], exact[special & ~np.isnan(exact)].astype(np.float64))
    finite = ~special
    unit = np.maximum(np.spacing(np.abs(exact[finite].astype(np.float64))), 2.0**-52)
    ours = np.abs(got[finite].astype(np.longdouble) - exact[finite]) / unit
    theirs = np.abs(numpy_scan[finite].astype(np.longdouble) - exact[finite]) / unit
    return (float(ours.max()) if ours.size else 0.0), (float(theirs.max()) if theirs.size else 0.0)


def _check_float64(x, **kwargs):
    ours, numpy_scan = _float64_errors(x, **kwargs)
    # A few ulps (the tiles' error is a few ulps of |max| + 8, the scalar
    # chain's grows with the length), and never worse than NumPy's sequential scan.
    assert ours <= max(8.0, numpy_scan), (ours, numpy_scan, kwargs)


FLAGS = [{}, {"reverse": True}, {"inclusive": False}, {"reverse": True, "inclusive": False}]
FLAG_IDS = ["inclusive", "reverse", "exclusive", "reverse-exclusive"]


@pytest.mark.parametrize("flags", FLAGS, ids=FLAG_IDS)
def test_float64_1d_within_a_few_ulps(flags, rng):
    for n in (1, 3, 4, 5, 7, 8, 63, 64, 65, TILE - 1, TILE, TILE + 1, 64 * TILE - 1, 64 * TILE + 3, 200_003):
        _check_float64(rng.uniform(-30, 30, size=n), **flags)
        _check_float64(rng.standard_normal(n), **flags)


def test_float64_strided_and_small_spreads(rng):
    x = rng.uniform(-30, 30, size=3 * TILE + 17)
    _check_float64(x[::2])
    _check_float64(x[::-3])
    # Log-probabilities: outputs near zero, where tiles fall back to the scalar chain.
    p = np.log(rng.dirichlet(np.ones(50_000)))
    _check_float64(p)
    _check_float64(p, reverse=True)


def test_float64_outputs_near_zero():
    x = np.full(3000, -25.0)
    x[0] = 0
    x[100] = 30
    got = mlx_lite.logcumsumexp(x)
    exact = _reference_long(x)
    assert np.all(np.abs(got - exact) <= 8 * np.spacing(np.abs(exact.astype(np.float64))))


LANE_SHAPES = [
    (300, 4), (300, 5), (300, 7), (300, 8), (300, 9), (129, 63), (129, 64), (129, 65),
    (5000, 8), (4097, 9), (300, 517), (257, 1023), (257, 1024), (130, 1025), (70, 2049), (9, 3000),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16, BF16],
                         ids=["float64", "float32", "float16", "bfloat16"])
@pytest.mark.parametrize("shape", LANE_SHAPES, ids=[f"{r}x{c}" for r, c in LANE_SHAPES])
def test_lanes_accuracy(dtype, shape, rng):
    x = rng.uniform(-30, 30, size=shape).astype(dtype)
    for flags in ({}, {"reverse": True}, {"inclusive": False}):
        if dtype == np.float64:
            _check_float64(x, axis=0, **flags)
            _check_float64(x[:, ::-1], axis=0, **flags)
        else:
            assert _max_ulps(x, axis=0, **flags) <= 1.0, flags
            assert _max_ulps(x[:, ::-1], axis=0, **flags) <= 1.0, flags
    if shape[1] >= 8:
        if dtype == np.float64:
            _check_float64(x[:, ::2], axis=0)
        else:
            assert _max_ulps(x[:, ::2], axis=0) <= 1.0


@pytest.mark.parametrize("shape", [(300, 517), (5000, 9), (130, 1025)])
def test_lanes_in_place_cast_inputs(shape, rng):
    # Integer and bool inputs are converted into the float32 result and scanned in place.
    for x in (rng.integers(-30, 30, size=shape), rng.integers(0, 2, size=shape).astype(bool)):
        got = mlx_lite.logcumsumexp(x, axis=0)
        assert got.dtype == np.float32
        assert _max_ulps(x.astype(np.float32), axis=0) <= 1.0
        assert np.array_equal(got, mlx_lite.logcumsumexp(x.astype(np.float32), axis=0))
        assert np.array_equal(mlx_lite.logcumsumexp(x, axis=0, reverse=True),
                              mlx_lite.logcumsumexp(x.astype(np.float32), axis=0, reverse=True))


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16, BF16],
                         ids=["float64", "float32", "float16", "bfloat16"])
@pytest.mark.parametrize("name", list(LANE_SPECIALS))
@pytest.mark.parametrize("row", [0, 1, 127, 128, 2047, 2048, 4000])
def test_lanes_special_values(dtype, name, row, rng):
    special = np.array(LANE_SPECIALS[name], np.float64)
    if dtype == np.float16:
        special = np.clip(special, -60000, 60000)
    rows = 4100 if row >= 2047 else 300
    for lanes in (13, 1024):
        if rows * lanes > 2_000_000:
            continue
        x = rng.uniform(-30, 30, size=(rows, lanes))
        x[row:row + special.size, 5] = special
        x[:, 9] = -np.inf  # a lane of -inf throughout
        x = x.astype(dtype)
        for flags in ({}, {"reverse": True}):
            if dtype == np.float64:
                _check_float64(x, axis=0, **flags)
            else:
                assert _max_ulps(x, axis=0, **flags) <= 1.0, (lanes, flags)


def test_lanes_outputs_near_zero():
    for dtype in (np.float32, np.float64):
        m = np.stack([np.zeros(67), np.full(67, -25), np.full(67, -30), np.full(67, 3)]).astype(dtype)
        if dtype == np.float32:
            assert _max_ulps(m, floor=0, axis=0) <= 1.0
        else:
            got = mlx_lite.logcumsumexp(m, axis=0)
            exact = _reference_long(m, axis=0)
            assert np.all(np.abs(got - exact) <= 8 * np.spacing(np.abs(exact.astype(np.float64))))


def _determinism_cases():
    rng = np.random.default_rng(78)
    x = rng.uniform(-30, 30, size=3 * 10**6)
    spiky = x.copy()
    spiky[rng.integers(0, x.size, 300)] = -900
    spiky[rng.integers(0, x.size, 30)] = -np.inf
    m = rng.uniform(-30, 30, size=(1500, 1500))
    narrow = rng.uniform(-30, 30, size=(200_000, 13))
    return {
        "float64-1d": lambda: mlx_lite.logcumsumexp(x),
        "float64-1d-spiky-reverse": lambda: mlx_lite.logcumsumexp(spiky, reverse=True),
        "float64-axis0": lambda: mlx_lite.logcumsumexp(m, axis=0),
        "float64-axis0-spiky": lambda: mlx_lite.logcumsumexp(spiky[:2_250_000].reshape(1500, 1500), axis=0),
        "float32-axis0-wide": lambda: mlx_lite.logcumsumexp(m.astype(np.float32).reshape(750, 3000), axis=0),
        "float32-axis0-narrow": lambda: mlx_lite.logcumsumexp(narrow.astype(np.float32), axis=0),
        "float16-axis0-reverse": lambda: mlx_lite.logcumsumexp(m.astype(np.float16), axis=0, reverse=True),
        "int-axis0-in-place": lambda: mlx_lite.logcumsumexp((m * 3).astype(np.int32), axis=0),
    }


@pytest.mark.parametrize("name", list(_determinism_cases()))
def test_same_bits_for_every_thread_count(name):
    run = _determinism_cases()[name]
    os.environ.pop("MLX_LITE_NUM_THREADS", None)
    first = run()
    first_bits = first.view(np.uint64 if first.itemsize == 8 else np.uint32 if first.itemsize == 4 else np.uint16)
    try:
        for threads in ("1", "2", "3", "4"):
            os.environ["MLX_LITE_NUM_THREADS"] = threads
            again = run()
            assert np.array_equal(again.view(first_bits.dtype), first_bits), f"{name}: {threads} threads differ"
    finally:
        os.environ.pop("MLX_LITE_NUM_THREADS", None)
