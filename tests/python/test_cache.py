"""The result cache: large results' memory is reused, bounded, and controllable (MLX's names)."""
import os
import subprocess
import sys
import threading

import numpy as np
import pytest

import mlx_lite as ml

try:
    from numpy._core.multiarray import get_handler_name
except ImportError:  # NumPy 1.x
    from numpy.core.multiarray import get_handler_name

MIB = 1 << 20
LARGE = 2 * MIB // 4  # float32 elements in a 2 MiB result


@pytest.fixture(autouse=True)
def fresh_cache():
    previous = ml.set_cache_limit(1 << 34)
    ml.clear_cache()
    yield
    ml.clear_cache()
    ml.set_cache_limit(previous)


def test_a_freed_large_result_is_kept_and_taken_by_the_next():
    x = np.arange(LARGE, dtype=np.float32)
    first = ml.cumsum(x)
    address = first.ctypes.data
    assert get_handler_name(first) == "mlx_lite_result_cache"
    assert ml.get_cache_memory() == 0
    del first
    assert ml.get_cache_memory() >= x.nbytes
    second = ml.cumsum(x)
    assert second.ctypes.data == address
    assert ml.get_cache_memory() == 0
    np.testing.assert_array_equal(second, np.cumsum(x, dtype=np.float64).astype(np.float32))


def _exclusive(scan):
    return np.concatenate([[0], scan[:-1]])


@pytest.mark.parametrize("call, reference", [
    (lambda x: ml.cumsum(x), np.cumsum),
    (lambda x: ml.cumsum(x, inclusive=False), lambda x: _exclusive(np.cumsum(x))),
    (lambda x: ml.cumsum(x, reverse=True), lambda x: np.cumsum(x[::-1])[::-1]),
    (lambda x: ml.cumsum(x, reverse=True, inclusive=False), lambda x: _exclusive(np.cumsum(x[::-1]))[::-1]),
    (lambda x: ml.cumsum(x.reshape(512, -1), axis=0), lambda x: np.cumsum(x.reshape(512, -1), axis=0)),
    (lambda x: ml.cumprod(x.reshape(-1, 8), axis=1), lambda x: np.cumprod(x.reshape(-1, 8), axis=1)),
    (lambda x: ml.cummax(x[::-1]), lambda x: np.maximum.accumulate(x[::-1])),
    (lambda x: ml.cumsum(x.astype(">i4")), np.cumsum),
])
def test_reused_memory_holds_nothing_of_the_last_result(call, reference):
    stale = call(np.full(LARGE, 7, dtype=np.int32))
    del stale
    assert ml.get_cache_memory() > 0
    x = np.random.default_rng(1).integers(-3, 4, LARGE).astype(np.int32)
    result = call(x)
    assert get_handler_name(result) == "mlx_lite_result_cache"
    assert ml.get_cache_memory() == 0
    np.testing.assert_array_equal(result, reference(x))


def test_small_results_do_not_use_the_cache():
    small = ml.cumsum(np.ones(1000, dtype=np.float32))
    assert get_handler_name(small) != "mlx_lite_result_cache"
    del small
    assert ml.get_cache_memory() == 0


def test_a_cached_result_owns_its_memory_and_can_be_resized():
    result = ml.cumsum(np.ones(LARGE, dtype=np.float64))
    assert result.flags.owndata and result.flags.writeable and result.base is None
    result.resize(LARGE * 2, refcheck=False)
    np.testing.assert_array_equal(result[:LARGE], np.arange(1, LARGE + 1))
    assert np.all(result[LARGE:] == 0)
    del result
    assert ml.get_cache_memory() >= LARGE * 2 * 8


def test_limit_zero_turns_the_cache_off_and_set_cache_limit_returns_the_previous_limit():
    assert ml.set_cache_limit(0) == 1 << 34
    del_me = ml.cumsum(np.ones(LARGE, dtype=np.float32))
    del del_me
    assert ml.get_cache_memory() == 0
    assert ml.set_cache_limit(5 * MIB) == 0


def test_the_cache_holds_at_most_its_limit_dropping_the_oldest():
    ml.set_cache_limit(5 * MIB)
    results = [ml.cumsum(np.ones(LARGE, dtype=np.float32)) for _ in range(4)]
    del results
    held = ml.get_cache_memory()
    assert 4 * MIB <= held <= 5 * MIB
    ml.set_cache_limit(3 * MIB)
    assert 2 * MIB <= ml.get_cache_memory() <= 3 * MIB


def test_clear_cache_frees_everything():
    result = ml.cumsum(np.ones(LARGE, dtype=np.float32))
    del result
    assert ml.get_cache_memory() > 0
    assert ml.clear_cache() is None
    assert ml.get_cache_memory() == 0


def test_a_block_much_larger_than_the_request_is_not_handed_out():
    big = ml.cumsum(np.ones(4 * LARGE, dtype=np.float32))
    del big
    held = ml.get_cache_memory()
    small = ml.cumsum(np.ones(LARGE, dtype=np.float32))
    assert ml.get_cache_memory() == held
    del small


@pytest.mark.parametrize("bad, error", [(-1, ValueError), ("1", TypeError), (True, TypeError), (1.5, TypeError)])
def test_bad_limits_are_rejected_with_the_functions_name(bad, error):
    with pytest.raises(error, match=r"\[set_cache_limit\]"):
        ml.set_cache_limit(bad)


@pytest.mark.parametrize("text, expected", [("0", 0), ("12345678", 12345678)])
def test_the_environment_sets_the_limit_at_import(text, expected):
    code = "import mlx_lite as ml; print(ml.set_cache_limit(0))"
    env = dict(os.environ, MLX_LITE_CACHE_LIMIT=text)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert int(out.stdout) == expected


def test_threads_scanning_and_freeing_at_once_get_correct_results():
    ml.set_cache_limit(8 * MIB)
    x = np.random.default_rng(2).integers(-5, 5, LARGE).astype(np.int64)
    expected = np.cumsum(x)
    failures = []

    def work():
        for _ in range(20):
            result = ml.cumsum(x)
            if not np.array_equal(result, expected):
                failures.append(1)
            del result

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert ml.get_cache_memory() <= 8 * MIB


def test_limit_changes_and_clears_while_threads_scan():
    # The limit moves (off, small, large) and the cache is cleared while
    # other threads take and return blocks: results stay right, and the
    # cache ends within the last limit.
    x = np.random.default_rng(3).integers(-5, 5, LARGE).astype(np.int64)
    expected = np.cumsum(x)
    stop = threading.Event()
    failures = []

    def work():
        while not stop.is_set():
            if not np.array_equal(ml.cumsum(x), expected):
                failures.append(1)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        for step in range(300):
            ml.set_cache_limit((0, 3 * MIB, 64 * MIB)[step % 3])
            if step % 7 == 0:
                ml.clear_cache()
            assert ml.get_cache_memory() <= 64 * MIB
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    ml.set_cache_limit(3 * MIB)
    assert not failures
    assert ml.get_cache_memory() <= 3 * MIB
