"""The error contract: exception types and messages (SPEC sections 1, 2, 4, 5)."""

import numpy as np
import pytest

import mlx_lite
from reference import OPS, DTYPE_OPS, reference, assert_matches

NO_DTYPE = ("cummax", "cummin", "logcumsumexp")


@pytest.fixture
def x():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    a.flags.writeable = True
    return a


def _unchanged(before, after):
    assert after.dtype == before.dtype and after.shape == before.shape
    assert np.array_equal(before, after)


# ----------------------------------------------------------------------------
# Positional / keyword misuse


@pytest.mark.parametrize("op", OPS + ("cumulative_sum", "cumulative_prod"))
def test_positional_and_keyword_misuse(op, x):
    f = getattr(mlx_lite, op)
    before = x.copy()
    with pytest.raises(TypeError):
        f(x, 0, True)  # reverse is keyword-only
    with pytest.raises(TypeError):
        f(x, 0, False, True)
    with pytest.raises(TypeError):
        f(a=x)  # a is positional-only
    with pytest.raises(TypeError):
        f(x, axis=0, a=x)
    with pytest.raises(TypeError):
        f()
    with pytest.raises(TypeError):
        f(x, 0, bogus=1)
    with pytest.raises(TypeError):
        f(x, 0, 1)
    _unchanged(before, x)
    # the right spellings work
    f(x, 0, reverse=True)
    f(x, axis=1, inclusive=False)


@pytest.mark.parametrize("op", NO_DTYPE)
def test_no_dtype_parameter(op, x):
    with pytest.raises(TypeError):
        getattr(mlx_lite, op)(x, dtype=np.float64)


# ----------------------------------------------------------------------------
# Unsupported dtypes


UNSUPPORTED = [
    np.array([1, "a", None], dtype=object),
    np.array(["a", "b"]),                 # <U1
    np.array(["ab", "cd"]),               # <U2
    np.array([b"a", b"b"]),               # |S1
    np.array(["2020-01-01", "2021-01-01"], dtype="datetime64[D]"),
    np.array([1, 2], dtype="timedelta64[s]"),
    np.zeros(3, dtype=[("a", "<i4"), ("b", "<f4")]),
    np.zeros(3, dtype="V3"),
    np.zeros(2, dtype=np.longdouble),
    np.zeros(2, dtype=np.clongdouble),
    np.array(["a", "b"], dtype=">U1"),
    np.zeros((2, 2), dtype=object)[:, ::-1],
]


def _ids():
    return [a.dtype.str for a in UNSUPPORTED]


@pytest.mark.parametrize("index", range(len(UNSUPPORTED)), ids=_ids())
@pytest.mark.parametrize("op", OPS + ("cumulative_sum", "cumulative_prod"))
def test_unsupported_dtypes(op, index):
    a = UNSUPPORTED[index]
    if a.dtype == np.longdouble and np.dtype(np.longdouble) == np.float64:
        pytest.skip("longdouble is float64 on this platform")
    name = {"cumulative_sum": "cumsum", "cumulative_prod": "cumprod"}.get(op, op)
    before = a.copy()
    for axis in (None, 0, -1):
        with pytest.raises(TypeError) as info:
            getattr(mlx_lite, op)(a, axis)
        assert str(info.value) == f"[{name}] Unsupported dtype {a.dtype.str}."
    assert a.dtype == before.dtype
    assert a.tobytes() == before.tobytes() if a.dtype != object else all(
        p is q for p, q in zip(a.ravel(), before.ravel()))


@pytest.mark.parametrize("op", OPS)
def test_unsupported_list_inputs(op):
    with pytest.raises(TypeError) as info:
        getattr(mlx_lite, op)(["a", "b"])
    assert str(info.value) == f"[{op}] Unsupported dtype <U1."
    with pytest.raises(TypeError) as info:
        getattr(mlx_lite, op)([1, None])
    assert str(info.value) == f"[{op}] Unsupported dtype |O."


@pytest.mark.parametrize("target", [object, "U1", "S2", "datetime64[s]", "timedelta64[D]", np.longdouble,
                                    [("a", "i4")]])
@pytest.mark.parametrize("op", DTYPE_OPS)
def test_unsupported_dtype_argument(op, target, x):
    t = np.dtype(target)
    if t == np.longdouble and t.itemsize == 8:
        pytest.skip("longdouble is float64 here")
    before = x.copy()
    with pytest.raises(TypeError) as info:
        getattr(mlx_lite, op)(x, dtype=target)
    assert str(info.value) == f"[{op}] Unsupported dtype {t.str}."
    _unchanged(before, x)


@pytest.mark.parametrize("op", DTYPE_OPS)
def test_invalid_dtype_argument(op, x):
    for bad in ("not_a_dtype", 3.5, object()):
        with pytest.raises(TypeError) as info:
            getattr(mlx_lite, op)(x, dtype=bad)
        assert str(info.value).startswith(f"[{op}]")


# ----------------------------------------------------------------------------
# axis


