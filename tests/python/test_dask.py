"""mlx_lite.dask: the scans on Dask arrays, against mlx_lite on the same data in memory.

Every lazy result is computed with Dask's threaded scheduler and compared with
mlx_lite's in-memory result: exactly for integers, booleans, cummax and cummin
(chunking only regroups exact operations); closely for floating-point scans
(the total carried between chunks is rounded to the result dtype, so chunked
sums and products reassociate). A few cases also run on a dask.distributed
LocalCluster of worker processes, to check that the tasks pickle and run there.
"""

from __future__ import annotations

import inspect
import itertools
import subprocess
import sys
import warnings

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
import dask  # noqa: E402

import mlx_lite  # noqa: E402
import mlx_lite.dask as mld  # noqa: E402

OPS = ("cumsum", "cumprod", "cummax", "cummin", "logcumsumexp")
SHAPE = (8, 7)
CHUNKINGS = {
    "single": -1,
    "ones": 1,                          # 56 chunks of one element
    "uneven": ((3, 1, 4), (2, 5)),
    "empty-chunk": ((3, 0, 5), (7,)),   # a zero-length chunk along axis 0
}
DTYPES = ("float32", "float64", "int32", "bool", "complex64", "int8", "float32-nan")
FLAGS = list(itertools.product((None, 0, 1, -1), (False, True), (True, False)))


def make_data(op: str, dtype: str, rng: np.random.Generator, shape=SHAPE) -> np.ndarray:
    """Data that keeps each scan meaningful: no overflow to inf for float
    products, integer products and int8 sums that do wrap, ties in complex
    real parts (so cummax/cummin must look at the imaginary part)."""
    nan = dtype.endswith("-nan")
    dtype = dtype.replace("-nan", "")
    kind = np.dtype(dtype).kind
    if kind == "b":
        return rng.random(shape) < (0.9 if op == "cumprod" else 0.5)
    if kind in "iu":
        low, high = {"cumsum": (-100, 101), "cumprod": (-3, 4), "logcumsumexp": (-5, 6)}.get(op, (-1000, 1001))
        return rng.integers(low, high, size=shape).astype(dtype)

    def real() -> np.ndarray:
        if op == "cumsum":
            return rng.uniform(0.5, 1.5, shape)
        if op == "cumprod":
            return rng.uniform(0.9, 1.1, shape)
        if op in ("cummax", "cummin") and kind == "c":
            return rng.integers(0, 3, shape).astype(float)
        return rng.standard_normal(shape)

    a = (real() + 1j * real() if kind == "c" else real()).astype(dtype)
    if nan:
        a[2, 3] = np.nan
        a[6, 0] = np.nan
    return a


def tolerance(op: str, dtype: np.dtype):
    """None for exact comparisons, else (rtol, atol)."""
    if op in ("cummax", "cummin") or dtype.kind in "biu":
        return None
    if dtype in (np.float64, np.complex128):
        return 1e-12, 1e-12
    return 2e-5, 1e-6


def assert_same(got: np.ndarray, want: np.ndarray, op: str, what: str) -> None:
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype} != {want.dtype}"
    assert got.shape == want.shape, f"{what}: shape {got.shape} != {want.shape}"
    tol = tolerance(op, want.dtype)
    if tol is None:
        np.testing.assert_array_equal(got, want, err_msg=what)
    else:
        np.testing.assert_allclose(got, want, rtol=tol[0], atol=tol[1], err_msg=what)


# ----------------------------------------------------------------------------
# Against mlx_lite in memory, threaded scheduler


def _wanted(op: str, dtype: str) -> bool:
    """int8 is there for sums and products that wrap; NaN data for sums, max and min."""
    if dtype == "int8":
        return op in ("cumsum", "cumprod")
    if dtype == "float32-nan":
        return op in ("cumsum", "cummax", "cummin")
    return True


