"""The NaN-skipping scans (SPEC §9): nancumsum and nancumprod count NaN as 0 and
1 (np.nancumsum, np.nancumprod), nancummax and nancummin skip it
(np.fmax.accumulate, np.fmin.accumulate); on integers and bool they are the
plain scans. Values are small integers, infinities and signed zeros, so that
every sum and product is exact and NumPy's order of operations cannot differ."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import mlx_lite

NAN_SCANS = {"nancumsum": "cumsum", "nancumprod": "cumprod", "nancummax": "cummax", "nancummin": "cummin"}
NUMPY = {
    "nancumsum": lambda x, axis, dtype: np.nancumsum(x, axis=axis, dtype=dtype),
    "nancumprod": lambda x, axis, dtype: np.nancumprod(x, axis=axis, dtype=dtype),
    "nancummax": lambda x, axis, dtype: np.fmax.accumulate(x, axis=axis, dtype=dtype),
    "nancummin": lambda x, axis, dtype: np.fmin.accumulate(x, axis=axis, dtype=dtype),
}
FLOATS = (np.float16, np.float32, np.float64, np.complex64, np.complex128)
nan, inf = np.nan, np.inf
# Rows of NaN patterns: all-NaN prefix, leading NaN, all NaN, infinities, signed zeros.
PATTERNS = np.array([
    [nan, nan, nan, 2, -1, nan, 3, 1],
    [nan, 1, 2, nan, -2, 1, nan, 2],
    [nan, nan, nan, nan, nan, nan, nan, nan],
    [1, inf, nan, -1, -inf, nan, 2, inf],
    [-0.0, nan, -0.0, 0.0, nan, -0.0, 1, -1],
    [2, -1, 1, 1, -2, 1, 1, 2],
])


def _data(dtype):
    x = PATTERNS.astype(dtype)
    if np.dtype(dtype).kind == "c":  # a NaN in the imaginary part only counts as NaN too
        x = x + 1j * np.where(np.arange(8) % 3 == 0, np.nan, 1)
    return x


def _reference(name, x, axis, reverse, inclusive):
    """NumPy's scan along axis (flattened for None), flipped for reverse, shifted for exclusive."""
    result_dtype = getattr(mlx_lite, name)(x.reshape(-1)[:1]).dtype
    if axis is None:
        x, axis = x.reshape(-1), 0
    if reverse:
        x = np.flip(x, axis)
    with np.errstate(all="ignore"):
        if name == "nancumprod" and x.dtype.kind == "c":
            # Complex products with infinities follow the engine's complex multiplication, as
            # cumprod's do (not NumPy's): here "NaN counts as 1" is checked against cumprod.
            r = mlx_lite.cumprod(np.where(np.isnan(x), 1, x), axis)
        else:
            r = NUMPY[name](x.astype(result_dtype), axis, result_dtype)
    if not inclusive:
        start = getattr(mlx_lite, NAN_SCANS[name])(np.zeros(1, result_dtype), inclusive=False)[0]
        head = np.full(r.shape[:axis] + (1,) + r.shape[axis + 1:], start, result_dtype)
        r = np.concatenate([head, r[(slice(None),) * axis + (slice(0, -1),)]], axis=axis)
    return np.flip(r, axis) if reverse else r


def _layouts(x):
    yield "C", x
    yield "F", np.asfortranarray(x)
    yield "strided", np.repeat(x, 2, axis=1)[:, ::2]
    yield "negative", x[::-1, ::-1].copy()[::-1, ::-1]


@pytest.mark.parametrize("name", NAN_SCANS)
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("reverse,inclusive", [(False, True), (True, True), (False, False), (True, False)])
def test_against_numpy(name, dtype, reverse, inclusive):
    if name in ("nancummax", "nancummin") and np.dtype(dtype).kind == "c":
        pytest.skip("complex order: see test_complex_max_min")
    for layout, x in _layouts(_data(dtype)):
        for axis in (1, 0, None):
            got = getattr(mlx_lite, name)(x, axis, reverse=reverse, inclusive=inclusive)
            want = _reference(name, x, axis, reverse, inclusive)
            assert got.dtype == want.dtype
            assert_array_equal(got, want, err_msg=f"{name} {layout} axis={axis}")