@pytest.mark.parametrize("op", OPS)
def test_axis_out_of_range(op, x):
    before = x.copy()
    for axis, shown in ((2, 2), (-3, -3), (100, 100), (np.int64(2), 2), (np.int32(-5), -5)):
        with pytest.raises(IndexError) as info:
            getattr(mlx_lite, op)(x, axis)
        assert isinstance(info.value, ValueError)
        assert str(info.value) == f"[{op}] Axis {shown} is out of bounds for array with 2 dimensions."
        with pytest.raises(ValueError):
            getattr(mlx_lite, op)(x, axis=axis)
    _unchanged(before, x)
    assert str(pytest.raises(IndexError, getattr(mlx_lite, op), np.zeros((2, 3, 4)), 3).value) == \
        f"[{op}] Axis 3 is out of bounds for array with 3 dimensions."


@pytest.mark.parametrize("op", OPS)
def test_any_axis_on_zero_d_is_out_of_range(op):
    a = np.array(5.0)
    for axis in (0, -1, 1):
        with pytest.raises(IndexError) as info:
            getattr(mlx_lite, op)(a, axis)
        assert isinstance(info.value, ValueError)
        assert str(info.value) == f"[{op}] Axis {axis} is out of bounds for array with 0 dimensions."
    with pytest.raises(IndexError):
        getattr(mlx_lite, op)(7, 0)
    assert getattr(mlx_lite, op)(a).shape == (1,)


@pytest.mark.parametrize("op", OPS)
def test_axis_out_of_range_on_empty_and_1d(op):
    with pytest.raises(IndexError) as info:
        getattr(mlx_lite, op)(np.zeros((0,)), 1)
    assert str(info.value) == f"[{op}] Axis 1 is out of bounds for array with 1 dimensions."
    with pytest.raises(ValueError):
        getattr(mlx_lite, op)([1, 2, 3], -2)


def test_axis_error_is_exported():
    assert issubclass(mlx_lite.AxisError, IndexError)
    assert issubclass(mlx_lite.AxisError, ValueError)


@pytest.mark.parametrize("op", OPS)
def test_axis_accepts_index_like(op, rng):
    a = rng.integers(-5, 5, size=(3, 4)).astype(np.int32)

    class Index:
        def __init__(self, v):
            self.v = v

        def __index__(self):
            return self.v

    for axis, plain in ((np.int64(1), 1), (np.int8(-1), -1), (np.uint8(0), 0), (True, 1), (False, 0),
                        (Index(1), 1), (Index(-2), -2)):
        got = getattr(mlx_lite, op)(a, axis)
        assert_matches(got, reference(op, a, plain), f"{op} axis={axis!r}")


@pytest.mark.parametrize("op", OPS)
def test_axis_rejects_non_integers(op, x):
    before = x.copy()
    for bad in (1.0, 0.5, (0,), (0, 1), [0], "0", "x", np.float64(1.0), 1j):
        with pytest.raises(TypeError):
            getattr(mlx_lite, op)(x, bad)
        with pytest.raises(TypeError):
            getattr(mlx_lite, op)(x, axis=bad)
    _unchanged(before, x)


# ----------------------------------------------------------------------------
# reverse / inclusive


@pytest.mark.parametrize("op", OPS)
def test_flags_accept_bools(op, rng):
    a = rng.integers(-5, 5, size=(6,)).astype(np.int64)
    for flag in (True, False, np.True_, np.False_, np.bool_(True)):
        got = getattr(mlx_lite, op)(a, reverse=flag)
        assert_matches(got, reference(op, a, None, bool(flag), True), f"{op} reverse={flag!r}")
        got = getattr(mlx_lite, op)(a, inclusive=flag)
        assert_matches(got, reference(op, a, None, False, bool(flag)), f"{op} inclusive={flag!r}")


@pytest.mark.parametrize("flag", ["reverse", "inclusive"])
@pytest.mark.parametrize("op", OPS)
def test_flags_reject_non_bools(op, flag, x):
    before = x.copy()
    for bad in (0, 1, None, "True", "", 1.0, np.int64(1), [True], np.array([True])):
        with pytest.raises(TypeError):
            getattr(mlx_lite, op)(x, 0, **{flag: bad})
    _unchanged(before, x)


# ----------------------------------------------------------------------------
# stream


def _cpu_streams():
    streams = [None, mlx_lite.cpu, mlx_lite.Device(mlx_lite.cpu), mlx_lite.Device(mlx_lite.cpu, 0),
               mlx_lite.default_stream(mlx_lite.cpu), mlx_lite.new_stream(mlx_lite.cpu),
               mlx_lite.default_device(), mlx_lite.default_stream(mlx_lite.default_device())]
    try:
        import mlx.core as mx
    except ImportError:
        return streams
    return streams + [mx.cpu, mx.Device(mx.cpu), mx.default_stream(mx.cpu), mx.new_stream(mx.cpu),
                      mx.default_device()]


GPU_MESSAGE = "[default_stream] Cannot get gpu stream without gpu backend."