@pytest.mark.parametrize("chunking", CHUNKINGS)
@pytest.mark.parametrize("op, dtype", [(op, dtype) for op in OPS for dtype in DTYPES if _wanted(op, dtype)])
def test_matches_mlx_lite(op, dtype, chunking, rng):
    """Every axis (None, 0, 1, -1) x reverse x inclusive, in one compute."""
    a = make_data(op, dtype, rng)
    x = da.from_array(a, chunks=CHUNKINGS[chunking])
    lazy = [getattr(mld, op)(x, axis, reverse=rev, inclusive=inc) for axis, rev, inc in FLAGS]
    computed = dask.compute(*lazy, scheduler="threads")
    for (axis, rev, inc), got, result in zip(FLAGS, computed, lazy):
        what = f"{op} {dtype} chunks={chunking} axis={axis} reverse={rev} inclusive={inc}"
        want = getattr(mlx_lite, op)(a, axis, reverse=rev, inclusive=inc)
        assert isinstance(result, da.Array)
        assert result.dtype == want.dtype and result.shape == want.shape, what
        assert_same(got, want, op, what)


@pytest.mark.parametrize("op", OPS)
def test_nan_propagates_across_chunks(op):
    a = np.array([1.0, np.nan, 2.0, 3.0, 0.5], np.float32)
    for inc, rev in itertools.product((True, False), (False, True)):
        got = getattr(mld, op)(da.from_array(a, chunks=2), inclusive=inc, reverse=rev).compute(scheduler="threads")
        want = getattr(mlx_lite, op)(a, inclusive=inc, reverse=rev)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))


@pytest.mark.parametrize("op", OPS)
def test_float16_and_bfloat16(op, rng):
    """float16 (NumPy's ufuncs combine the chunks) and bfloat16 (mlx_lite
    combines them): close to mlx_lite, which rounds only once per output."""
    dtypes = [np.dtype(np.float16)]
    try:
        import ml_dtypes

        dtypes.append(np.dtype(ml_dtypes.bfloat16))
    except ImportError:  # pragma: no cover
        pass
    for dtype in dtypes:
        a = make_data(op, "float32", rng).astype(dtype)
        x = da.from_array(a, chunks=((3, 1, 4), (2, 5)))
        rtol = 3e-3 if dtype == np.float16 else 3e-2
        for axis, rev, inc in FLAGS[::3]:
            got = getattr(mld, op)(x, axis, reverse=rev, inclusive=inc).compute(scheduler="threads")
            want = getattr(mlx_lite, op)(a, axis, reverse=rev, inclusive=inc)
            assert got.dtype == want.dtype == dtype
            np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64), rtol=rtol, atol=1e-3)


@pytest.mark.parametrize("op", ("cumsum", "cumprod"))
@pytest.mark.parametrize("source, target", [
    ("bool", "bool"), ("bool", "int8"), ("float64", "float32"), ("int32", "float64"),
    ("float32", "int32"), ("int32", "complex64"),
])
def test_dtype_argument(op, source, target, rng):
    """dtype= casts first, then MLX's rule (bool sums as int32), as mlx_lite does."""
    a = make_data(op, source, rng)
    x = da.from_array(a, chunks=((3, 1, 4), (2, 5)))
    for axis, inc in ((None, True), (0, False), (-1, True)):
        result = getattr(mld, op)(x, axis, inclusive=inc, dtype=target)
        want = getattr(mlx_lite, op)(a, axis, inclusive=inc, dtype=target)
        assert result.dtype == want.dtype
        assert_same(result.compute(scheduler="threads"), want, op, f"{op} {source}->{target} axis={axis}")
    # MLX-style and string dtype names resolve the same way.
    assert getattr(mld, op)(x, dtype=getattr(mlx_lite, target.replace("bool", "bool_"))).dtype == want.dtype


def test_result_dtypes():
    """SPEC section 3: the Dask result dtype is mlx_lite's, known before computing."""
    x = da.ones((4, 3), dtype=bool, chunks=2)
    assert mld.cumsum(x).dtype == np.int32
    assert mld.cumprod(x).dtype == np.bool_
    assert mld.cummax(x).dtype == np.bool_
    assert mld.logcumsumexp(x).dtype == np.float32
    assert mld.logcumsumexp(x.astype(np.int64)).dtype == np.float32
    assert mld.cumsum(x.astype(np.int8)).dtype == np.int8
    assert mld.cumsum(x.astype(">f4")).dtype == np.dtype("=f4")
    assert mld.logcumsumexp(x.astype(np.float16)).dtype == np.float16


