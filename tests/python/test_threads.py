"""Concurrency (SPEC section 8): Python threads scanning shared read-only
inputs at once get the same results as calls one at a time."""

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import mlx_lite
from reference import BF16, assert_matches, reference


def _inputs():
    rng = np.random.default_rng(31337)
    arrays = {
        "f32": rng.random(300_000, dtype=np.float32),
        "f64_2d": rng.standard_normal((400, 600)),
        "i64": rng.integers(-(2**40), 2**40, size=300_000, dtype=np.int64),
        "u8": rng.integers(0, 256, size=(200, 1000), dtype=np.uint8),
        "c64": (rng.standard_normal(100_000) + 1j * rng.standard_normal(100_000)).astype(np.complex64),
        "f16": (rng.random(150_000) - 0.5).astype(np.float16),
        "bool": rng.random((500, 400)) < 0.5,
    }
    if BF16 is not None:
        arrays["bf16"] = rng.random(100_000).astype(BF16)
    for a in arrays.values():
        a.flags.writeable = False
    return arrays


@pytest.fixture(scope="module")
def shared():
    return _inputs()


def _tasks(arrays):
    tasks = []
    for name, a in arrays.items():
        views = [("plain", a)]
        if a.ndim == 2:
            views += [("T", a.T), ("strided", a[::-2, ::3])]
        else:
            views += [("reversed", a[::-1]), ("stepped", a[1::3])]
        for vname, v in views:
            for op in ("cumsum", "cumprod", "cummax", "cummin", "logcumsumexp"):
                if op == "cumprod" and v.dtype.kind == "f":
                    continue  # products of many floats under/overflow: not informative
                for axis in ([None, 0, 1] if v.ndim == 2 else [None, -1]):
                    for reverse, inclusive in ((False, True), (True, False)):
                        tasks.append((f"{op}({name}.{vname}, axis={axis}, reverse={reverse}, "
                                      f"inclusive={inclusive})", op, v, axis, reverse, inclusive))
    return tasks


def _run(task):
    _, op, v, axis, reverse, inclusive = task
    return getattr(mlx_lite, op)(v, axis, reverse=reverse, inclusive=inclusive)


def test_concurrent_calls_match_sequential(shared):
    tasks = _tasks(shared)
    snapshots = {name: a.copy() for name, a in shared.items()}
    sequential = [_run(t) for t in tasks]
    with ThreadPoolExecutor(max_workers=6) as pool:
        for _ in range(2):
            concurrent = list(pool.map(_run, tasks[::-1]))[::-1]
            for task, want, got in zip(tasks, sequential, concurrent):
                assert got.dtype == want.dtype and got.shape == want.shape, task[0]
                assert got.tobytes() == want.tobytes(), f"{task[0]}: concurrent result differs"
    for name, a in shared.items():
        assert a.tobytes() == snapshots[name].tobytes()


def test_sequential_results_are_right(shared):
    """The sequential results used above are themselves correct (spot check)."""
    a = shared["u8"]
    for axis in (0, 1):
        assert_matches(mlx_lite.cumsum(a.T, axis), reference("cumsum", a.T, axis), "u8")
    i = shared["i64"][1::3]
    assert_matches(mlx_lite.cummin(i, reverse=True), reference("cummin", i, None, True), "i64")


@pytest.mark.parametrize("engine_threads", ["1", "2", None])
def test_many_threads_same_array_with_thread_env(shared, engine_threads):
    """Large scans that use the engine's own threads, from several Python
    threads at once. (The environment is set before the threads start:
    changing it while other threads read it is a data race in C.)"""
    if engine_threads is None:
        os.environ.pop("MLX_LITE_NUM_THREADS", None)
    else:
        os.environ["MLX_LITE_NUM_THREADS"] = engine_threads
    a = np.random.default_rng(1).random(4 * 10**6, dtype=np.float32)
    a.flags.writeable = False
    want = mlx_lite.cumsum(a)
    exact = np.cumsum(a.astype(np.float64))
    errors = []
    barrier = threading.Barrier(4)

    def worker(k):
        try:
            barrier.wait()
            for j in range(3):
                got = mlx_lite.cumsum(a) if (k + j) % 2 else mlx_lite.cumsum(a[::-1], reverse=True)[::-1]
                if (k + j) % 2:
                    if got.tobytes() != want.tobytes():
                        errors.append(f"thread {k} run {j} differs")
                else:  # the reverse scan of the reversed array is the forward scan
                    if not np.allclose(got, exact, rtol=2e-7, atol=0):
                        errors.append(f"thread {k} run {j} reverse wrong")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(repr(error))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_gil_is_released_for_other_python_threads():
    """While one thread runs long scans, another Python thread keeps running
    and its own scans are correct (a deadlock or a crash fails this test)."""
    big = np.random.default_rng(2).random(4 * 10**6)
    small = np.arange(1, 11, dtype=np.int32)
    done = threading.Event()
    results = []

    def scanner():
        for _ in range(3):
            mlx_lite.cumsum(big)
        done.set()

    def other():
        while not done.is_set():
            results.append(mlx_lite.cumsum(small).tolist())

    threads = [threading.Thread(target=scanner), threading.Thread(target=other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert results, "the other thread never ran"
    assert all(r == np.cumsum(small).tolist() for r in results)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int32", "int64"])
@pytest.mark.parametrize("length", [3, 8, 9, 16, 40])
def test_each_short_row_has_the_bits_of_its_own_scan(dtype, length):
    # Many short rows take a batched (for rows of 8, transposed) kernel; a row
    # scanned alone takes the line kernel. Both must give the same bits.
    rng = np.random.default_rng(length)
    x = (rng.standard_normal((1001, length)) * 100).astype(dtype)
    for reverse in (False, True):
        together = mlx_lite.cumsum(x, axis=-1, reverse=reverse)
        alone = np.stack([mlx_lite.cumsum(row, reverse=reverse) for row in x])
        assert together.tobytes() == alone.tobytes()


_FORK_SCRIPT = r"""
import os, sys, threading
import numpy as np
import mlx_lite

os.environ["MLX_LITE_NUM_THREADS"] = "2"
x = np.random.default_rng(5).random(3_000_000).astype(np.float32)
want = mlx_lite.cumsum(x)  # the parent's kept worker threads are running now
exact = np.cumsum(x.astype(np.float64))
assert np.allclose(want, exact, rtol=2e-7, atol=0)

def in_child():
    got = mlx_lite.cumsum(x)  # the child has no workers of its own yet: it must start them
    os._exit(0 if got.tobytes() == want.tobytes() else 3)

codes = []
pid = os.fork()
if pid == 0:
    in_child()
codes.append(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))

# Forks while another thread's scan holds the pool: the child must not inherit its locks.
stop = threading.Event()
def scanner():
    while not stop.is_set():
        mlx_lite.cumsum(x)
t = threading.Thread(target=scanner)
t.start()
for _ in range(10):
    pid = os.fork()
    if pid == 0:
        in_child()
    codes.append(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
stop.set()
t.join()
print(codes)
sys.exit(0 if codes == [0] * 11 else 1)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_scans_work_in_forked_children():
    """The engine keeps worker threads between calls; a forked child (as
    multiprocessing and Dask make) has none of them and must scan correctly
    all the same, even when the fork happened in the middle of a scan."""
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", _FORK_SCRIPT], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
