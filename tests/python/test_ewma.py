"""ewma against pandas' ewm(...).mean(), column by column, NaNs included."""

from __future__ import annotations

import numpy as np
import pytest

import mlx_lite as mx

pd = pytest.importorskip("pandas")

PARAMETERS = [dict(alpha=0.3), dict(alpha=1.0), dict(alpha=0.002), dict(span=10), dict(span=1),
              dict(halflife=4.5), dict(com=0.0), dict(com=20)]


def pandas_mean(x: np.ndarray, axis: int, adjust: bool, reverse: bool = False, **parameters) -> np.ndarray:
    data = np.moveaxis(np.asarray(x, np.float64), axis, 0)
    flat = data.reshape(data.shape[0], -1)
    if reverse:
        flat = flat[::-1]
    means = pd.DataFrame(flat).ewm(adjust=adjust, **parameters).mean().to_numpy()
    if reverse:
        means = means[::-1]
    return np.moveaxis(means.reshape(data.shape), 0, axis)


def assert_like_pandas(got, want, dtype):
    rtol = {"float16": 2e-3, "float32": 2e-6}.get(np.dtype(dtype).name, 1e-12)
    np.testing.assert_allclose(got.astype(np.float64), want, rtol=rtol, atol=rtol)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))


@pytest.mark.parametrize("parameters", PARAMETERS, ids=lambda p: "-".join(f"{k}={v}" for k, v in p.items()))
@pytest.mark.parametrize("adjust", [True, False])
@pytest.mark.parametrize("n", [1, 5, 300, 5000])
def test_one_column(rng, parameters, adjust, n):
    x = rng.standard_normal(n) * 10 + 3
    got = mx.ewma(x, **parameters, adjust=adjust)
    assert got.dtype == np.float64
    assert_like_pandas(got, pandas_mean(x, 0, adjust, **parameters), np.float64)


@pytest.mark.parametrize("adjust", [True, False])
@pytest.mark.parametrize("pattern", ["leading", "gaps", "trailing", "all", "sparse"])
def test_missing_values_as_pandas(rng, adjust, pattern):
    x = rng.standard_normal((400, 3))
    if pattern == "leading":
        x[:7] = np.nan
    elif pattern == "gaps":
        x[rng.random(x.shape) < 0.3] = np.nan
    elif pattern == "trailing":
        x[-50:, 1] = np.nan
    elif pattern == "all":
        x[:, 2] = np.nan
    else:
        x[rng.random(x.shape) < 0.95] = np.nan
    for parameters in (dict(alpha=0.2), dict(span=30)):
        assert_like_pandas(mx.ewma(x, 0, **parameters, adjust=adjust),
                           pandas_mean(x, 0, adjust, **parameters), np.float64)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("shape,axis", [((3000, 2), 0), ((2, 3000), 1), ((50, 4, 6), 0), ((6, 70, 3), 1)])
@pytest.mark.parametrize("reverse", [False, True])
def test_dtypes_axes_reverse(rng, dtype, shape, axis, reverse):
    x = rng.standard_normal(shape).astype(dtype)
    for adjust in (True, False):
        got = mx.ewma(x, axis, alpha=0.05, adjust=adjust, reverse=reverse)
        assert got.dtype == dtype and got.shape == shape
        assert_like_pandas(got, pandas_mean(x, axis, adjust, reverse, alpha=0.05), dtype)


def test_flattened_integers_and_out(rng):
    x = rng.integers(-50, 50, (30, 4))
    got = mx.ewma(x, halflife=3)
    assert got.dtype == np.float32 and got.shape == (120,)
    assert_like_pandas(got, pandas_mean(x.ravel(), 0, True, halflife=3), np.float32)
    y = rng.standard_normal(2000)
    buf = np.empty(2000)
    assert mx.ewma(y, alpha=0.1, out=buf) is buf
    assert_like_pandas(buf, pandas_mean(y, 0, True, alpha=0.1), np.float64)
    z = y.copy()
    z[5] = np.nan
    mx.ewma(z, alpha=0.1, adjust=False, out=z)  # in place, through the NaN path
    assert_like_pandas(z, pandas_mean(np.where(np.arange(2000) == 5, np.nan, y), 0, False, alpha=0.1), np.float64)


def test_parameter_errors():
    x = np.ones(3)
    with pytest.raises(ValueError, match="mutually exclusive"):
        mx.ewma(x, alpha=0.5, span=3)
    with pytest.raises(ValueError, match="Must pass one"):
        mx.ewma(x)
    for bad in (dict(alpha=0.0), dict(alpha=1.5), dict(span=0.5), dict(halflife=0), dict(com=-1)):
        with pytest.raises(ValueError, match="ewma"):
            mx.ewma(x, **bad)
    with pytest.raises(TypeError, match="ewma"):
        mx.ewma(np.array(["a"]), alpha=0.5)
    with pytest.raises(IndexError, match="ewma"):
        mx.ewma(x, 1, alpha=0.5)