@pytest.mark.parametrize("op", OPS)
def test_cpu_streams_work(op, rng):
    a = rng.integers(-5, 5, size=(3, 4)).astype(np.int16)
    for s in _cpu_streams():
        got = getattr(mlx_lite, op)(a, 1, stream=s)
        assert_matches(got, reference(op, a, 1), f"{op} stream={s!r}")


def _gpu_streams():
    streams = [mlx_lite.gpu, mlx_lite.Device(mlx_lite.gpu), mlx_lite.Device(mlx_lite.gpu, 0),
               mlx_lite.Stream(mlx_lite.Device(mlx_lite.gpu), 0)]
    try:
        import mlx.core as mx
    except ImportError:
        return streams
    return streams + [mx.gpu, mx.Device(mx.gpu)]


@pytest.mark.parametrize("op", OPS)
def test_gpu_streams_raise(op, x):
    before = x.copy()
    for s in _gpu_streams():
        with pytest.raises(ValueError) as info:
            getattr(mlx_lite, op)(x, 0, stream=s)
        assert type(info.value) is ValueError
        assert str(info.value) == GPU_MESSAGE
    _unchanged(before, x)


def test_gpu_message_matches_mlx():
    mx = pytest.importorskip("mlx.core")
    with pytest.raises(ValueError) as info:
        mx.default_stream(mx.gpu)
    assert str(info.value) == GPU_MESSAGE


@pytest.mark.parametrize("op", OPS)
def test_bad_streams_are_type_errors(op, x):
    before = x.copy()
    for bad in ("cpu", "gpu", 0, 1, 1.5, object(), [mlx_lite.cpu], True):
        with pytest.raises(TypeError):
            getattr(mlx_lite, op)(x, 0, stream=bad)
    _unchanged(before, x)


# ----------------------------------------------------------------------------
# Failing calls leave the input alone; errors come before any computing


@pytest.mark.parametrize("op", OPS)
def test_input_unchanged_after_failures(op):
    base = np.arange(24, dtype=np.int64).reshape(2, 3, 4)
    views = [base, base[:, ::-1], base.transpose(2, 0, 1), np.asfortranarray(base)]
    for a in views:
        before = a.copy()
        for kwargs in ({"axis": 3}, {"axis": 1.5}, {"reverse": 1}, {"inclusive": None}, {"stream": "gpu"},
                       {"stream": mlx_lite.gpu}):
            axis = kwargs.pop("axis", 0)
            with pytest.raises((TypeError, ValueError, IndexError)):
                getattr(mlx_lite, op)(a, axis, **kwargs)
            _unchanged(before, a)
    assert np.array_equal(base, np.arange(24).reshape(2, 3, 4))


@pytest.mark.parametrize("op", OPS)
def test_bad_array_like(op):
    class Broken:
        def __array__(self, dtype=None, copy=None):
            raise ValueError("no array here")

    with pytest.raises(ValueError):
        getattr(mlx_lite, op)(Broken())
    with pytest.raises((ValueError, TypeError)):
        getattr(mlx_lite, op)([[1, 2], [3]])  # ragged


# ----------------------------------------------------------------------------
# Nothing leaked (SPEC section 2)


@pytest.mark.parametrize("op", OPS)
def test_no_reference_leaks(op):
    import sys

    a = np.arange(1000, dtype=np.float64).reshape(10, 100)
    view = a[::-1, ::2]
    base_count, view_count = sys.getrefcount(a), sys.getrefcount(view)
    bad_calls = [dict(axis=5), dict(axis=1.5), dict(reverse=1), dict(inclusive=None), dict(stream="x"),
                 dict(stream=mlx_lite.gpu)]
    for _ in range(50):
        for kwargs in bad_calls:
            with pytest.raises((TypeError, ValueError, IndexError)):
                getattr(mlx_lite, op)(view, **kwargs)
        result = getattr(mlx_lite, op)(view, 0)
        assert sys.getrefcount(result) == 2  # our name and getrefcount's argument
    assert sys.getrefcount(a) == base_count
    assert sys.getrefcount(view) == view_count
    with pytest.raises(TypeError):
        getattr(mlx_lite, op)(np.array(["x"]))


def test_no_memory_growth():
    import gc
    import tracemalloc

    a = np.random.default_rng(0).random(10000)
    be = a.astype(">f8")
    lst = a[:100].tolist()
    for _ in range(20):
        mlx_lite.cumsum(a), mlx_lite.logcumsumexp(be), mlx_lite.cummax(lst)
    gc.collect()
    tracemalloc.start()
    try:
        first = tracemalloc.take_snapshot()
        for _ in range(1000):
            mlx_lite.cumsum(a), mlx_lite.logcumsumexp(be), mlx_lite.cummax(lst)
            try:
                mlx_lite.cumsum(a, axis=3)
            except IndexError:
                pass
        gc.collect()
        grown = sum(s.size_diff for s in tracemalloc.take_snapshot().compare_to(first, "filename"))
    finally:
        tracemalloc.stop()
    assert grown < 200_000, grown  # 1000 leaked 80 kB results would be 80 MB
