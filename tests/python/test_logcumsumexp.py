"""logcumsumexp on float32, float16 and bfloat16 (the rescaled vector tiles,
LogSumExpTiles.swift): accuracy in ulps against a float64 reference, the
special values of SPEC section 6 inside long arrays (where a tile falls back to
the scalar path), every layout the engine scans differently, and the same bits
for every thread count."""

import os

import numpy as np
import pytest

import mlx_lite
from reference import BF16

TILE = 2048  # LineScan's tile: specials are placed at and around its boundaries
MANTISSA = {np.dtype(np.float32): 23, np.dtype(np.float16): 10, BF16: 7}
MIN_EXP = {np.dtype(np.float32): -126, np.dtype(np.float16): -14, BF16: -126}


def _reference(x, axis=-1, reverse=False, inclusive=True):
    """The float64 sequential scan of the stored values."""
    wide = np.moveaxis(np.asarray(x, dtype=np.float64), axis, -1)
    if reverse:
        wide = wide[..., ::-1]
    with np.errstate(invalid="ignore"):
        out = np.logaddexp.accumulate(wide, axis=-1)
    if not inclusive:
        out = np.concatenate([np.full(out.shape[:-1] + (1,), -np.inf), out[..., :-1]], axis=-1)
    if reverse:
        out = out[..., ::-1]
    return np.moveaxis(out, -1, axis)


def _ulp_errors(got, exact, dtype, floor=2.0**-47):
    """|got - exact| in units of the last place of `dtype` at `exact`; special
    values must match exactly (NaN where NaN, the same infinity)."""
    got = np.asarray(got, dtype=np.float64)
    special = ~np.isfinite(exact)
    assert np.array_equal(np.isnan(got), np.isnan(exact))
    assert np.array_equal(got[special & ~np.isnan(exact)], exact[special & ~np.isnan(exact)])
    exact, got = exact[~special], got[~special]
    assert np.all(np.isfinite(got))
    dtype = np.dtype(dtype)
    exponent = np.maximum(np.floor(np.log2(np.maximum(np.abs(exact), 1e-300))), MIN_EXP[dtype])
    # Near zero the unit is 2^-47 instead: there a running log-sum-exp carries
    # the absolute error of double arithmetic on its earlier, larger values
    # (about 2e-15 for log-probabilities summing to 1: the scalar double path's
    # error is 16 float32 ulps of a 1e-9 result, NumPy's float32 one 7e9).
    unit = np.maximum(np.exp2(exponent - MANTISSA[dtype]), floor)
    return np.abs(got - exact) / unit


def _max_ulps(x, floor=2.0**-47, **kwargs):
    got = mlx_lite.logcumsumexp(x, **kwargs)
    assert got.dtype == x.dtype
    axis = kwargs.pop("axis", -1)
    errors = _ulp_errors(got, _reference(x, axis=axis, **kwargs), x.dtype, floor)
    return float(errors.max()) if errors.size else 0.0


@pytest.mark.parametrize("dtype", [np.float32, np.float16, BF16], ids=["float32", "float16", "bfloat16"])
@pytest.mark.parametrize("flags", [{}, {"reverse": True}, {"inclusive": False}, {"reverse": True, "inclusive": False}],
                         ids=["inclusive", "reverse", "exclusive", "reverse-exclusive"])
def test_1d_within_one_ulp(dtype, flags, rng):
    for n in (1, 3, 4, 5, 7, 8, 63, 64, 65, TILE - 1, TILE, TILE + 1, 200_003):
        x = rng.uniform(-30, 30, size=n).astype(dtype)
        assert _max_ulps(x, **flags) <= 1.0, n


@pytest.mark.parametrize("dtype", [np.float32, np.float16, BF16], ids=["float32", "float16", "bfloat16"])
@pytest.mark.parametrize("shape", [(300, 517), (2, 70_001), (70_001, 3), (4096, 9)])
@pytest.mark.parametrize("axis", [0, 1])
def test_matrix_within_one_ulp(dtype, shape, axis, rng):
    x = rng.uniform(-30, 30, size=shape).astype(dtype)
    assert _max_ulps(x, axis=axis) <= 1.0
    assert _max_ulps(x, axis=axis, reverse=True) <= 1.0
    assert _max_ulps(np.asfortranarray(x), axis=axis) <= 1.0
    assert _max_ulps(x[:, ::-1], axis=axis) <= 1.0


def test_float32_small_spreads_are_nearly_correctly_rounded(rng):
    # Log-probabilities: small spreads, results near zero where absolute errors count.
    x = np.log(rng.dirichlet(np.ones(50_000))).astype(np.float32)
    assert _max_ulps(x) <= 1.0
    assert _max_ulps(x, reverse=True) <= 1.0


