"""mlx_lite.dask.linear_recurrence and ewma: chunked, against the in-memory
functions (and so against their references), on threads and on a LocalCluster."""

from __future__ import annotations

import numpy as np
import pytest

import mlx_lite

da = pytest.importorskip("dask.array")
mld = pytest.importorskip("mlx_lite.dask")

CHUNKS = [(7,), (1,), (40,), ((3, 0, 20, 17),)]


def close(got, want, dtype):
    rtol = 3e-6 if np.dtype(dtype) in (np.float32, np.complex64) else 1e-12
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol)
    assert got.dtype == want.dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex128])
@pytest.mark.parametrize("chunks", CHUNKS, ids=str)
@pytest.mark.parametrize("reverse", [False, True])
def test_one_dimension(rng, dtype, chunks, reverse):
    b = rng.standard_normal(40).astype(dtype)
    a = rng.uniform(0.5, 1, 40).astype(dtype)
    for decay in (0.9, a):
        x = decay if np.isscalar(decay) else da.from_array(decay, chunks=chunks[0])
        got = mld.linear_recurrence(x, da.from_array(b, chunks=chunks[0]), reverse=reverse, initial=2.0)
        close(got.compute(), mlx_lite.linear_recurrence(decay, b, reverse=reverse, initial=2.0), dtype)


@pytest.mark.parametrize("axis", [0, 1, None])
def test_two_dimensions_broadcasting(rng, axis):
    b = rng.standard_normal((30, 8))
    a = rng.uniform(0.5, 1, (30, 1))
    start = rng.standard_normal(8 if axis == 0 else 30) if axis is not None else 1.5
    got = mld.linear_recurrence(da.from_array(a, chunks=(7, 1)), da.from_array(b, chunks=(7, 3)), axis,
                                initial=start)
    close(got.compute(), mlx_lite.linear_recurrence(a, b, axis, initial=start), np.float64)


@pytest.mark.parametrize("adjust", [True, False])
@pytest.mark.parametrize("nan", [False, True])
def test_ewma(rng, adjust, nan):
    x = rng.standard_normal((60, 3))
    if nan:
        x[rng.random(x.shape) < 0.3] = np.nan
        x[:4, 0] = np.nan
    for reverse in (False, True):
        got = mld.ewma(da.from_array(x, chunks=(13, 2)), 0, span=7, adjust=adjust, reverse=reverse).compute()
        want = mlx_lite.ewma(x, 0, span=7, adjust=adjust, reverse=reverse)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))


def test_errors_as_in_memory():
    with pytest.raises(TypeError, match="linear_recurrence"):
        mld.linear_recurrence(0.5, da.from_array(np.array(["a"])))
    with pytest.raises(ValueError, match="linear_recurrence"):
        mld.linear_recurrence(da.ones(4), da.ones(3))
    with pytest.raises(ValueError, match="mutually exclusive"):
        mld.ewma(da.ones(3), alpha=0.5, com=1)



def test_distributed(client, rng):
    b = rng.standard_normal((50, 4)).astype(np.float32)
    got = client.compute(mld.linear_recurrence(0.95, da.from_array(b, chunks=(9, 2)), 0)).result()
    close(got, mlx_lite.linear_recurrence(0.95, b, 0), np.float32)
    x = b.astype(np.float64)
    x[3, 1] = np.nan
    got = client.compute(mld.ewma(da.from_array(x, chunks=(9, 2)), 0, alpha=0.2)).result()
    np.testing.assert_allclose(got, mlx_lite.ewma(x, 0, alpha=0.2), rtol=1e-10)