@pytest.mark.parametrize("name", ["nancummax", "nancummin"])
def test_complex_max_min(name):
    """Complex values compare as in cummax (real part, then imaginary); a value with a NaN
    part is skipped, as np.fmax / np.fmin skip it."""
    x = np.array([nan + 1j, 1 + 2j, 1 + 1j, complex(2, nan), 0 + 5j, 3 + 0j])
    got = getattr(mlx_lite, name)(x)
    assert_array_equal(got, NUMPY[name](x, 0, x.dtype))


@pytest.mark.parametrize("name", NAN_SCANS)
@pytest.mark.parametrize("dtype", [np.bool_, np.int8, np.int32, np.uint16, np.uint64])
def test_integers_and_bool_are_the_plain_scans(name, dtype, rng):
    x = rng.integers(0, 120, size=(5, 33)).astype(dtype)
    plain = getattr(mlx_lite, NAN_SCANS[name])
    for axis in (0, 1, None):
        for reverse, inclusive in ((False, True), (True, False)):
            got = getattr(mlx_lite, name)(x, axis, reverse=reverse, inclusive=inclusive)
            want = plain(x, axis, reverse=reverse, inclusive=inclusive)
            assert got.dtype == want.dtype
            assert_array_equal(got, want)
    assert mlx_lite.nancumsum(np.array([True, True])).dtype == np.int32  # MLX's bool rule, as cumsum's


def test_long_runs_and_all_nan_prefix(rng):
    """Long enough for the engine's blocked and parallel paths: NaN runs across block edges."""
    x = rng.integers(-3, 4, size=300_001).astype(np.float64)
    x[rng.random(x.size) < 0.3] = nan
    x[:70_000] = nan
    assert_array_equal(mlx_lite.nancumsum(x), np.nancumsum(x))
    assert_array_equal(mlx_lite.nancummax(x), np.fmax.accumulate(x))
    assert_array_equal(mlx_lite.nancummin(x, reverse=True), np.flip(np.fmin.accumulate(np.flip(x))))
    y = np.where(np.isnan(x), nan, np.sign(x))
    assert_array_equal(mlx_lite.nancumprod(y[-40:]), np.nancumprod(y[-40:]))


def test_keywords_and_conventions():
    x = np.array([1.0, nan, 2.0])
    assert mlx_lite.nancumsum(x, dtype=np.float32).dtype == np.float32
    out = np.zeros(4)
    assert mlx_lite.nancumsum(x, include_initial=True, out=out) is out
    assert out.tolist() == [0.0, 1.0, 1.0, 3.0]
    assert mlx_lite.nancummax(x, include_initial=True).tolist() == [-inf, 1.0, 1.0, 2.0]
    assert mlx_lite.nancumprod(x, stream=mlx_lite.cpu).tolist() == [1.0, 1.0, 2.0]
    with pytest.raises(TypeError, match="unexpected keyword argument 'dtype'"):  # as cummax: no dtype=
        mlx_lite.nancummax(x, dtype=np.float32)


# ----------------------------------------------------------------------------
# mlx_lite.dask: chunk totals nansum / nanprod, combined with add / fmax / fmin


@pytest.mark.parametrize("name", NAN_SCANS)
@pytest.mark.parametrize("reverse,inclusive", [(False, True), (True, True), (False, False), (True, False)])
def test_dask_across_chunks(name, reverse, inclusive):
    """A chunk of only NaN between others: its total is 0 / 1 / NaN and must not poison the carry."""
    da = pytest.importorskip("dask.array")
    import mlx_lite.dask as mld

    x = PATTERNS.copy()
    for chunks in ((6, 2), (2, 3), (1, 8)):
        lazy = da.from_array(x, chunks=chunks)
        for axis in (1, 0, None):
            got = getattr(mld, name)(lazy, axis, reverse=reverse, inclusive=inclusive).compute(scheduler="sync")
            assert_array_equal(got, _reference(name, x, axis, reverse, inclusive), err_msg=f"{chunks} {axis}")
    ints = da.from_array(np.arange(12, dtype=np.int16).reshape(3, 4), chunks=2)
    got = getattr(mld, name)(ints, 1).compute(scheduler="sync")
    assert_array_equal(got, getattr(mlx_lite, NAN_SCANS[name])(np.arange(12, dtype=np.int16).reshape(3, 4), 1))
