"""Parity with NumPy (under MLX's dtype rules) over every dtype, axis, flag and layout."""

import numpy as np
import pytest
from numpy.lib.stride_tricks import as_strided

import mlx_lite
from reference import (
    ALL_DTYPES, BF16, BOOL, DTYPE_OPS, OPS, assert_matches, check_result_layout, dtype_id, is_inexact,
    random_values, reference, result_dtype,
)

FLAGS = [(False, True), (True, True), (False, False), (True, False)]  # (reverse, inclusive)


def axes_of(ndim):
    return [None] + list(range(ndim)) + list(range(-ndim, 0))


# ----------------------------------------------------------------------------
# Layouts: each builder takes make(shape) -> a fresh C-ordered random array


def _odd_strided_size1(make):
    base = make((3, 1, 4))
    return as_strided(base, shape=(3, 1, 4), strides=(base.strides[0], 3, base.strides[2]))


def _odd_strided_size1_lead(make):
    base = make((1, 5))
    return as_strided(base, shape=(1, 5), strides=(12345, base.strides[1]))


def _negative_stride_size1(make):
    base = make((4, 5))
    return base[1:2, ::-1]


def _readonly(make):
    a = make((4, 5))
    a.flags.writeable = False
    return a


def _readonly_f(make):
    a = np.asfortranarray(make((3, 4, 2)))
    a.flags.writeable = False
    return a


def _unaligned(make, view=lambda a: a):
    """The data at an odd byte offset: misaligned for every itemsize > 1."""
    src = make((3, 5))
    buf = bytearray(src.nbytes + 1)
    a = np.ndarray(src.shape, dtype=src.dtype, buffer=buf, offset=1)
    a[...] = src
    return view(a)


LAYOUTS = {
    "c1d": lambda make: make((7,)),
    "c2d": lambda make: make((4, 6)),
    "c3d": lambda make: make((3, 4, 5)),
    "f2d": lambda make: np.asfortranarray(make((5, 6))),
    "f3d": lambda make: np.asfortranarray(make((3, 4, 5))),
    "stepped": lambda make: make((7, 9, 11))[::2, 1::3, ::4],
    "stepped1d": lambda make: make((25,))[2::3],
    "negative": lambda make: make((4, 5, 6))[::-1, :, ::-2],
    "negative1d": lambda make: make((9,))[::-1],
    "transposed": lambda make: make((3, 4, 5)).transpose(2, 0, 1),
    "transposed2d": lambda make: make((5, 6)).T,
    "mixed_view": lambda make: make((4, 5, 6))[::-1].transpose(1, 2, 0)[:, ::-2],
    "broadcast_row": lambda make: np.broadcast_to(make((5,)), (4, 5)),
    "broadcast_mid": lambda make: np.broadcast_to(make((3, 1, 4)), (3, 5, 4)),
    "broadcast_scalar": lambda make: np.broadcast_to(make(()), (3, 4)),
    "zero_d": lambda make: make(()),
    "empty0": lambda make: make((0,)),
    "empty03": lambda make: make((0, 3)),
    "empty302": lambda make: make((3, 0, 2)),
    "empty_f": lambda make: np.asfortranarray(make((2, 0, 3))),
    "size1_odd_stride": _odd_strided_size1,
    "size1_odd_stride_lead": _odd_strided_size1_lead,
    "size1_negative": _negative_stride_size1,
    "all_size1": lambda make: make((1, 1, 1)),
    "unaligned": _unaligned,
    "unaligned_view": lambda make: _unaligned(make, lambda a: a[::-1, ::2].T),
    "readonly": _readonly,
    "readonly_f": _readonly_f,
}


def run_all_axes(op, a, *, fn=None, dtype=None, **kw):
    fn = fn or getattr(mlx_lite, op)
    snapshot = np.array(a, copy=True)
    for axis in axes_of(np.ndim(a)):
        for reverse, inclusive in FLAGS:
            extra = {} if dtype is None else {"dtype": dtype}
            got = fn(a, axis, reverse=reverse, inclusive=inclusive, **extra, **kw)
            what = f"{op}(dtype={dtype_id(np.asarray(a).dtype)}, axis={axis}, reverse={reverse}, inclusive={inclusive})"
            assert_matches(got, reference(op, a, axis, reverse, inclusive, dtype=dtype), what)
            check_result_layout(got, a, axis)
            assert np.array_equal(np.asarray(a), snapshot, equal_nan=is_inexact(snapshot.dtype)), \
                f"{what} modified its input"
            if np.ndim(a) > 0 and np.size(a) > 0:
                assert np.asarray(a).dtype == snapshot.dtype


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("op", OPS)
def test_parity(op, dtype, layout, rng):
    a = LAYOUTS[layout](lambda shape: random_values(rng, shape, dtype, op))
    run_all_axes(op, a)


@pytest.mark.parametrize("dtype", [d for d in ALL_DTYPES if is_inexact(d) and d != BF16] + (
    [BF16] if BF16 is not None else []), ids=dtype_id)
@pytest.mark.parametrize("op", OPS)
def test_parity_with_nan_and_inf(op, dtype, rng):
    for layout in ("c3d", "f3d", "negative", "broadcast_mid"):
        a = LAYOUTS[layout](lambda shape: random_values(rng, shape, dtype, op, specials=True))
        run_all_axes(op, a)


@pytest.mark.parametrize("op,alias", [("cumsum", "cumulative_sum"), ("cumprod", "cumulative_prod")])
@pytest.mark.parametrize("dtype", [np.int16, np.float32, np.bool_])
def test_aliases(op, alias, dtype, rng):
    assert getattr(mlx_lite, alias) is getattr(mlx_lite, op)
    a = random_values(rng, (3, 5), dtype, op)
    run_all_axes(op, a, fn=getattr(mlx_lite, alias))
    run_all_axes(op, a, fn=getattr(mlx_lite, alias), dtype=np.float64)


