"""Reliability: no leaks over 10^5 calls, many threads at once, the GIL released
during a scan, element counts beyond 32 bits, allocations that cannot succeed.

(The 1-D axis longer than 2**31 is covered in test_accuracy.py; here the
32-bit overflow is only in the product of the dimensions.)
"""

import gc
import os
import sys
import threading
import time

import numpy as np
import pytest

import mlx_lite
from reference import available_memory

FUNCTIONS = {
    "cumsum": mlx_lite.cumsum,
    "cumulative_sum": mlx_lite.cumulative_sum,
    "cumprod": mlx_lite.cumprod,
    "cumulative_prod": mlx_lite.cumulative_prod,
    "cummax": mlx_lite.cummax,
    "cummin": mlx_lite.cummin,
    "logcumsumexp": mlx_lite.logcumsumexp,
}
UNIQUE = ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp"]


def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")



# ----------------------------------------------------------------------------
# No leaks


def _leak_inputs():
    rng = np.random.default_rng(7)
    base = rng.standard_normal((6, 8))
    inputs = [
        base.astype(np.float32),                              # C order
        np.asfortranarray(base),                              # F order, float64
        base.astype(np.float16)[:, ::-2],                     # negative steps
        (base * 10).astype(np.int8).T,                        # transposed int8
        (base > 0),                                           # bool: cumsum -> int32
        (base * 100).astype(">i4"),                           # byte-swapped: converted
        base.astype(np.complex64),
        np.broadcast_to(np.uint16(3), (5, 7)),                # stride 0
        np.frombuffer(np.zeros(8 * 48 + 1, np.uint8).tobytes()[1:8 * 48 + 1], np.float64).reshape(6, 8),  # misaligned
        np.float32(2.5),                                      # a NumPy scalar
        np.zeros((0, 3), np.float32),                         # empty
    ]
    bad = [
        np.array(["a", "b"]),                                 # unsupported dtype: TypeError
        np.array([1, None], dtype=object),                    # object: TypeError
    ]
    return inputs, bad


def _leak_round(fn, name, inputs, bad, i, stream):
    """One call, chosen by i, that succeeds or raises a documented error."""
    k = i % 8
    a = inputs[i % len(inputs)]
    if k == 0:
        return fn(a)
    if k == 1:
        return fn(a, -1 if a.ndim else None, reverse=True, inclusive=False)
    if k == 2:
        return fn(a, 0 if a.ndim else None, stream=stream)
    if k == 3 and name in ("cumsum", "cumulative_sum", "cumprod", "cumulative_prod"):
        return fn(a, None, dtype=np.float64 if i % 16 == 3 else "complex128")
    if k == 4:
        with pytest.raises(TypeError):
            fn(bad[i % 2])
        return None
    if k == 5:
        with pytest.raises(IndexError):
            fn(a, 5)
        return None
    if k == 6:
        with pytest.raises(TypeError):
            fn(a, reverse="yes")
        return None
    with pytest.raises(TypeError):
        fn(a, axis=1.5)
    return None


@pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning")
def test_no_leaks_over_100k_calls():
    """20000 calls of each of the five scans (10^5 in all, aliases included),
    a quarter of them raising TypeError or IndexError: no reference is lost or
    kept on the inputs, the dtypes or the stream, and the RSS stays flat."""
    inputs, bad = _leak_inputs()
    stream = mlx_lite.default_stream(mlx_lite.cpu)
    dtypes = [np.dtype(t) for t in ("float32", "float64", "float16", "int8", "bool", "int32", "int16", "complex64",
                                    "uint16", "int64")]
    watched = inputs + bad + dtypes + [stream, mlx_lite.cpu, np.float64, np.float32]
    names = ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp"]
    aliases = {"cumsum": "cumulative_sum", "cumprod": "cumulative_prod"}

    def run(calls):
        for name in names:
            fn = FUNCTIONS[name]
            alias = FUNCTIONS[aliases.get(name, name)]
            for i in range(calls):
                result = _leak_round(alias if i % 5 == 4 else fn, name, inputs, bad, i, stream)
                del result

    run(400)  # warm-up: caches, allocator pools, lazily made objects
    gc.collect()
    refs_before = [sys.getrefcount(o) for o in watched]
    rss_before = _rss_bytes()
    start = time.perf_counter()
    run(20000)
    elapsed = time.perf_counter() - start
    gc.collect()
    refs_after = [sys.getrefcount(o) for o in watched]
    rss_after = _rss_bytes()
    changed = [(repr(o)[:60], b, a) for o, b, a in zip(watched, refs_before, refs_after) if a != b]
    assert not changed, f"reference counts changed: {changed}"
    growth = rss_after - rss_before
    assert growth < 10 * 2**20, f"RSS grew by {growth / 2**20:.1f} MiB over 10^5 calls ({elapsed:.1f} s)"


