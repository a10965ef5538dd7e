"""logcumsumexp's exps and logs at the precision each output type needs
(VectorShims' vector_math.h: MLXL_BITS_SINGLE for float32, MLXL_BITS_HALF for
float16 and bfloat16, fewer polynomial terms than float64's), and the tiles'
two-phase stretches (LogSumExpTiles.stagedQuads: 64 quads, 256 elements).

Every output is checked against the exact value, a long-double (64-bit
mantissa) sequential scan of the stored inputs: within 1 ulp of the output
type (near zero the unit is 2^-47 for float32, as in test_logcumsumexp.py, and
2^-20 for the 16-bit types, see `_max_ulps`), special values exactly. Shapes sit at
and around every size where the engine changes path: stretches of 256, tiles of
2048, blocks of 64 tiles, quads of lanes, lane chunks of 2048 rows."""

import os

import numpy as np
import pytest

import mlx_lite
from reference import BF16, logcumsumexp_long_double as _exact

TYPES = [np.float32, np.float16, BF16]
IDS = ["float32", "float16", "bfloat16"]
MANTISSA = {np.dtype(np.float32): 23, np.dtype(np.float16): 10, BF16: 7}
MIN_EXP = {np.dtype(np.float32): -126, np.dtype(np.float16): -14, BF16: -126}
STRETCH, TILE = 256, 2048
SIZES = [1, 5, STRETCH - 1, STRETCH, STRETCH + 1, 2 * STRETCH + 3, TILE - 1, TILE, TILE + 1,
         64 * TILE - 1, 64 * TILE + 1]


def _max_ulps(x, **kwargs):
    got = mlx_lite.logcumsumexp(x, **kwargs)
    assert got.dtype == x.dtype
    kwargs.setdefault("axis", -1)
    exact = _exact(x, **kwargs)
    wide = np.asarray(got, np.float64).astype(np.longdouble)
    special = ~np.isfinite(exact)
    assert np.array_equal(np.isnan(wide), np.isnan(exact))
    assert np.array_equal(wide[special & ~np.isnan(exact)], exact[special & ~np.isnan(exact)])
    exact, wide = exact[~special], wide[~special]
    assert np.all(np.isfinite(wide))
    if exact.size == 0:
        return 0.0
    dtype = np.dtype(x.dtype)
    magnitude = np.abs(exact.astype(np.float64))
    exponent = np.maximum(np.floor(np.log2(np.maximum(magnitude, 1e-300))), MIN_EXP[dtype])
    unit = np.exp2(exponent - MANTISSA[dtype])
    # Near zero, the absolute error of the carried values: 2^-47 for float32
    # (double accumulators), 2^-20 for the 16-bit types, whose accumulators
    # are float32 (SPEC: a float32 ulp of values up to 8; the rounded carry alone
    # put float16 log-probabilities' outputs 2 subnormal ulps off before
    # these polynomials, with the float64 ones).
    unit = np.maximum(unit, 2.0**-47 if dtype == np.float32 else 2.0**-20)
    return float((np.abs(wide - exact) / unit).max())


def _data(kind, n, rng):
    if kind == "uniform":
        return rng.uniform(-30, 30, n)
    if kind == "normal":
        return rng.standard_normal(n)
    if kind == "log-probabilities":  # outputs climbing to 0: cancellation near the end
        return np.log(rng.dirichlet(np.ones(n)))
    if kind == "wide":  # terms spanning the exp's whole range in one tile
        return rng.uniform(-700, 700, n)
    if kind == "huge":
        return rng.uniform(1e4, 6e4, n)
    if kind == "tiny":  # magnitudes near the smallest normals: outputs log(k) + tiny
        return rng.uniform(-1, 1, n) * 1e-30
    raise ValueError(kind)


KINDS = ["uniform", "normal", "log-probabilities", "wide", "huge", "tiny"]


@pytest.mark.parametrize("dtype", TYPES, ids=IDS)
@pytest.mark.parametrize("kind", KINDS)
def test_1d_within_one_ulp_of_exact(dtype, kind, rng):
    for n in SIZES:
        x = _data(kind, n, rng).astype(dtype)
        for flags in ({}, {"reverse": True}, {"inclusive": False}):
            assert _max_ulps(x, **flags) <= 1.0, (n, flags)


@pytest.mark.parametrize("dtype", TYPES, ids=IDS)
@pytest.mark.parametrize("kind", ["uniform", "normal", "log-probabilities", "wide"])
@pytest.mark.parametrize("shape", [(300, 8), (300, 9), (2049, 12), (257, 1024), (130, 1025), (9, 3000)],
                         ids=lambda s: f"{s[0]}x{s[1]}")
def test_lanes_within_one_ulp_of_exact(dtype, kind, shape, rng):
    x = _data(kind, shape[0] * shape[1], rng).reshape(shape).astype(dtype)
    for flags in ({}, {"reverse": True}):
        assert _max_ulps(x, axis=0, **flags) <= 1.0, flags
    assert _max_ulps(x, axis=1) <= 1.0


@pytest.mark.parametrize("dtype", TYPES, ids=IDS)
@pytest.mark.parametrize("position", [0, 3, STRETCH - 1, STRETCH, STRETCH + 2, TILE - 1, TILE])
def test_special_values_at_stretch_edges(dtype, position, rng):
    for special in ([np.nan], [np.inf], [-np.inf] * 5, [-1000.0, 0.0], [-700.0], [1e4, 1e4]):
        x = rng.uniform(-30, 30, 3 * TILE + 7)
        x[position:position + len(special)] = special
        x = x.astype(dtype)
        for flags in ({}, {"reverse": True}):
            assert _max_ulps(x, **flags) <= 1.0, (special, flags)


@pytest.mark.parametrize("dtype", TYPES, ids=IDS)
def test_outputs_crossing_zero(dtype):
    # A tile's maximum far above its first outputs, which pass near 0: there
    # the tiles keep the scalar path's outputs (the cancellation limit).
    x = np.full(3 * TILE, -12.0)
    x[0] = 0
    x[STRETCH + 5] = 9
    x = x.astype(dtype)
    assert _max_ulps(x) <= 1.0
    m = np.stack([np.zeros(300), np.full(300, -9.0), np.full(300, -12.0), np.full(300, 3.0)]).astype(dtype)
    assert _max_ulps(m, axis=0) <= 1.0


@pytest.mark.parametrize("dtype", TYPES, ids=IDS)
def test_same_bits_for_every_thread_count(dtype):
    rng = np.random.default_rng(79)
    x = rng.uniform(-30, 30, 2 * 10**6).astype(dtype)
    m = x[:1_500_000].reshape(1000, 1500)
    runs = [lambda: mlx_lite.logcumsumexp(x), lambda: mlx_lite.logcumsumexp(x, reverse=True),
            lambda: mlx_lite.logcumsumexp(m, axis=0)]
    try:
        for run in runs:
            os.environ["MLX_LITE_NUM_THREADS"] = "1"
            first = run().tobytes()
            for threads in ("2", "3"):
                os.environ["MLX_LITE_NUM_THREADS"] = threads
                assert run().tobytes() == first, threads
    finally:
        os.environ.pop("MLX_LITE_NUM_THREADS", None)