# ----------------------------------------------------------------------------
# Laziness, chunks, inputs


def test_lazy_and_keeps_chunks():
    calls = []

    def spy(block):
        calls.append(block.shape)
        return block

    a = np.arange(56, dtype=np.float64).reshape(SHAPE)
    x = da.from_array(a, chunks=((3, 1, 4), (2, 5))).map_blocks(spy, meta=np.empty((0, 0)))
    results = [mld.cumsum(x, 0), mld.cummax(x, 1, reverse=True), mld.logcumsumexp(x, -1, inclusive=False),
               mld.cumprod(x, 0, reverse=True, inclusive=False), mld.cummin(x)]
    assert calls == [], "building the graph must not compute anything"
    for result in results[:4]:
        assert isinstance(result, da.Array)
        assert result.chunks == x.chunks
    assert results[4].shape == (56,)
    np.testing.assert_array_equal(results[0].compute(scheduler="threads"), mlx_lite.cumsum(a, 0))
    assert len(calls) == 6  # each chunk once


def test_task_names_say_mlx_lite():
    x = da.ones(10, chunks=3)
    assert mld.cumsum(x).name.startswith("mlx_lite-cumsum")
    assert mld.cummax(x, inclusive=False).name.startswith("mlx_lite-cummax")
    # Deterministic: the same call builds the same graph.
    assert mld.cumsum(x, 0).name == mld.cumsum(x, 0).name
    assert mld.cumsum(x, 0).name != mld.cumsum(x, 0, inclusive=False).name


@pytest.mark.parametrize("data", [[1, 2, 3, 4], [[1.5, 2], [3, 4]], 7, np.arange(10, dtype=np.uint8), True])
def test_non_dask_inputs(data):
    for op in OPS:
        result = getattr(mld, op)(data)
        assert isinstance(result, da.Array)
        want = getattr(mlx_lite, op)(data)
        assert_same(result.compute(scheduler="threads"), want, op, f"{op} {data!r}")


@pytest.mark.parametrize("shape, axis", [((0,), None), ((0,), 0), ((0, 3), 0), ((0, 3), 1), ((3, 0), None),
                                         ((4, 0), -1)])
def test_empty(shape, axis):
    a = np.zeros(shape, np.float32)
    for op in OPS:
        for inc in (True, False):
            result = getattr(mld, op)(da.from_array(a, chunks=2), axis, inclusive=inc)
            want = getattr(mlx_lite, op)(a, axis, inclusive=inc)
            assert_same(result.compute(scheduler="threads"), want, op, f"{op} {shape} axis={axis}")


def test_signed_zero():
    """SPEC 4: an inclusive sum of -0.0 stays -0.0, across chunks; an exclusive one starts from +0.0."""
    x = da.from_array(np.full(5, -0.0), chunks=2)
    assert np.all(np.signbit(mld.cumsum(x).compute(scheduler="threads")))
    assert np.all(np.signbit(mld.cumsum(x, reverse=True).compute(scheduler="threads")))
    exclusive = mld.cumsum(x, inclusive=False).compute(scheduler="threads")
    np.testing.assert_array_equal(np.signbit(exclusive), np.signbit(mlx_lite.cumsum(np.full(5, -0.0), inclusive=False)))


def test_identities_of_exclusive_scans():
    """SPEC 4: exclusive scans start from the operation's identity in the result dtype."""
    cases = [
        ("cummax", np.int8, -128), ("cummin", np.uint16, 65535), ("cummax", np.bool_, False),
        ("cummin", np.bool_, True), ("cummax", np.float32, -np.inf), ("cummin", np.float64, np.inf),
        ("logcumsumexp", np.int32, -np.inf), ("cumprod", np.int64, 1), ("cumsum", np.bool_, 0),
    ]
    for op, dtype, first in cases:
        a = np.ones(5, dtype)
        got = getattr(mld, op)(da.from_array(a, chunks=2), inclusive=False).compute(scheduler="threads")
        assert got[0] == first, (op, dtype)
        assert_same(got, getattr(mlx_lite, op)(a, inclusive=False), op, f"{op} {np.dtype(dtype)}")
        got = getattr(mld, op)(da.from_array(a, chunks=2), inclusive=False, reverse=True).compute(scheduler="threads")
        assert got[-1] == first, (op, dtype)


