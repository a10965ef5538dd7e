"""linear_recurrence against a long-double loop, scipy.signal.lfilter and its own
contract (dtypes, broadcasting, initial, reverse, out=, errors, determinism).

The engine cuts a recurrence into chunks of 256 rows (one lane), blocks of 2048
elements (at most 8 KiB of each array: 1024 float64 or complex64 elements, 512
complex128), lane tiles of 256 lanes, and treats lines shorter than 64 as lanes:
the shapes below sit at and around each of those edges."""

from __future__ import annotations

import os

import numpy as np
import pytest

import mlx_lite as mx

scipy_signal = pytest.importorskip("scipy.signal")

try:
    import ml_dtypes

    BFLOAT16 = [np.dtype(ml_dtypes.bfloat16)]
except ImportError:  # pragma: no cover
    BFLOAT16 = []

FLOATS = [np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)] + BFLOAT16
COMPLEX = [np.dtype(np.complex64), np.dtype(np.complex128)]


def wide(dtype: np.dtype):
    return np.clongdouble if dtype.kind == "c" else np.longdouble


def loop(a, b, axis, reverse=False, initial=None, kind=None):
    """h[t] = a[t]·h[t−1] + b[t] one step at a time, in long double (or `kind`)."""
    a = np.broadcast_to(np.asarray(a), np.broadcast_shapes(np.shape(a), b.shape))
    if kind is None:
        kind = wide(np.result_type(a.dtype, b.dtype) if b.dtype.kind != "V" else np.dtype(np.float32))
    a = np.moveaxis(a.astype(kind), axis, 0)
    b = np.moveaxis(np.asarray(b).astype(kind), axis, 0)
    h = np.zeros(b.shape[1:], kind) if initial is None else np.broadcast_to(
        np.asarray(initial).astype(kind), b.shape[1:]).copy()
    out = np.empty_like(b)
    order = range(b.shape[0] - 1, -1, -1) if reverse else range(b.shape[0])
    for t in order:
        h = a[t] * h + b[t]
        out[t] = h
    return np.moveaxis(out, 0, axis)


def data(rng, shape, dtype, low=0.5, high=0.999):
    """Decays of either sign in [low, high) and inputs of both signs, in `dtype`."""
    def real(size):
        return rng.uniform(-1, 1, size)

    size = int(np.prod(shape))
    if dtype.kind == "c":
        angle = rng.uniform(0, 2 * np.pi, size)
        a = rng.uniform(low, high, size) * np.exp(1j * angle)
        b = real(size) + 1j * real(size)
    else:
        a = rng.uniform(low, high, size) * rng.choice([-1, 1], size)
        b = real(size)
    return a.reshape(shape).astype(dtype), b.reshape(shape).astype(dtype)


def ulp(values, dtype: np.dtype) -> np.ndarray:
    """One unit in the last place of `dtype` at each value (its real part's and imaginary part's larger)."""
    real = np.float32 if dtype.name in ("float32", "complex64") else np.float16 if dtype.name == "float16" else None
    magnitude = np.abs(np.asarray(values, np.clongdouble if dtype.kind == "c" else np.longdouble))
    if real is not None:
        return np.spacing(magnitude.astype(real)).astype(np.longdouble)
    if dtype.name == "bfloat16":
        return np.spacing(magnitude.astype(np.float32)).astype(np.longdouble) * 2 ** 16
    return np.spacing(magnitude.astype(np.float64)).astype(np.longdouble)


def assert_close(got, want, dtype, sequential=None):
    """Narrow dtypes (accumulated wider, each output rounded once): within one ulp of
    the long-double loop, plus the wide accumulator's own error where a value is the
    cancellation of larger terms. float64 and complex128 (their own accumulator): no
    worse than a float64 loop over the same steps (`sequential`), give or take a few ulps."""
    error = np.abs(got.astype(wide(dtype)) - want)
    scale = np.maximum(np.abs(want), 1)
    if dtype.name in ("float64", "complex128"):
        bound = 4 * np.max(np.abs(sequential.astype(wide(dtype)) - want) / scale, initial=0) + 2 ** -50
        assert np.max(error / scale, initial=0) <= bound, float(np.max(error / scale))
        return
    # float16 and bfloat16 accumulate in float32, the others in float64.
    slack = (2 ** -16 if dtype.itemsize == 2 else 2 ** -45) * scale
    excess = error - (ulp(want, dtype) + slack)
    assert np.max(excess, initial=0) <= 0, float(np.max(error / ulp(want, dtype)))


