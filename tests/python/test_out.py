"""out= (SPEC §9): the scan is written into a given array, in any layout, and
that array is returned. The result must be what the call without out= gives
for the input as it was, however out overlaps the input; out's dtype is the
working dtype unless dtype= says otherwise (NumPy's ufunc.accumulate rule)."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import mlx_lite

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, strategies as st  # noqa: E402

SCANS = ("cumsum", "cumprod", "cummax", "cummin", "logcumsumexp")


def _expected(name, a, **kwargs):
    """The call without out=, on a copy of the input (so that no alias can change it)."""
    return getattr(mlx_lite, name)(np.array(a, copy=True), **kwargs)


def _layouts(shape, dtype):
    """Writeable arrays of `shape` in each layout NumPy has, filled with a marker."""
    size = int(np.prod(shape))
    big = np.full(size * 6 + 8, 77, dtype)
    yield "C", np.full(shape, 77, dtype)
    yield "F", np.asfortranarray(np.full(shape, 77, dtype))
    yield "strided", big[: size * 2: 2].reshape(shape) if size else np.full(shape, 77, dtype)
    yield "negative", big[::-3][:size].reshape(shape)
    if len(shape) >= 2:
        yield "transposed", np.full(shape[::-1], 77, dtype).T
        yield "reversed rows", np.full(shape, 77, dtype)[::-1, ::-1]


@pytest.mark.parametrize("name", SCANS)
@pytest.mark.parametrize("shape,axis", [((7,), 0), ((7,), None), ((4, 5), 0), ((4, 5), 1), ((4, 5), None),
                                        ((3, 4, 5), 1), ((), None), ((0,), 0), ((0, 3), 1), ((3, 0), None)])
def test_every_layout(name, shape, axis, rng):
    a = rng.integers(-3, 4, size=shape).astype(np.float64)
    want = _expected(name, a, axis=axis)
    for layout, out in _layouts(want.shape, want.dtype):
        got = getattr(mlx_lite, name)(a, axis=axis, out=out)
        assert got is out, layout
        if name == "logcumsumexp":
            # The layout of `out` picks the engine's path (lines or lanes,
            # rescaled vector tiles or the scalar chain for strided outputs):
            # sums of these integers are exact on every path, float64
            # log-sum-exps agree to a few ulps (float32 rounds the difference away).
            np.testing.assert_allclose(out, want, rtol=2.0**-49, atol=2.0**-49, err_msg=f"{name} {layout}")
            continue
        assert_array_equal(out, want, err_msg=f"{name} {layout}")


@pytest.mark.parametrize("reverse,inclusive", [(False, True), (True, True), (False, False), (True, False)])
@pytest.mark.parametrize("dtype", [np.int8, np.int64, np.uint16, np.float32, np.complex128, np.bool_])
def test_in_place_same_view(dtype, reverse, inclusive, rng):
    """out=a: an in-place scan, for every direction and form, in a strided view too."""
    base = rng.integers(0, 3, size=(6, 40)).astype(dtype)
    for make in (np.copy, lambda b: b.copy()[:, ::-3], np.asfortranarray):
        for axis in (0, 1):
            x = make(base)
            want = _expected("cummax", x, axis=axis, reverse=reverse, inclusive=inclusive)
            assert mlx_lite.cummax(x, axis=axis, reverse=reverse, inclusive=inclusive, out=x) is x
            assert_array_equal(x, want)
    a = base.astype(np.int64) if dtype == np.bool_ else base.copy()
    want = _expected("cumsum", a, axis=1, reverse=reverse, inclusive=inclusive)
    assert mlx_lite.cumsum(a, axis=1, reverse=reverse, inclusive=inclusive, out=a) is a
    assert_array_equal(a, want)


def test_in_place_large_parallel(rng):
    """Large enough for the engine's parallel path: in place must still read before it writes."""
    a = rng.integers(-100, 100, size=3_000_000).astype(np.int64)
    want = np.cumsum(a)
    assert mlx_lite.cumsum(a, out=a) is a
    assert_array_equal(a, want)


# Every aliasing pattern of out against the input: one buffer, two views of it.
@st.composite
def _aliased(draw):
    n = draw(st.integers(1, 40))
    pattern = draw(st.sampled_from(["same", "shift right", "shift left", "reversed", "partial", "disjoint",
                                    "interleaved", "same memory other strides"]))
    buf = np.arange(1, 3 * n + 3, dtype=np.int64) * draw(st.sampled_from([1, -1]))
    k = draw(st.integers(1, n))
    if pattern == "same":
        a = out = buf[:n]
    elif pattern == "shift right":  # out=buf[k:], a=buf[:-k]
        a, out = buf[:n], buf[k: k + n]
    elif pattern == "shift left":
        a, out = buf[k: k + n], buf[:n]
    elif pattern == "reversed":
        a, out = buf[:n], buf[:n][::-1]
    elif pattern == "partial":
        a, out = buf[:n], buf[n - k: 2 * n - k]
    elif pattern == "disjoint":
        a, out = buf[:n], buf[n + 1: 2 * n + 1]
    elif pattern == "interleaved":
        a, out = buf[: 2 * n: 2], buf[1: 2 * n + 1: 2]
    else:
        a, out = buf[: 2 * n: 2], buf[:n]
    return pattern, a, out


@given(_aliased(), st.sampled_from(SCANS[:4]), st.booleans(), st.booleans())
def test_aliasing(case, name, reverse, inclusive):
    pattern, a, out = case
    want = _expected(name, a, reverse=reverse, inclusive=inclusive)
    got = getattr(mlx_lite, name)(a, reverse=reverse, inclusive=inclusive, out=out)
    assert got is out
    assert_array_equal(out, want, err_msg=pattern)