def test_outputs_near_zero_are_exact_to_an_ulp():
    # The running value near 0 while the tile's maximum is far above: the
    # rescaled sum would cancel (M + log s), so such tiles keep the scalar
    # path's outputs; the lanes' log-add-exp keeps log1p's accuracy.
    x = np.full(3000, -25, np.float32)
    x[0] = 0
    x[100] = 30
    assert _max_ulps(x, floor=0) <= 1.0
    m = np.stack([np.zeros(67), np.full(67, -25), np.full(67, -30), np.full(67, 3)]).astype(np.float32)
    assert _max_ulps(m, floor=0, axis=0) <= 1.0


def test_spec_examples():
    f = np.float32
    got = mlx_lite.logcumsumexp(np.array([1000, 1000], f))
    assert got[0] == 1000 and got[1] == f(1000 + np.log(2))
    assert np.array_equal(mlx_lite.logcumsumexp(np.array([-np.inf, -np.inf], f)), [-np.inf, -np.inf])
    assert np.array_equal(mlx_lite.logcumsumexp(np.array([np.inf, np.inf], f)), [np.inf, np.inf])
    assert np.array_equal(mlx_lite.logcumsumexp(np.array([-1000, 0], f)), [-1000, 0])
    assert np.array_equal(mlx_lite.logcumsumexp(np.array([3e38, 3e38], f)), [f(3e38), f(3e38)])


SPECIALS = {
    "nan": [np.nan],
    "inf": [np.inf],
    "-inf-run": [-np.inf] * 40,
    "huge-spread": [-1000.0, 0.0],
    "deep-start": [-700.0],
    "big": [1000.0, 1000.0],
    "mixed": [-np.inf, 5.0, np.inf, -np.inf],
}


@pytest.mark.parametrize("dtype", [np.float32, np.float16, BF16], ids=["float32", "float16", "bfloat16"])
@pytest.mark.parametrize("name", list(SPECIALS))
@pytest.mark.parametrize("position", [0, 1, TILE - 1, TILE, 3 * TILE + 5, 64 * TILE])
def test_special_values_in_long_arrays(dtype, name, position, rng):
    special = np.array(SPECIALS[name], np.float64)
    if dtype != np.float32:
        special = np.clip(special, -60000, 60000) if dtype == np.float16 else special
    x = rng.uniform(-30, 30, size=64 * TILE + 100)
    x[position:position + special.size] = special
    x = x.astype(dtype)
    for flags in ({}, {"reverse": True}):
        assert _max_ulps(x, **flags) <= 1.0, flags


def test_every_tile_falling_back(rng):
    # Each tile starts far below its maximum: all of them take the scalar path.
    x = rng.uniform(-30, 30, size=20 * TILE).astype(np.float32)
    x[::TILE] = -900
    assert _max_ulps(x) <= 1.0
    x[::TILE] = -np.inf
    assert _max_ulps(x) <= 1.0


def _bits(a):
    return np.ascontiguousarray(a).view(np.uint16 if a.itemsize == 2 else np.uint32)


def _determinism_cases():
    rng = np.random.default_rng(77)
    x = rng.uniform(-30, 30, size=3 * 10**6).astype(np.float32)
    spiky = x.copy()
    spiky[rng.integers(0, x.size, 300)] = -900
    spiky[rng.integers(0, x.size, 30)] = -np.inf
    m = rng.uniform(-30, 30, size=(1500, 1500)).astype(np.float32)
    return {
        "1d": lambda: mlx_lite.logcumsumexp(x),
        "1d-spiky-reverse": lambda: mlx_lite.logcumsumexp(spiky, reverse=True),
        "1d-exclusive": lambda: mlx_lite.logcumsumexp(x, inclusive=False),
        "axis0": lambda: mlx_lite.logcumsumexp(m, axis=0),
        "axis1": lambda: mlx_lite.logcumsumexp(m, axis=1),
        "few-channels-axis0": lambda: mlx_lite.logcumsumexp(x.reshape(-1, 3), axis=0),
        "float16": lambda: mlx_lite.logcumsumexp(x.astype(np.float16)),
        "bfloat16-axis0": lambda: mlx_lite.logcumsumexp(m.astype(BF16), axis=0),
    }


@pytest.mark.parametrize("name", list(_determinism_cases()))
def test_same_bits_for_every_thread_count(name):
    run = _determinism_cases()[name]
    os.environ.pop("MLX_LITE_NUM_THREADS", None)
    first = _bits(run())
    for threads in ("1", "2", "3", "4"):
        os.environ["MLX_LITE_NUM_THREADS"] = threads
        assert np.array_equal(_bits(run()), first), f"{name}: MLX_LITE_NUM_THREADS={threads} differs"