def check(got, a, b, axis, dtype, reverse=False, initial=None):
    """`got` against the long-double loop (and, for float64, a float64 loop)."""
    want = loop(a, b, axis, reverse, initial)
    sequential = None
    if dtype.name in ("float64", "complex128"):
        sequential = loop(a, b, axis, reverse, initial, kind=dtype)
    assert_close(got, want, dtype, sequential)


LENGTHS = [1, 2, 63, 64, 255, 256, 257, 511, 512, 513, 1023, 1024, 1025, 2047, 2048, 2049, 5000]


@pytest.mark.parametrize("dtype", FLOATS + COMPLEX, ids=str)
@pytest.mark.parametrize("n", LENGTHS)
def test_one_line_against_long_double(rng, dtype, n):
    a, b = data(rng, (n,), dtype)
    check(mx.linear_recurrence(a, b), a, b, 0, dtype)
    scalar = complex(a[0]) if dtype.kind == "c" else float(a[0])
    check(mx.linear_recurrence(scalar, b), np.full(n, a[0]), b, 0, dtype)


@pytest.mark.parametrize("dtype", [np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.complex64)], ids=str)
@pytest.mark.parametrize("shape,axis", [
    ((3000, 1), 0), ((3000, 2), 0), ((1500, 3), 0), ((700, 7), 0), ((500, 8), 0), ((300, 9), 0),
    ((40, 255), 0), ((40, 256), 0), ((20, 300), 0), ((2, 3000), 1), ((3, 2049), 1),
    ((1000, 63), 1), ((1000, 64), 1), ((100, 5), 1), ((4, 50, 6), 1), ((4, 50, 6), 0), ((4, 50, 6), 2),
    ((3, 70, 80), 1),
])
@pytest.mark.parametrize("reverse", [False, True])
def test_axes_layouts_and_reverse(rng, dtype, shape, axis, reverse):
    a, b = data(rng, shape, dtype)
    for x, y in [(a, b), (np.asfortranarray(a), np.asfortranarray(b)), (a[..., ::-1], b[..., ::-1])]:
        got = mx.linear_recurrence(x, y, axis, reverse=reverse)
        assert got.dtype == dtype and got.shape == shape
        check(got, x, y, axis, dtype, reverse)
        check(mx.linear_recurrence(0.9, y, axis, reverse=reverse), np.asarray(0.9, dtype), y, axis, dtype, reverse)


@pytest.mark.parametrize("n", [1, 100, 4097])
def test_matches_lfilter(rng, n):
    b = rng.standard_normal(n)
    for decay in (0.0, 0.3, -0.95, 1.0):
        zi = np.array([decay * 2.5])
        want, _ = scipy_signal.lfilter([1.0], [1.0, -decay], b, zi=zi)
        got = mx.linear_recurrence(decay, b, initial=2.5)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_initial_broadcasts_without_the_axis(rng):
    a, b = data(rng, (5, 300, 4), np.dtype(np.float64))
    start = rng.standard_normal((5, 4))
    got = mx.linear_recurrence(a, b, axis=1, initial=start)
    check(got, a, b, 1, np.dtype(np.float64), initial=start)
    got = mx.linear_recurrence(a, b, axis=1, initial=start[:, :1], reverse=True)
    check(got, a, b, 1, np.dtype(np.float64), True, initial=start[:, :1])
    with pytest.raises(ValueError, match="linear_recurrence"):
        mx.linear_recurrence(a, b, axis=1, initial=np.ones(300))