def test_no_leak_of_large_results_or_failed_allocations():
    """Large results are freed, and so is everything when the allocation fails."""
    x = np.ones(2 * 10**6, np.float64)
    huge = np.broadcast_to(np.float64(1), (2**40,))
    # Warm up with the very calls measured below, so that the allocator's
    # heap (whose mmap threshold earlier tests' large frees may have raised)
    # is at its steady state before RSS is read.
    for _ in range(5):
        mlx_lite.cumsum(x, reverse=True)
        mlx_lite.cumprod(x, axis=0)
        with pytest.raises(MemoryError):
            mlx_lite.cumsum(huge)
    gc.collect()
    refs = sys.getrefcount(x), sys.getrefcount(huge)
    rss = _rss_bytes()
    for _ in range(50):
        mlx_lite.cumsum(x, reverse=True)
        mlx_lite.cumprod(x, axis=0)
        with pytest.raises(MemoryError):
            mlx_lite.cumsum(huge)
    gc.collect()
    assert (sys.getrefcount(x), sys.getrefcount(huge)) == refs
    # 100 results of 16 MB were made: a leak of them would be 1.6 GB. The
    # allocator may keep one freed result's worth resident (glibc raises its
    # mmap threshold after large frees), so the bound is a few results.
    assert _rss_bytes() - rss < 3 * x.nbytes


# ----------------------------------------------------------------------------
# Threads


def _thread_cases():
    rng = np.random.default_rng(11)
    shared = [
        rng.standard_normal(100_003).astype(np.float32),
        rng.integers(-100, 100, (300, 257), dtype=np.int16),
        np.asfortranarray(rng.standard_normal((129, 77))),
        rng.standard_normal(5000).astype(np.float16)[::-3],
        (rng.standard_normal(40_000) + 1j * rng.standard_normal(40_000)).astype(np.complex64),
        rng.integers(0, 2, 70_001).astype(bool),
    ]
    for a in shared:
        a.flags.writeable = False  # read-only, shared by every thread
    calls = []
    for a in shared:
        for name in UNIQUE:
            for axis in (None, -1, 0):
                for reverse, inclusive in ((False, True), (True, False)):
                    calls.append((name, a, axis, reverse, inclusive))
    return shared, calls


def test_eight_threads_match_single_threaded():
    """8 threads, each scanning the shared read-only inputs and arrays of its
    own, thousands of calls in all: every result bitwise equal to the one
    computed on one thread, and the inputs unchanged."""
    shared, calls = _thread_cases()
    copies = [a.copy() for a in shared]
    expected = [FUNCTIONS[n](a, axis, reverse=r, inclusive=i).tobytes() for n, a, axis, r, i in calls]
    rng = np.random.default_rng(3)
    own = [rng.standard_normal((1000 + 37 * k, 9)) for k in range(8)]
    own_expected = [[FUNCTIONS[n](o, 0, reverse=bool(j % 2)).tobytes() for j, n in enumerate(UNIQUE)] for o in own]
    errors = []
    counts = [0] * 8
    barrier = threading.Barrier(8)

    def worker(k):
        try:
            barrier.wait()
            order = np.random.default_rng(k).permutation(len(calls))
            for rep in range(2):
                for idx in order:
                    n, a, axis, r, i = calls[idx]
                    if FUNCTIONS[n](a, axis, reverse=r, inclusive=i).tobytes() != expected[idx]:
                        errors.append((k, n, idx))
                    counts[k] += 1
                for j, n in enumerate(UNIQUE):
                    if FUNCTIONS[n](own[k], 0, reverse=bool(j % 2)).tobytes() != own_expected[k][j]:
                        errors.append((k, "own", n))
                    counts[k] += 1
        except Exception as error:  # pragma: no cover - reported below
            errors.append((k, repr(error)))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert not errors, errors[:10]
    assert sum(counts) >= 2000, counts
    for a, c in zip(shared, copies):
        assert np.array_equal(a, c, equal_nan=True)


def test_gil_is_released_during_one_long_scan():
    """While the main thread is inside one long scan (4*10^7 float32, one engine
    thread), a Python counter thread keeps running: it records progress all
    through the scan's duration. With the GIL held it could not run at all."""
    x = np.ones(4 * 10**7, np.float32)
    mlx_lite.cumsum(x[:1000])
    saved = os.environ.get("MLX_LITE_NUM_THREADS")
    os.environ["MLX_LITE_NUM_THREADS"] = "1"
    stop = threading.Event()
    stamps = []

    def counter():
        n = 0
        while not stop.is_set():
            n += 1
            if n % 200 == 0:
                stamps.append(time.perf_counter())

    t = threading.Thread(target=counter)
    try:
        t.start()
        while len(stamps) < 10:  # the counter is running
            time.sleep(0.001)
        for _ in range(3):  # a few tries: a busy 2-core machine may make one scan too short to judge
            begin = time.perf_counter()
            result = mlx_lite.cumsum(x)
            end = time.perf_counter()
            if end - begin >= 0.05:
                break
    finally:
        stop.set()
        t.join()
        if saved is None:
            os.environ.pop("MLX_LITE_NUM_THREADS", None)
        else:
            os.environ["MLX_LITE_NUM_THREADS"] = saved
    assert result[-1] == np.float32(4 * 10**7) and result[12345] == 12346
    duration = end - begin
    # progress inside the middle 80% of the scan, spread over its windows
    windows = 10
    lo, hi = begin + 0.1 * duration, end - 0.1 * duration
    inside = [s for s in stamps if lo < s < hi]
    hit = {int((s - lo) / (hi - lo) * windows) for s in inside}
    assert len(inside) >= 50 and len(hit) >= windows // 2, (
        f"counter thread made {len(inside)} steps in {len(hit)}/{windows} windows of a {duration:.3f} s scan")