@given(_aliased(), st.booleans())
def test_aliasing_with_cast(case, reverse):
    """dtype= with out overlapping the input: converted, then scanned, as if the input were unchanged."""
    pattern, a, out = case
    want = _expected("cumsum", a, reverse=reverse, dtype=np.int32).astype(np.int64)
    assert mlx_lite.cumsum(a, reverse=reverse, dtype=np.int32, out=out) is out
    assert_array_equal(out, want, err_msg=pattern)


def test_aliasing_axis_none_and_2d(rng):
    buf = rng.integers(-5, 5, size=(6, 8)).astype(np.float64)
    a = buf.copy()
    flat = a.reshape(-1)  # the same memory, seen 1-D: axis=None writes over the input
    want = np.cumsum(buf)
    assert mlx_lite.cumsum(a, out=flat) is flat
    assert_array_equal(flat, want)
    square = buf[:, :6].copy()
    a = square.copy()
    assert_array_equal(mlx_lite.cumsum(a, axis=0, out=a.T), np.cumsum(square, axis=0))  # out: the input transposed


# ----------------------------------------------------------------------------
# dtype: out.dtype is the working dtype, unless dtype= is given


def test_out_dtype_is_the_working_dtype():
    a = np.array([100, 100, 100], np.int8)
    out = np.zeros(3, np.int64)
    assert_array_equal(mlx_lite.cumsum(a, out=out), [100, 200, 300])  # no wrap in int8
    out = np.zeros(3, np.float32)
    assert_array_equal(mlx_lite.cumprod([0.5, 3, 3], out=out), np.cumprod(np.float32([0.5, 3, 3])))
    # logcumsumexp of an integer array into float64 runs in float64
    out = np.zeros(2, np.float64)
    mlx_lite.logcumsumexp(np.array([0, 0]), out=out)
    assert out[0] == 0.0 and abs(out[1] - np.log(2.0)) < 1e-15  # float32 would be 2e-8 off


def test_bool_out():
    """A bool out of cumsum: MLX's rule makes the work int32, cast back: a running logical or,
    as np.add.accumulate with a bool out gives."""
    a = np.array([False, True, False, True])
    out = np.zeros(4, bool)
    mlx_lite.cumsum(a, out=out)
    assert_array_equal(out, np.add.accumulate(a, out=np.zeros(4, bool)))
    out = np.zeros(4, bool)
    assert_array_equal(mlx_lite.cumsum(np.array([0, 2, -2, 0]), out=out), [False, True, True, True])


def test_dtype_then_cast_into_out():
    """With dtype=, the scan runs in dtype=, and the result is cast into out as np.cumsum(..., out=) does."""
    a = np.array([200, 200, 200], np.uint8)
    out = np.zeros(3, np.int64)
    assert_array_equal(mlx_lite.cumsum(a, dtype=np.uint8, out=out), np.cumsum(a, dtype=np.uint8))
    out = np.zeros(3, np.int32)
    assert_array_equal(mlx_lite.cumsum([1.5, 1.5, 1.5], dtype=np.float64, out=out), [1, 3, 4])
    out = np.zeros(3, np.float32)
    assert_array_equal(mlx_lite.cumsum([True, True, True], dtype=bool, out=out), [1, 2, 3])


@pytest.mark.parametrize("out_dtype", [">f8", ">i4"])
def test_big_endian_and_misaligned_out(out_dtype):
    a = np.arange(1, 9)
    out = np.zeros(8, out_dtype)
    assert_array_equal(mlx_lite.cumsum(a, out=out), np.cumsum(a))
    raw = np.zeros(8 * 8 + 1, np.uint8)[1:].view(np.float64)  # misaligned
    assert not raw.flags.aligned
    assert_array_equal(mlx_lite.cumsum(a, out=raw), np.cumsum(a))


# ----------------------------------------------------------------------------
# Errors: named, typed, and nothing written


@pytest.mark.parametrize("name", SCANS)
def test_errors(name):
    f = getattr(mlx_lite, name)
    a = np.arange(4.0)
    with pytest.raises(TypeError, match=rf"^\[{name}\] out must be a numpy.ndarray, not list\."):
        f(a, out=[0, 0, 0, 0])
    with pytest.raises(ValueError, match=rf"^\[{name}\] out has shape \(5,\), but the result has shape \(4,\)\."):
        f(a, out=np.zeros(5))
    with pytest.raises(ValueError, match=rf"^\[{name}\] out has shape \(4,\), but the result has shape \(2, 3\)\."):
        f(np.ones((2, 3)), axis=0, out=np.zeros(4))
    read_only = np.zeros(4)
    read_only.flags.writeable = False
    with pytest.raises(ValueError, match=rf"^\[{name}\] out is read-only\."):
        f(a, out=read_only)
    with pytest.raises(TypeError, match=rf"^\[{name}\] Unsupported dtype \|O of out\."):
        f(a, out=np.zeros(4, object))


def test_nothing_written_on_failure():
    out = np.full(4, 7.0)
    for bad in ({"axis": 3}, {"reverse": 1}, {"stream": "gpu"}, {"include_initial": True},
                {"inclusive": False, "include_initial": True}):
        with pytest.raises((TypeError, ValueError)):
            mlx_lite.cumsum(np.arange(4.0), out=out, **bad)
        assert_array_equal(out, 7.0)
    with pytest.raises(TypeError):
        mlx_lite.cumsum(np.array(["a", "b", "c", "d"]), out=out)
    assert_array_equal(out, 7.0)