def test_broadcasting_and_flattening(rng):
    b = rng.standard_normal((40, 3))
    per_row = rng.uniform(0.5, 1, (40, 1))
    got = mx.linear_recurrence(per_row, b, axis=0)
    check(got, np.broadcast_to(per_row, b.shape), b, 0, np.dtype(np.float64))
    flat = mx.linear_recurrence(per_row, b)  # axis=None: the broadcast inputs, C order
    assert flat.shape == (120,)
    check(flat, np.broadcast_to(per_row, b.shape).ravel(), b.ravel(), 0, np.dtype(np.float64))
    # b broadcast along the recurrence (stride 0): a constant input.
    ones = np.broadcast_to(np.ones(3), (4000, 3))
    check(mx.linear_recurrence(0.5, ones, axis=0), np.asarray(0.5), np.ones((4000, 3)), 0, np.dtype(np.float64))
    assert mx.linear_recurrence(0.5, 2.0).shape == (1,)


def test_result_dtypes():
    f32 = np.ones(3, np.float32)
    assert mx.linear_recurrence(0.5, f32).dtype == np.float32  # a Python scalar does not widen
    assert mx.linear_recurrence(np.float64(0.5) * np.ones(3), f32).dtype == np.float64
    assert mx.linear_recurrence(0.5j, f32).dtype == np.complex64
    assert mx.linear_recurrence(1, np.array([1, 2, 3])).dtype == np.float32  # integers: MLX's default float
    assert mx.linear_recurrence(True, np.array([True, False])).dtype == np.float32
    assert mx.linear_recurrence(0.5, np.ones(3, np.float16)).dtype == np.float16
    np.testing.assert_array_equal(mx.linear_recurrence([1, 2, 3], [1, 1, 1], initial=10), [11, 23, 70])


def test_float16_accumulates_wide():
    # 5000 steps of h = h + 1 from 0: 5000 in float32 (the accumulator), then rounded once.
    got = mx.linear_recurrence(1.0, np.ones(5000, np.float16))
    np.testing.assert_array_equal(got, np.arange(1, 5001).astype(np.float16))


@pytest.mark.parametrize("shape,axis", [((3 * 10 ** 5,), 0), ((150000, 2), 0), ((2, 150000), 1), ((600, 500), 0)])
def test_bitwise_the_same_for_every_thread_count(rng, shape, axis):
    a, b = data(rng, shape, np.dtype(np.float32))
    results = []
    for threads in ("1", "2", "3"):
        os.environ["MLX_LITE_NUM_THREADS"] = threads
        results.append((mx.linear_recurrence(a, b, axis), mx.linear_recurrence(0.99, b, axis, initial=1.5)))
    for other in results[1:]:
        for got, want in zip(other, results[0]):
            assert np.array_equal(got.view(np.uint32), want.view(np.uint32))
    check(results[0][0], a, b, axis, np.dtype(np.float32))


def test_out_and_aliasing(rng):
    a, b = data(rng, (3000,), np.dtype(np.float64))
    want = mx.linear_recurrence(a, b)
    check(want, a, b, 0, np.dtype(np.float64))
    buf = np.empty(3000)
    assert mx.linear_recurrence(a, b, out=buf) is buf
    np.testing.assert_array_equal(buf, want)
    inplace = b.copy()
    assert mx.linear_recurrence(a, inplace, out=inplace) is inplace  # the very same view: in place
    np.testing.assert_array_equal(inplace, want)
    steps = a.copy()
    mx.linear_recurrence(steps, b, out=steps)  # in place over a
    np.testing.assert_array_equal(steps, want)
    shifted = np.concatenate([b, [0.0]])
    mx.linear_recurrence(a, shifted[:-1], out=shifted[1:])  # overlapping: a copy is read
    np.testing.assert_array_equal(shifted[1:], want)
    narrow = np.empty(3000, np.float32)
    mx.linear_recurrence(a, b, out=narrow)
    np.testing.assert_array_equal(narrow, want.astype(np.float32))
    with pytest.raises(ValueError, match="linear_recurrence"):
        mx.linear_recurrence(a, b, out=np.empty(10))


