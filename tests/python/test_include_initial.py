"""include_initial= (SPEC §9, NumPy 2.1's cumulative_sum and the Array API):
n + 1 outputs along the axis, the exclusive scan's start first (last when
reversed), then exactly the inclusive scan."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import mlx_lite

SCANS = ("cumsum", "cumprod", "cummax", "cummin", "logcumsumexp")
INTEGERS = (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64)


def _along(values, axis, index):
    return values[(slice(None),) * axis + (index,)]


def _with_start(name, a, axis, reverse, **kwargs):
    """What include_initial=True must give: mlx_lite's exclusive scan's start (its
    first output, or last when reversed), joined to its inclusive scan, by NumPy."""
    f = getattr(mlx_lite, name)
    flat = axis is None
    if flat:
        a, axis = np.asarray(a).reshape(-1), 0
    a = np.asarray(a)
    start_of = np.ones(a.shape[:axis] + (1,) + a.shape[axis + 1:], a.dtype)
    exclusive = f(start_of, axis, reverse=reverse, inclusive=False, **kwargs)  # the start, one per line
    inclusive = f(a, axis, reverse=reverse, **kwargs)
    parts = (inclusive, exclusive) if reverse else (exclusive, inclusive)
    return np.concatenate(parts, axis=axis)


@pytest.mark.parametrize("dtype", INTEGERS)
@pytest.mark.parametrize("shape,axis", [((9,), 0), ((9,), -1), ((4, 6), 0), ((4, 6), 1), ((2, 3, 4), 1)])
def test_cumulative_sum_and_prod_of_numpy(dtype, shape, axis, rng):
    """Exactly np.cumulative_sum / np.cumulative_prod with include_initial=True (integers wrap alike)."""
    x = rng.integers(0, 9, size=shape).astype(dtype)
    for layout in (x, np.asfortranarray(x), x[..., ::-1]):
        got = mlx_lite.cumsum(layout, axis, include_initial=True)
        assert_array_equal(got, np.cumulative_sum(layout, axis=axis, dtype=dtype, include_initial=True))
        assert got.dtype == dtype
        got = mlx_lite.cumprod(layout, axis, include_initial=True)
        assert_array_equal(got, np.cumulative_prod(layout, axis=axis, dtype=dtype, include_initial=True))


def test_bool_sum_is_int32():
    x = np.array([[True, False, True], [True, True, False]])
    got = mlx_lite.cumsum(x, axis=1, include_initial=True)
    assert got.dtype == np.int32
    assert_array_equal(got, np.cumulative_sum(x, axis=1, dtype=np.int32, include_initial=True))


@pytest.mark.parametrize("reverse", [False, True])
def test_reverse_puts_the_start_last(reverse):
    x = np.arange(1, 5)
    got = mlx_lite.cumsum(x, reverse=reverse, include_initial=True)
    want = np.cumulative_sum(x[::-1], include_initial=True)[::-1] if reverse else \
        np.cumulative_sum(x, include_initial=True)
    assert_array_equal(got, want)
    assert got.tolist() == ([10, 9, 7, 4, 0] if reverse else [0, 1, 3, 6, 10])


@pytest.mark.parametrize("name", SCANS)
@pytest.mark.parametrize("dtype", [np.bool_, np.int16, np.uint32, np.float16, np.float32, np.float64, np.complex64])
@pytest.mark.parametrize("reverse", [False, True])
def test_every_scan_and_dtype(name, dtype, reverse, rng):
    """The start is the exclusive scan's (identities, -inf, the integer minimum...), the rest
    exactly the inclusive scan: compared bit for bit, NaN included."""
    x = rng.standard_normal((3, 5)) * 3
    x[1, 2] = np.nan
    x = x.astype(dtype) if np.dtype(dtype).kind in "fc" else (x > 0 if dtype == np.bool_ else
                                                              np.nan_to_num(x).astype(dtype))
    for axis in (0, 1, None):
        got = getattr(mlx_lite, name)(x, axis, reverse=reverse, include_initial=True)
        want = _with_start(name, x, axis, reverse)
        assert got.dtype == want.dtype and got.shape == want.shape
        assert_array_equal(got.view(np.uint8), want.view(np.uint8), err_msg=f"{name} {axis}")


def test_starts():
    assert mlx_lite.cummax(np.array([3], np.int8), include_initial=True).tolist() == [-128, 3]
    assert mlx_lite.cummin(np.array([3], np.uint8), include_initial=True).tolist() == [255, 3]
    assert mlx_lite.cummax([True], include_initial=True).tolist() == [False, True]
    assert mlx_lite.cummin([2.0], include_initial=True).tolist() == [np.inf, 2.0]
    assert mlx_lite.logcumsumexp([0.0], include_initial=True).tolist() == [-np.inf, 0.0]
    start = mlx_lite.cumsum(np.array([-0.0]), include_initial=True)
    assert np.signbit(start).tolist() == [False, True]  # starts from +0.0; the inclusive -0.0 stays -0.0


def test_layout_is_the_inputs(rng):
    x = np.asfortranarray(rng.integers(0, 5, size=(4, 6)))
    got = mlx_lite.cumsum(x, axis=1, include_initial=True)
    assert got.shape == (4, 7) and got.flags.f_contiguous
    got = mlx_lite.cumsum(x.T, axis=0, include_initial=True)
    assert got.shape == (7, 4) and got.flags.c_contiguous  # x.T is C-ordered


def test_empty_axis_gives_the_start():
    assert_array_equal(mlx_lite.cumsum(np.zeros((3, 0)), axis=1, include_initial=True), np.zeros((3, 1)))
    assert_array_equal(mlx_lite.cumprod(np.zeros(0, np.int8), include_initial=True), np.ones(1, np.int8))
    assert mlx_lite.cummax(np.zeros((0, 4), np.float32), axis=1, include_initial=True).shape == (0, 5)
    assert mlx_lite.cumsum(np.zeros((0, 3)), include_initial=True).tolist() == [0.0]
    assert mlx_lite.cumsum(np.float64(5), include_initial=True).tolist() == [0.0, 5.0]


def test_axis_none_flattens_in_c_order(rng):
    x = np.asfortranarray(rng.integers(0, 5, size=(3, 4)))
    assert_array_equal(mlx_lite.cumsum(x, include_initial=True), np.cumulative_sum(x.reshape(-1), include_initial=True))


def test_with_dtype_and_staged_inputs(rng):
    """A cast, a big-endian or a misaligned input is converted into a temporary, then scanned."""
    x = rng.integers(0, 100, size=(5, 7)).astype(np.int8)
    want = np.cumulative_sum(x, axis=1, dtype=np.int64, include_initial=True)
    assert_array_equal(mlx_lite.cumsum(x, 1, dtype=np.int64, include_initial=True), want)
    assert_array_equal(mlx_lite.cumsum(x.astype(">i8"), 1, include_initial=True), want)
    raw = np.zeros(x.size * 8 + 1, np.uint8)[1:].view(np.int64).reshape(x.shape)
    raw[...] = x
    assert_array_equal(mlx_lite.cumsum(raw, 1, include_initial=True), want)
    assert_array_equal(mlx_lite.cumsum(x.astype(">i8"), include_initial=True),
                       np.cumulative_sum(x.reshape(-1), dtype=np.int64, include_initial=True))


@pytest.mark.parametrize("axis", [0, 1, None])
def test_with_out(axis, rng):
    x = rng.integers(0, 9, size=(4, 5)).astype(np.int64)
    want = mlx_lite.cumsum(x, axis, include_initial=True)
    for out in (np.zeros(want.shape, np.int64), np.zeros(want.shape[::-1], np.int64).T,
                np.zeros((want.size * 3,), np.int64)[::-3].reshape(want.shape)):
        assert mlx_lite.cumsum(x, axis, include_initial=True, out=out) is out
        assert_array_equal(out, want)
    buf = np.zeros(x.size + 1, np.int64)  # out overlapping the input, one longer: the input as it was
    buf[1:] = x.reshape(-1)
    a = buf[1:]
    mlx_lite.cumsum(a, include_initial=True, out=buf)
    assert_array_equal(buf, np.cumulative_sum(x.reshape(-1), include_initial=True))


def test_errors():
    with pytest.raises(ValueError, match=r"^\[cumsum\] include_initial=True needs inclusive=True"):
        mlx_lite.cumsum([1, 2], inclusive=False, include_initial=True)
    for bad in (1, "yes", None):
        with pytest.raises(TypeError, match=r"^\[cummax\] include_initial must be a bool, not "):
            mlx_lite.cummax([1, 2], include_initial=bad)
    assert mlx_lite.cumsum([1, 2], include_initial=np.bool_(True)).tolist() == [0, 1, 3]
    assert mlx_lite.cumsum([1, 2], inclusive=False, include_initial=False).tolist() == [0, 1]