@pytest.mark.parametrize("op", OPS)
def test_no_floating_point_warnings(op):
    """inf - inf, NaN and overflow give IEEE results silently, as in mlx_lite."""
    # Chunks of 3: the carries meet inf - inf, NaN, and overflow (3e38 * 10) in NumPy's ufuncs.
    for data in ([np.inf, 1.0, -np.inf, np.nan, 3e38, 3e38, 5.0, 2.0], [np.inf, 1.0, 2.0, -np.inf, 3.0, 4.0]):
        a = np.array(data, np.float32)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for inc, rev in itertools.product((True, False), (False, True)):
                got = getattr(mld, op)(da.from_array(a, chunks=3), inclusive=inc, reverse=rev).compute(scheduler="sync")
                assert_same(got, getattr(mlx_lite, op)(a, inclusive=inc, reverse=rev), op, f"{op} {data} {inc} {rev}")


def test_long_int_wraps_across_many_chunks():
    a = np.full(1000, 100, np.int8)
    got = mld.cumsum(da.from_array(a, chunks=37)).compute(scheduler="threads")
    np.testing.assert_array_equal(got, mlx_lite.cumsum(a))
    a = np.full(300, 3, np.uint32)
    got = mld.cumprod(da.from_array(a, chunks=13), inclusive=False).compute(scheduler="threads")
    np.testing.assert_array_equal(got, mlx_lite.cumprod(a, inclusive=False))


def test_three_dimensions():
    a = np.random.default_rng(3).standard_normal((5, 4, 6)).astype(np.float64)
    x = da.from_array(a, chunks=(2, 3, 4))
    for op in OPS:
        for axis in (None, 0, 1, 2, -2):
            for rev, inc in ((False, True), (True, False)):
                got = getattr(mld, op)(x, axis, reverse=rev, inclusive=inc).compute(scheduler="threads")
                assert_same(got, getattr(mlx_lite, op)(a, axis, reverse=rev, inclusive=inc), op, f"{op} {axis}")


# ----------------------------------------------------------------------------
# Signature and errors: the same as mlx_lite's


@pytest.mark.parametrize("op", OPS + ("cumulative_sum", "cumulative_prod"))
def test_signature(op):
    ours, theirs = inspect.signature(getattr(mld, op)), inspect.signature(getattr(mlx_lite, op))
    # out= and include_initial= are mlx_lite's only (a Dask array is immutable), and say so
    assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == \
        [(p.name, p.kind, p.default) for p in theirs.parameters.values() if p.name not in ("out", "include_initial")]
    assert "``out=`` and ``include_initial=``" in getattr(mld, op).__doc__
    assert getattr(mld, op).__doc__
    assert ours.return_annotation in ("da.Array", da.Array)


def _error(call):
    try:
        call()
    except Exception as error:  # noqa: BLE001
        return error
    raise AssertionError("no exception")


@pytest.mark.parametrize("op", OPS)
def test_errors_as_mlx_lite(op):
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    x = da.from_array(a, chunks=2)
    cases = [
        ((2,), {}), ((-3,), {}), ((0,), {"reverse": 1}), ((0,), {"inclusive": "yes"}),
        ((1.0,), {}), (("0",), {}), ((0,), {"stream": "cpu"}), ((0,), {"stream": mlx_lite.gpu}),
        ((0,), {"stream": mlx_lite.Device(mlx_lite.gpu)}), ((5,), {"reverse": 1}),  # axis first
    ]
    if op in ("cumsum", "cumprod"):
        cases += [((0,), {"dtype": "nope"}), ((0,), {"dtype": np.str_}), ((5,), {"dtype": "nope"})]
    for args, kwargs in cases:
        ours = _error(lambda: getattr(mld, op)(x, *args, **kwargs))
        theirs = _error(lambda: getattr(mlx_lite, op)(a, *args, **kwargs))
        assert type(ours) is type(theirs), (args, kwargs, ours, theirs)
        assert str(ours) == str(theirs), (args, kwargs)