# ----------------------------------------------------------------------------
# Huge and extreme


def _wrap_int8(v):
    return (v + 128) % 256 - 128


@pytest.mark.skipif(available_memory() < 8 * 2**30, reason="needs 8 GiB of free memory")
def test_element_count_beyond_32_bits_only_in_the_product():
    """Shape (2**16 + 1, 2**15 + 1): each dimension fits in 16 bits, the
    2,147,581,953 elements do not fit in 31. A stride-0 int8 input (no memory),
    scanned along each axis and flattened, then a dense input (byte offsets
    beyond 2**31) along axis 0."""
    rows, cols = 2**16 + 1, 2**15 + 1
    assert rows * cols > 2**31
    ones = np.broadcast_to(np.int8(1), (rows, cols))

    got = mlx_lite.cumsum(ones, axis=1)
    assert got.shape == (rows, cols) and got.dtype == np.int8
    for r in (0, 1, rows // 2, rows - 1):
        for c in (0, 126, 127, 255, 256, cols - 2, cols - 1):
            assert got[r, c] == _wrap_int8(c + 1), (r, c)
    del got

    got = mlx_lite.cumsum(ones, axis=0, reverse=True)
    for r in (0, 1, 2**15, rows - 256, rows - 2, rows - 1):
        for c in (0, cols // 3, cols - 1):
            assert got[r, c] == _wrap_int8(rows - r), (r, c)
    del got

    got = mlx_lite.cumsum(ones)  # flattened: a 1-D axis of 2**31 + 98305 elements
    n = rows * cols
    assert got.shape == (n,)
    for i in (0, 255, 2**31 - 1, 2**31, 2**31 + 1, n - 17, n - 1):
        assert got[i] == _wrap_int8(i + 1), i
    del got

    dense = np.ones((rows, cols), np.int8)  # 2 GiB input, 2 GiB result
    dense[-1, -1] = 5
    got = mlx_lite.cumsum(dense, axis=0)
    assert got[rows - 1, 0] == _wrap_int8(rows) and got[rows - 1, cols - 1] == _wrap_int8(rows + 4)
    assert got[2**15, cols - 1] == _wrap_int8(2**15 + 1)
    assert np.array_equal(dense[:2, :5], np.ones((2, 5), np.int8)) and dense[-1, -1] == 5  # input untouched
    del got, dense


@pytest.mark.parametrize("name", UNIQUE)
def test_result_too_large_is_memory_error(name):
    """A result that cannot be allocated (8 TiB) raises MemoryError, not a crash."""
    huge = np.broadcast_to(np.float64(1), (2**40,))
    with pytest.raises(MemoryError):
        FUNCTIONS[name](huge)
    with pytest.raises(MemoryError):
        FUNCTIONS[name](huge.reshape(2**20, 2**20), axis=1, reverse=True)
    if name in ("cumsum", "cumprod"):
        with pytest.raises(MemoryError):
            FUNCTIONS[name](np.broadcast_to(np.float32(1), (2**41,)), dtype=np.complex128)  # the cast's result
    # a size whose bytes overflow 64 bits: NumPy's own ValueError ("array is too big")
    with pytest.raises((MemoryError, ValueError)):
        FUNCTIONS[name](np.broadcast_to(np.float64(1), (2**62,)))
    assert mlx_lite.cumsum(np.ones(3))[-1] == 3  # and the package still works


def test_broadcast_input_of_10_to_the_8_elements():
    """A stride-0 input of 10^8 logical elements (one element of memory)."""
    n = 10**8
    got = mlx_lite.cumsum(np.broadcast_to(np.int64(1), (n,)))
    assert got.dtype == np.int64 and got.shape == (n,)
    for i in (0, 1, 2**24, 2**24 + 1, n // 2, n - 2, n - 1):
        assert got[i] == i + 1
    del got
    got = mlx_lite.cumsum(np.broadcast_to(np.int64(3), (n,)), reverse=True, inclusive=False)
    for i in (0, 1, n // 3, n - 1):
        assert got[i] == 3 * (n - 1 - i)
    del got
    # float32 accumulates in float64 and rounds each output once: exact counts, rounded
    got = mlx_lite.cumsum(np.broadcast_to(np.float32(1), (n,)))
    assert got.dtype == np.float32
    for i in (0, 2**24 - 1, 2**24, 2**24 + 1, n - 1):
        assert got[i] == np.float32(i + 1), i
    del got
    got = mlx_lite.cummax(np.broadcast_to(np.float32(-2), (n,)), inclusive=False)
    assert got[0] == -np.inf and got[1] == -2 and got[n - 1] == -2