def test_inputs_untouched_and_specials(rng):
    a, b = data(rng, (500,), np.dtype(np.float32))
    a0, b0 = a.copy(), b.copy()
    mx.linear_recurrence(a, b, reverse=True, initial=1.0)
    assert np.array_equal(a, a0) and np.array_equal(b, b0)
    b[10] = np.nan
    got = mx.linear_recurrence(0.5, b)
    assert not np.isnan(got[:10]).any() and np.isnan(got[10:]).all()
    assert mx.linear_recurrence(0.5, np.empty((0, 3)), axis=0).shape == (0, 3)
    assert mx.linear_recurrence(0.5, np.empty((4, 0)), axis=0).shape == (4, 0)


def test_errors():
    with pytest.raises(TypeError, match="linear_recurrence"):
        mx.linear_recurrence(0.5, np.array(["a", "b"]))
    with pytest.raises(TypeError, match="linear_recurrence"):
        mx.linear_recurrence(0.5, np.arange(3).astype("datetime64[s]"))
    with pytest.raises(IndexError, match="linear_recurrence"):
        mx.linear_recurrence(0.5, np.ones((2, 3)), axis=2)
    with pytest.raises(ValueError, match="linear_recurrence"):
        mx.linear_recurrence(np.ones(4), np.ones(3))
    with pytest.raises(TypeError, match="linear_recurrence"):
        mx.linear_recurrence(0.5, np.ones(3), reverse=1)
    with pytest.raises(ValueError):
        mx.linear_recurrence(0.5, np.ones(3), stream=mx.gpu)
    with pytest.raises(TypeError, match="linear_recurrence"):
        mx.linear_recurrence(0.5, np.ones(3), stream="cpu")



def test_ctrl_c_stops_a_long_recurrence():
    """As the scans (test_interrupt.py): SIGINT part-way through ends the call with
    KeyboardInterrupt between blocks, and the process stays usable."""
    import subprocess
    import sys
    import textwrap

    child = textwrap.dedent("""
        import os, signal, threading, time
        import numpy as np, mlx_lite as mx
        b = np.linspace(-3, 3, 30_000_000)
        a = np.full_like(b, 0.999)
        mx.linear_recurrence(a, b)  # the first call pays for fresh pages; time a warm one
        start = time.perf_counter(); mx.linear_recurrence(a, b); full = time.perf_counter() - start
        delay = full / 5
        threading.Timer(delay, os.kill, (os.getpid(), signal.SIGINT)).start()
        start = time.perf_counter()
        try:
            mx.linear_recurrence(a, b)
            outcome = "finished"
        except KeyboardInterrupt:
            outcome = "interrupted"
        print(outcome, full, delay, time.perf_counter() - start)
        print(mx.linear_recurrence(0.5, np.ones(3)).tolist())
    """)
    run = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    first, second = run.stdout.splitlines()
    outcome, full, delay, elapsed = first.split()
    assert outcome == "interrupted", run.stdout
    assert float(elapsed) < float(delay) + 0.5 * float(full), run.stdout
    assert second == "[1.0, 1.5, 1.75]"


def test_many_python_threads_at_once(rng):
    """Calls from several threads at once (the GIL is released) give each its own result."""
    from concurrent.futures import ThreadPoolExecutor

    inputs = [data(rng, (200_000 + 1000 * k, 2), np.dtype(np.float32)) for k in range(6)]
    alone = [mx.linear_recurrence(a, b, 0) for a, b in inputs]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda ab: mx.linear_recurrence(ab[0], ab[1], 0), inputs * 2))
    for got, want in zip(together, alone * 2):
        assert np.array_equal(got, want)



def exact_loop(a, b, axis, initial):
    """The float64 loop of integer-valued steps and inputs: exact, so every grouping must match it."""
    return loop(a, b, axis, initial=initial, kind=np.float64)


