"""Large dense outputs (4 MiB and more) get a first touch on each 2 MiB huge
page before the scan (or a linear recurrence) writes them (FreshPages.swift). The
touch writes each byte back as it was; these tests check, on outputs past that
size in every layout the touch covers or skips, that results are exactly
NumPy's, that bytes around an out= region stay as they were, and that the
input is never modified, including in place."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import mlx_lite

# int32 sums wrap alike in NumPy and mlx_lite: exact references.
N = (5 << 20) // 4 + 123  # a little past 5 MiB of int32, not a multiple of a huge page


@pytest.fixture(scope="module")
def x():
    return np.random.default_rng(7).integers(-1000, 1000, size=N, dtype=np.int32)


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("inclusive", [True, False])
@pytest.mark.parametrize("cache", [True, False])
def test_fresh_results_equal_numpy(x, reverse, inclusive, cache):
    before = x.copy()
    previous = mlx_lite.set_cache_limit(0 if not cache else 1 << 34)
    try:
        got = mlx_lite.cumsum(x, reverse=reverse, inclusive=inclusive)
    finally:
        mlx_lite.set_cache_limit(previous)
    src = x[::-1] if reverse else x
    want = np.cumsum(src, dtype=np.int32)
    if not inclusive:
        want = np.concatenate([[0], want[:-1]]).astype(np.int32)
    assert_array_equal(got, want[::-1] if reverse else want)
    assert_array_equal(x, before)


@pytest.mark.parametrize("layout", ["C", "F", "flipped"])
@pytest.mark.parametrize("axis", [0, 1, None])
def test_two_dimensional_layouts(x, layout, axis):
    a = x[: 1024 * 1280].reshape(1024, 1280)
    if layout == "F":
        a = np.asfortranarray(a)
    elif layout == "flipped":
        a = a[::-1, ::-1]
    got = mlx_lite.cumsum(a, axis=axis)
    assert_array_equal(got, np.cumsum(a, axis=axis, dtype=np.int32))


def test_include_initial(x):
    got = mlx_lite.cumsum(x, include_initial=True)
    assert_array_equal(got, np.concatenate([[0], np.cumsum(x, dtype=np.int32)]).astype(np.int32))


@pytest.mark.parametrize("offset", [0, 1, 1000])
def test_out_inside_a_larger_buffer_leaves_its_neighbours(x, offset):
    """A dense out= region starting anywhere in a larger buffer: only its own bytes change."""
    guard = 3 << 19  # 1.5 MiB of int32 on each side: huge-page boundaries fall outside the region
    buf = np.full(offset + N + guard, 0x5A5A5A5A, dtype=np.int32)
    out = buf[offset: offset + N]
    result = mlx_lite.cumsum(x, out=out)
    assert result is out
    assert_array_equal(out, np.cumsum(x, dtype=np.int32))
    assert (buf[:offset] == 0x5A5A5A5A).all() and (buf[offset + N:] == 0x5A5A5A5A).all()


def test_out_strided_view_leaves_the_gaps(x):
    """A strided out= is not dense: no touch, and the elements between stay as they were."""
    buf = np.full(2 * N, -7, dtype=np.int32)
    mlx_lite.cumsum(x, out=buf[::2])
    assert_array_equal(buf[::2], np.cumsum(x, dtype=np.int32))
    assert (buf[1::2] == -7).all()


def test_in_place(x):
    a = x.copy()
    mlx_lite.cumsum(a, out=a)
    assert_array_equal(a, np.cumsum(x, dtype=np.int32))


@pytest.mark.parametrize("offset", [0, 3])
def test_recurrence_out_inside_a_larger_buffer(offset):
    """The recurrence engine touches its dense outputs too: only their own bytes change,
    and the result is the one computed without the result cache."""
    scipy_signal = pytest.importorskip("scipy.signal")
    rng = np.random.default_rng(offset)
    b = rng.standard_normal(N).astype(np.float32)
    want = scipy_signal.lfilter([1.0], [1.0, -0.5], b.astype(np.float64)).astype(np.float32)
    guard = 3 << 19
    buf = np.full(offset + N + guard, -3.0, dtype=np.float32)
    out = buf[offset: offset + N]
    assert mlx_lite.linear_recurrence(0.5, b, out=out) is out
    np.testing.assert_allclose(out, want, rtol=1e-6, atol=1e-6)
    assert (buf[:offset] == -3.0).all() and (buf[offset + N:] == -3.0).all()
    previous = mlx_lite.set_cache_limit(0)
    try:
        fresh = mlx_lite.linear_recurrence(0.5, b)
    finally:
        mlx_lite.set_cache_limit(previous)
    assert_array_equal(fresh, out)
