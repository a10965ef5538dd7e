"""Property-based tests: random shapes, dtypes, strided views, axes and flags
against the NumPy reference."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import mlx_lite
from reference import (
    ALL_DTYPES, BF16, BOOL, DTYPE_OPS, OPS, assert_matches, check_result_layout, is_inexact, reference,
    result_dtype,
)

NATIVE_DTYPES = [d for d in ALL_DTYPES if d != BF16]


def _elements(dtype, op):
    """Element strategies: integers over their whole range; floats bounded so
    that (with the sizes strided_views draws) no scan overflows, with NaN,
    infinities and signed zeros, whose effect does not depend on the order of
    evaluation. cumprod avoids specials (complex inf products are order-dependent)."""
    dtype = np.dtype(dtype)
    if dtype == BOOL:
        return st.booleans()
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return st.integers(int(info.min), int(info.max)) | st.integers(max(int(info.min), -3), 3)
    width = {2: 16, 4: 32, 8: 64}
    if dtype.kind == "f":
        w = width[dtype.itemsize]
        specials = st.sampled_from([np.nan, np.inf, -np.inf, -0.0, 0.0])
        if op == "cumprod":
            mag = st.floats(0.5, 2.0, width=w) | st.just(0.0) | st.just(1.0)
            return st.builds(lambda m, s: m * s, mag, st.sampled_from([-1.0, 1.0])) | specials
        if op == "logcumsumexp":
            return st.floats(-30, 30, width=w) | specials
        bound = 10 if w == 16 else 100
        return st.floats(-bound, bound, width=w) | specials
    w = width[dtype.itemsize // 2]
    if op == "cumprod":
        return st.complex_numbers(min_magnitude=0.5, max_magnitude=2.0, width=2 * w) | st.just(0j)
    if op == "logcumsumexp":
        return st.builds(complex, st.floats(-10, 10, width=w), st.floats(-3, 3, width=w))
    finite = st.complex_numbers(max_magnitude=100, width=2 * w)
    special = st.sampled_from([complex(np.nan, 0), complex(0, np.nan), complex(np.inf, 1),
                               complex(-np.inf, 0), complex(1, -np.inf), complex(-0.0, 0.0)])
    return finite | special


def _in_range(a, op):
    """Whether every partial product of ``a`` (in any association) stays
    within the normal range of its dtype: then a reassociated product can be
    compared with the float64 reference."""
    if op != "cumprod" or not is_inexact(a.dtype) or a.size == 0:
        return True
    finfo = np.finfo(np.float16 if a.dtype == np.float16 else a.dtype if a.dtype.kind == "f" else
                     np.float32 if a.dtype == np.complex64 or a.dtype == BF16 else np.float64)
    with np.errstate(all="ignore"):
        mag = np.abs(np.asarray(a).astype(np.complex128)).ravel()
    mag = mag[np.isfinite(mag) & (mag > 0)]
    logs = np.log2(mag) if mag.size else np.zeros(0)
    return (logs[logs > 0].sum() < np.log2(float(finfo.max)) - 4
            and logs[logs < 0].sum() > np.log2(float(finfo.tiny)) + 4)


@st.composite
def strided_views(draw, dtype, op):
    """A random array, then a random view of it: steps (negative too),
    a transpose, a broadcast axis, or nothing."""
    small = op == "cumprod"
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3 if small else 4, min_side=0,
                                  max_side=3 if small else 6))
    base = draw(hnp.arrays(dtype, shape, elements=_elements(dtype, op)))
    if draw(st.booleans()):
        base = np.asfortranarray(base)
    view = base
    if view.ndim:
        slices = []
        for n in view.shape:
            step = draw(st.sampled_from([1, 1, 2, 3, -1, -2]))
            start = draw(st.integers(0, max(n - 1, 0)))
            slices.append(slice(start, None, step) if step > 0 else slice(None, None, step))
        view = view[tuple(slices)]
        if draw(st.booleans()):
            view = view.transpose(draw(st.permutations(range(view.ndim))))
        if draw(st.integers(0, 4)) == 0:
            view = np.broadcast_to(view[None], (draw(st.integers(0, 2 if small else 3)),) + view.shape)
    if draw(st.booleans()) and view.flags.writeable:
        view.flags.writeable = False
    assume(_in_range(view, op))
    return view


@st.composite
def scan_cases(draw, ops=OPS, dtypes=NATIVE_DTYPES):
    op = draw(st.sampled_from(ops))
    dtype = draw(st.sampled_from(dtypes))
    a = draw(strided_views(dtype, op))
    axis = draw(st.none() | st.integers(-a.ndim, a.ndim - 1)) if a.ndim else None
    reverse = draw(st.booleans())
    inclusive = draw(st.booleans())
    return op, a, axis, reverse, inclusive


def _check(op, a, axis, reverse, inclusive, **kw):
    snapshot = np.array(a, copy=True)
    got = getattr(mlx_lite, op)(a, axis, reverse=reverse, inclusive=inclusive, **kw)
    assert_matches(got, reference(op, a, axis, reverse, inclusive, dtype=kw.get("dtype")),
                   f"{op} axis={axis} reverse={reverse} inclusive={inclusive} {kw}")
    check_result_layout(got, a, axis)
    assert np.array_equal(a, snapshot, equal_nan=is_inexact(a.dtype))
    return got


@settings(max_examples=800)
@given(scan_cases())
def test_random_scans(case):
    _check(*case)


@settings(max_examples=200)
@given(scan_cases(ops=("cumsum", "cumprod", "cummax", "cummin"),
                  dtypes=[np.dtype(t) for t in ("int8", "uint8", "int64", "uint64", "bool")]))
def test_random_integer_scans_wrap_exactly(case):
    _check(*case)


@pytest.mark.skipif(BF16 is None, reason="ml_dtypes not installed")
@settings(max_examples=60)
@given(st.sampled_from(OPS), st.booleans(), st.booleans(), st.data())
def test_random_bfloat16(op, reverse, inclusive, data):
    a = data.draw(strided_views(np.dtype(np.float32), op)).astype(BF16)
    assume(_in_range(a, op))
    axis = data.draw(st.none() | st.integers(-a.ndim, a.ndim - 1)) if a.ndim else None
    _check(op, a, axis, reverse, inclusive)


@settings(max_examples=80)
@given(st.sampled_from(DTYPE_OPS), strided_views(np.dtype(np.int8), "cumsum"),
       st.sampled_from(NATIVE_DTYPES), st.booleans(), st.booleans(), st.data())
def test_random_dtype_argument(op, a, target, reverse, inclusive, data):
    a = np.clip(a, 0, 3)  # every cast of 0..3 is exact
    axis = data.draw(st.none() | st.integers(-a.ndim, a.ndim - 1)) if a.ndim else None
    got = _check(op, a, axis, reverse, inclusive, dtype=target)
    assert got.dtype == result_dtype(op, target)


@settings(max_examples=60)
@given(st.sampled_from(OPS), st.sampled_from(NATIVE_DTYPES), st.data())
def test_random_big_endian(op, dtype, data):
    a = data.draw(strided_views(dtype, op))
    swapped = a.astype(a.dtype.newbyteorder(">" if a.dtype.byteorder != ">" else "<"))
    axis = data.draw(st.none() | st.integers(-a.ndim, a.ndim - 1)) if a.ndim else None
    got = _check(op, swapped, axis, False, True)
    assert got.dtype.isnative


@settings(max_examples=60)
@given(scan_cases(ops=("cumsum", "cummax", "cummin"),
                  dtypes=[np.dtype(t) for t in ("int16", "uint32", "int64", "bool")]))
def test_reverse_is_flip_scan_flip_for_integers(case):
    """An identity that holds exactly for integer scans; checked directly on
    the package (reverse against flipped inputs) as well as via the reference."""
    op, a, axis, _, inclusive = case
    f = getattr(mlx_lite, op)
    if axis is None:
        flat = np.ascontiguousarray(a).reshape(-1)
        assert np.array_equal(f(a, reverse=True, inclusive=inclusive),
                              f(flat[::-1], inclusive=inclusive)[::-1])
    else:
        assert np.array_equal(f(a, axis, reverse=True, inclusive=inclusive),
                              np.flip(f(np.flip(a, axis), axis, inclusive=inclusive), axis))


_EXCLUSIVE_START = {"cumsum": 0, "cumprod": 1}


@settings(max_examples=60)
@given(scan_cases(ops=("cumsum", "cumprod", "cummax", "cummin"),
                  dtypes=[np.dtype(t) for t in ("int8", "uint16", "int32", "int64")]))
def test_exclusive_is_inclusive_shifted_by_one(case):
    """The shift identity, checked on the package alone: the exclusive scan is
    the inclusive one moved one place along the scan, the identity first."""
    op, a, axis, reverse, _ = case
    f = getattr(mlx_lite, op)
    inclusive = f(a, axis, reverse=reverse)
    exclusive = f(a, axis, reverse=reverse, inclusive=False)
    along = 0 if axis is None else axis
    if inclusive.shape[along] == 0:
        assert exclusive.shape == inclusive.shape
        return
    info = np.iinfo(inclusive.dtype)
    start = _EXCLUSIVE_START.get(op, info.min if op == "cummax" else info.max)
    moved = np.flip(inclusive, along) if reverse else inclusive
    expected = np.concatenate(
        [np.full_like(np.take(moved, [0], axis=along), start), np.delete(moved, -1, axis=along)], axis=along)
    if reverse:
        expected = np.flip(expected, along)
    assert np.array_equal(exclusive, expected)