@pytest.mark.parametrize("dtype", [np.dtype(np.float32), np.dtype(np.float64)], ids=str)
@pytest.mark.parametrize("shape,axis,order", [
    ((2047,), 0, "C"), ((2048,), 0, "C"), ((2049,), 0, "C"), ((4096,), 0, "C"), ((8 * 2048 + 3,), 0, "C"),
    ((3, 5 * 2048 + 100), 1, "C"), ((2 * 2048 + 1, 3), 0, "F"), ((2, 2048), 1, "C"),
    ((1023, 2), 0, "C"), ((1024, 2), 0, "C"), ((3 * 1024 + 1, 2), 0, "C"), ((3000, 2), 0, "F"),
    # float64's blocks: 1024 elements (512 rows of two).
    ((1023,), 0, "C"), ((1024,), 0, "C"), ((1025,), 0, "C"), ((5 * 1024 + 7,), 0, "C"), ((2, 1024), 1, "C"),
    ((511, 2), 0, "C"), ((512, 2), 0, "C"), ((513, 2), 0, "C"), ((5 * 512 + 3, 2), 0, "C"),
])
def test_dense_lines_exactly_on_every_thread_count(rng, dtype, shape, axis, order):
    """Whole blocks of a dense float32 or float64 line, or of two dense lanes side by side (a
    float32 block: 1024 rows of two; float64: 512), run four elements a vector (constant steps
    with |a| <= 1; varying ones as columns, four chunks a vector), reversed lines too (rows
    read and written downward); a partial last block does not. Steps of
    -1, 0 and 1 with integer inputs keep every value exact, so each must give the loop's bits,
    on every thread count (blocks claimed by the threads in turn)."""
    b = rng.integers(-8, 9, shape).astype(dtype, order=order)
    a = rng.integers(-1, 2, shape).astype(dtype, order=order)
    # Mostly ones, so values travel far before a zero resets them.
    ones = ((rng.integers(0, 50, shape) != 0) * rng.choice([-1, 1], shape)).astype(dtype, order=order)
    rest = shape[:axis] + shape[axis + 1:]
    initial = rng.integers(-5, 6, rest).astype(dtype)
    for steps in (a, ones, 1.0, -1.0, 0.0):
        for start in (None, initial):
            for reverse in (False, True):
                want = loop(steps, b, axis, reverse, start, kind=np.float64).astype(dtype)
                for threads in ("1", "2", "3"):
                    os.environ["MLX_LITE_NUM_THREADS"] = threads
                    got = mx.linear_recurrence(steps, b, axis, initial=start, reverse=reverse)
                    np.testing.assert_array_equal(got, want, err_msg=f"threads {threads}")


def resetting_sums(steps, b):
    """The exact float64 recurrence of steps in {0, 1} along a 1-D line: sums since the last zero."""
    sums = np.cumsum(b, dtype=np.float64)
    index = np.arange(len(b))
    last = np.maximum.accumulate(np.where(steps == 0, index, -1))
    before = np.where(last > 0, sums[np.maximum(last - 1, 0)], 0.0)
    return sums - before


@pytest.mark.parametrize("dtype,shape", [
    (np.dtype(np.float32), (2 ** 22 + 5,)), (np.dtype(np.float64), (2 ** 21 + 3,)),
    (np.dtype(np.float32), (2 ** 21 + 7, 2)),
])
def test_outputs_past_the_caches_exactly(rng, dtype, shape):
    """Outputs past the caches (16 MiB and more: many blocks on every thread), into a new
    array, an output not 16-byte aligned, and in place: each must give the exact sums, on every
    thread count."""
    b = rng.integers(-8, 9, shape).astype(dtype)
    steps = (rng.integers(0, 1000, shape) != 0).astype(dtype)
    if len(shape) == 1:
        wants = [(steps, resetting_sums(steps, b)), (1.0, np.cumsum(b, dtype=np.float64))]
    else:
        wants = [(1.0, np.cumsum(b, axis=0, dtype=np.float64))]
    for a, want in wants:
        want = want.astype(dtype)
        for threads in ("1", "2", "3"):
            os.environ["MLX_LITE_NUM_THREADS"] = threads
            np.testing.assert_array_equal(mx.linear_recurrence(a, b, 0), want)
            shifted = np.empty(b.size + 1, dtype)[1:].reshape(shape)  # not 16-byte aligned
            mx.linear_recurrence(a, b, 0, out=shifted)
            np.testing.assert_array_equal(shifted, want)
            inplace = b.copy()
            mx.linear_recurrence(a, inplace, 0, out=inplace)
            np.testing.assert_array_equal(inplace, want)
