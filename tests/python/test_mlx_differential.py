"""Differential tests against MLX itself (MLX 0.32.4, CPU build)."""

import numpy as np
import pytest

mx = pytest.importorskip("mlx.core")

import mlx_lite  # noqa: E402
from reference import (  # noqa: E402
    ALL_DTYPES, BF16, BOOL, OPS, Reference, assert_matches, dtype_id, eps, is_complex, is_inexact,
    random_values, reference,
)

FLAGS = [(False, True), (True, True), (False, False), (True, False)]
SHAPES = [(37,), (3, 4, 5), (2, 1, 6), (1,), (4, 0)]


def mx_dtype(dtype):
    dtype = np.dtype(dtype)
    if dtype == BOOL:
        return mx.bool_
    if BF16 is not None and dtype == BF16:
        return mx.bfloat16
    name = dtype.name
    if not hasattr(mx, name):
        pytest.skip(f"MLX has no {name}")
    return getattr(mx, name)


def to_mx(a):
    a = np.ascontiguousarray(a)  # MLX cannot take negative strides: it gets a dense copy
    if BF16 is not None and a.dtype == BF16:
        return mx.array(a.astype(np.float32)).astype(mx.bfloat16)  # exact: bfloat16 is a subset of float32
    return mx.array(a, dtype=mx_dtype(a.dtype))


def from_mx(r):
    if r.dtype == mx.bfloat16:
        return np.array(r.astype(mx.float32)).astype(BF16)
    return np.array(r)


def mlx_scan(op, m, axis, reverse, inclusive):
    try:
        r = getattr(mx, op)(m, axis=axis, reverse=reverse, inclusive=inclusive, stream=mx.cpu)
        mx.eval(r)
    except Exception as error:  # what MLX cannot do is skipped, not compared
        pytest.skip(f"MLX cannot {op} on {m.dtype}: {error}")
    return r


def as_reference(op, oracle, a, axis, reverse, inclusive):
    """MLX's result as a Reference: the error scale is the NumPy reference's,
    and the tolerance allows for MLX rounding at every step in its own dtype."""
    ref = reference(op, a, axis, reverse, inclusive)
    value = oracle.astype(np.complex128 if is_complex(oracle.dtype) else np.float64) \
        if is_inexact(oracle.dtype) else oracle
    return Reference(op, np.dtype(oracle.dtype), oracle.shape, ref.exact, value, ref.scale, ref.n)


def compare_with_mlx(op, a, axis, reverse, inclusive):
    m = to_mx(a)
    oracle_arr = mlx_scan(op, m, axis, reverse, inclusive)
    oracle = from_mx(oracle_arr)
    got = getattr(mlx_lite, op)(a, axis, reverse=reverse, inclusive=inclusive)
    what = f"{op}({dtype_id(a.dtype)}, shape={a.shape}, axis={axis}, reverse={reverse}, inclusive={inclusive})"
    assert got.dtype == oracle.dtype, f"{what}: dtype {got.dtype}, MLX gives {oracle.dtype}"
    assert got.shape == oracle.shape, f"{what}: shape {got.shape}, MLX gives {oracle.shape}"
    if not is_inexact(got.dtype):
        assert got.tobytes() == np.ascontiguousarray(oracle).tobytes(), \
            f"{what}: not bit-identical\n got={got}\n mlx={oracle}"
        return
    ref = as_reference(op, oracle, a, axis, reverse, inclusive)
    # MLX rounds every step in the result dtype: allow its per-step error.
    # MLX's float64 logaddexp is only about float32-accurate (e.g. the 4th
    # element of logcumsumexp([1.0] * 4) is off by 7e-9): allow for that too.
    step = eps(got.dtype)
    if op == "logcumsumexp" and got.dtype == np.float64:
        step = eps(np.float32)
    assert_matches(got, ref, what + " vs MLX", step_eps=step, factor=6.0)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("op", OPS)
def test_against_mlx(op, dtype, rng):
    for shape in SHAPES:
        a = random_values(rng, shape, dtype, op)
        for axis in [None] + list(range(len(shape))) + [-1]:
            for reverse, inclusive in FLAGS:
                compare_with_mlx(op, a, axis, reverse, inclusive)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64] + ([BF16] if BF16 is not None else []),
                         ids=dtype_id)
@pytest.mark.parametrize("op", ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp"])
def test_against_mlx_with_nan_and_inf(op, dtype, rng):
    """Real NaN and infinities. MLX does not propagate NaN through complex
    cummax/cummin, nor through float16/bfloat16 cummax/cummin (cummax of
    float16 [nan, 1, 2] is [nan, 0, 2] there), so those comparisons use
    infinities only; the NaN cases are covered against NumPy."""
    for shape in [(40,), (3, 7)]:
        for _ in range(3):
            a = random_values(rng, shape, dtype, op, specials=True)
            if op in ("cummax", "cummin") and np.dtype(dtype).itemsize == 2:
                a = np.where(np.isnan(a.astype(np.float32)), np.array(np.inf, dtype), a)
            for axis in [None, 0, -1]:
                for reverse, inclusive in FLAGS:
                    compare_with_mlx(op, a, axis, reverse, inclusive)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("op", OPS)
def test_against_mlx_on_views(op, dtype, rng):
    """Strided, transposed and Fortran-ordered inputs (MLX gets a dense copy)."""
    base = random_values(rng, (6, 5, 8), dtype, op)
    views = [base[::-2, 1:, ::3], base.transpose(2, 0, 1), np.asfortranarray(base[:3]),
             np.broadcast_to(base[:1, :1], (4, 3, 8))]
    for a in views:
        for axis in [None, 0, 1, 2]:
            for reverse, inclusive in FLAGS:
                compare_with_mlx(op, a, axis, reverse, inclusive)


@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
@pytest.mark.parametrize("target", ["int8", "uint16", "int32", "int64", "float16", "float32", "bool_", "complex64"])
def test_dtype_argument_against_mlx(op, target, rng):
    """dtype= given as MLX's own dtype object, compared with MLX's cast-then-scan."""
    a = rng.integers(0, 4, size=(4, 6)).astype(np.int16)
    mdt = getattr(mx, target)
    for axis in [None, 0, 1]:
        for reverse, inclusive in FLAGS:
            try:
                want = getattr(mx, op)(mx.array(a), axis=axis, reverse=reverse, inclusive=inclusive, dtype=mdt)
                oracle = from_mx(want)
            except Exception as error:
                pytest.skip(f"MLX cannot: {error}")
            got = getattr(mlx_lite, op)(a, axis, reverse=reverse, inclusive=inclusive, dtype=mdt)
            assert got.dtype == oracle.dtype
            if is_inexact(got.dtype):
                np.testing.assert_allclose(got, oracle, rtol=1e-6, atol=0)
            else:
                assert np.array_equal(got, oracle)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("op", OPS)
def test_exclusive_identities_match_mlx(op, dtype):
    """The first element of every exclusive scan is the identity MLX uses."""
    for a in (np.ones((3, 2), dtype=dtype), np.zeros((3, 2), dtype=dtype)):
        for axis in (0, 1, None):
            for reverse in (False, True):
                compare_with_mlx(op, a, axis, reverse, False)


def test_integer_wrap_matches_mlx():
    for dtype in ("int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64"):
        info = np.iinfo(dtype)
        a = np.array([info.max, info.max, 3, info.min, info.min, -1 if info.min else 7], dtype=dtype)
        for op in ("cumsum", "cumprod"):
            for reverse, inclusive in FLAGS:
                compare_with_mlx(op, a, 0, reverse, inclusive)