@pytest.mark.parametrize("op", OPS)
def test_axis_error(op):
    x = da.ones((3, 4), chunks=2)
    for axis in (2, -3):
        with pytest.raises(mlx_lite.AxisError) as info:
            getattr(mld, op)(x, axis)
        assert isinstance(info.value, IndexError) and isinstance(info.value, ValueError)
        assert str(info.value) == f"[{op}] Axis {axis} is out of bounds for array with 2 dimensions."
    with pytest.raises(IndexError, match=r"Axis 0 is out of bounds for array with 0 dimensions"):
        getattr(mld, op)(da.from_array(np.float32(1)), 0)


@pytest.mark.parametrize("op", OPS)
def test_unsupported_dtypes(op):
    with pytest.raises(TypeError, match=rf"^\[{op}\] Unsupported dtype <U1\.$"):
        getattr(mld, op)(da.from_array(np.array(["a", "b"])))
    with pytest.raises(TypeError, match=rf"^\[{op}\] Unsupported dtype <U1\.$"):
        getattr(mld, op)(["a"])
    with pytest.raises(TypeError, match=r"Unsupported dtype"):
        getattr(mld, op)(da.from_array(np.array(["2020-01-01"], dtype="datetime64[D]")))


@pytest.mark.parametrize("op", OPS)
def test_keyword_misuse(op):
    f = getattr(mld, op)
    x = da.ones(4, chunks=2)
    with pytest.raises(TypeError):
        f(x, 0, True)  # reverse is keyword-only
    with pytest.raises(TypeError):
        f(a=x)  # a is positional-only
    if op in ("cummax", "cummin", "logcumsumexp"):
        with pytest.raises(TypeError):
            f(x, dtype=np.float32)


def test_streams_accepted():
    x = da.arange(6, chunks=4)
    for stream in (mlx_lite.cpu, mlx_lite.Device(mlx_lite.cpu), mlx_lite.default_stream(mlx_lite.cpu),
                   mlx_lite.new_stream(mlx_lite.cpu)):
        np.testing.assert_array_equal(mld.cumsum(x, stream=stream).compute(scheduler="threads"),
                                      mlx_lite.cumsum(np.arange(6)))


def test_import_mlx_lite_does_not_import_dask():
    code = "import mlx_lite, sys; print('dask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    code = "import mlx_lite.dask, sys; print('dask.array' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


# ----------------------------------------------------------------------------
# dask.distributed: worker processes on loopback



DISTRIBUTED_CASES = [
    ("cumsum", "float32", "uneven", None, True, False),
    ("cummax", "complex64", "uneven", 0, False, True),     # mlx_lite combines the chunks (pickled partial)
    ("logcumsumexp", "int32", "ones", -1, True, False),
    ("cumprod", "int8", "uneven", 1, False, True),
    ("cummin", "float32-nan", "empty-chunk", 0, True, True),
]


@pytest.mark.parametrize("op, dtype, chunking, axis, reverse, inclusive", DISTRIBUTED_CASES)
def test_distributed(client, op, dtype, chunking, axis, reverse, inclusive, rng):
    a = make_data(op, dtype, rng)
    x = da.from_array(a, chunks=CHUNKINGS[chunking])
    result = getattr(mld, op)(x, axis, reverse=reverse, inclusive=inclusive)
    got = client.compute(result).result()
    want = getattr(mlx_lite, op)(a, axis, reverse=reverse, inclusive=inclusive)
    assert_same(got, want, op, f"distributed {op} {dtype} {chunking} axis={axis}")


def test_distributed_dtype_argument(client):
    a = np.arange(40, dtype=np.float64).reshape(8, 5) / 3
    x = da.from_array(a, chunks=(3, 2))
    result = mld.cumsum(x, 0, dtype=mlx_lite.int16, inclusive=False)
    got = client.compute(result).result()
    assert_same(got, mlx_lite.cumsum(a, 0, dtype=mlx_lite.int16, inclusive=False), "cumsum", "dtype=int16")