BIG_ENDIAN = [">f4", ">i8", ">f8", ">c8", ">c16", ">u2", ">i4", ">f2", ">u8", "<f4", "=i2"]


@pytest.mark.parametrize("layout", ["c3d", "f3d", "negative", "broadcast_mid", "zero_d", "empty302"])
@pytest.mark.parametrize("dtype", BIG_ENDIAN)
@pytest.mark.parametrize("op", OPS)
def test_byte_order(op, dtype, layout, rng):
    dtype = np.dtype(dtype)
    native = dtype.newbyteorder("=")
    a = LAYOUTS[layout](lambda shape: random_values(rng, shape, native, op).astype(dtype))
    assert a.dtype == dtype
    run_all_axes(op, a)
    got = getattr(mlx_lite, op)(a, 0 if a.ndim else None)
    assert got.dtype.isnative
    assert got.dtype == result_dtype(op, native)


# ----------------------------------------------------------------------------
# dtype= (cumsum and cumprod): cast first, then scan; bool -> int32 after the cast


@pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning")
@pytest.mark.parametrize("target", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("source", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("op", DTYPE_OPS)
def test_dtype_argument(op, source, target, rng):
    # small non-negative integers: every cast between these dtypes is exact
    a = rng.integers(0, 4, size=(3, 4)).astype(source)
    if source == BOOL:
        a = rng.random((3, 4)) < 0.7
    run_all_axes(op, a, dtype=target)
    got = getattr(mlx_lite, op)(a, dtype=target)
    assert got.dtype == result_dtype(op, target)


@pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning")
@pytest.mark.parametrize("op", DTYPE_OPS)
def test_dtype_argument_on_views(op, rng):
    for layout in ("f3d", "negative", "transposed", "broadcast_mid", "zero_d", "empty302"):
        a = LAYOUTS[layout](lambda shape: rng.integers(-3, 4, size=shape).astype(np.int8))
        for target in (np.float32, np.int64, np.bool_, np.complex128, np.uint16):
            run_all_axes(op, a, dtype=target)


# ----------------------------------------------------------------------------
# Inputs that are not ndarrays


class HasArray:
    def __init__(self, array):
        self._array = array

    def __array__(self, dtype=None, copy=None):
        return self._array if dtype is None else self._array.astype(dtype)


def _non_array_inputs():
    return [
        ("nested_list_int", [[1, 2, 3], [4, 5, 6]]),
        ("nested_list_float", [[1.5, -2.0], [0.25, 8.0], [3.0, 1.0]]),
        ("nested_list_bool", [[True, False], [True, True]]),
        ("list_complex", [1 + 2j, 3 - 1j, 0.5j]),
        ("python_int", 7),
        ("python_float", 2.5),
        ("python_bool", True),
        ("python_complex", 1 - 1j),
        ("tuple", (3, 1, 4, 1, 5)),
        ("numpy_scalar", np.float32(1.25)),
        ("numpy_int_scalar", np.int8(-100)),
        ("dunder_array", HasArray(np.arange(12, dtype=np.int16).reshape(3, 4))),
        ("dunder_array_f", HasArray(np.asfortranarray(np.linspace(-1, 1, 12).reshape(3, 4)))),
        ("bytearray", bytearray(b"\x01\x02\xff\x80\x7f")),
        ("memoryview_bytes", memoryview(b"\x10\x20\x30")),
        ("memoryview_f8", memoryview(np.array([1.5, -2.5, 4.0, 8.0]))),
        ("memoryview_2d", memoryview(np.arange(6, dtype=np.int32).reshape(2, 3))),
    ]


@pytest.mark.parametrize("name,value", _non_array_inputs(), ids=[n for n, _ in _non_array_inputs()])
@pytest.mark.parametrize("op", OPS)
def test_non_array_inputs(op, name, value):
    expected_input = np.asarray(value)
    snapshot = expected_input.copy()
    for axis in axes_of(expected_input.ndim):
        for reverse, inclusive in FLAGS:
            got = getattr(mlx_lite, op)(value, axis, reverse=reverse, inclusive=inclusive)
            assert_matches(got, reference(op, expected_input, axis, reverse, inclusive), f"{op} {name} {axis}")
            check_result_layout(got, expected_input, axis)
            if isinstance(value, (bytearray, memoryview)):
                assert not np.shares_memory(got, np.asarray(value))
    assert np.array_equal(np.asarray(value), snapshot)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("op", OPS)
def test_mlx_array_input(op, dtype, rng):
    mx = pytest.importorskip("mlx.core")
    if dtype == BF16:
        pytest.skip("an mx.array of bfloat16 exports no PEP 3118 buffer")
    a = random_values(rng, (3, 4), dtype, op)
    try:
        m = mx.array(a, dtype=getattr(mx, "bool_" if dtype == BOOL else dtype.name))
    except Exception as error:  # MLX has no complex128
        pytest.skip(f"MLX cannot hold {dtype}: {error}")
    as_numpy = np.asarray(m)
    assert as_numpy.dtype == dtype
    for axis in axes_of(2):
        for reverse, inclusive in FLAGS:
            got = getattr(mlx_lite, op)(m, axis, reverse=reverse, inclusive=inclusive)
            assert_matches(got, reference(op, a, axis, reverse, inclusive), f"{op} mx.array {axis}")
            check_result_layout(got, as_numpy, axis)
