"""fork() while other threads allocate and free large results: every child
scans correctly and exits, none hangs.

The result cache (Sources/CBridge/result_cache.c) guards its blocks with a
mutex. A thread that holds it at the moment another thread forks would leave
it locked in the child for good, and the child's first large result would
wait forever; pthread_atfork handlers take the lock around fork() to prevent
that. With the GIL, NumPy only allocates and frees while holding it, and
os.fork() holds it too, so Python threads that scan alone can never be inside
the lock at fork time. The lock's promise is not to rely on the GIL, so one
thread here calls the cache's own malloc and free through ctypes, which
releases the GIL around each call: that thread is often inside the lock when
the main thread forks, and without the handlers a child hangs (and this test
fails) within a few forks.
"""
import ctypes
import os
import signal
import threading
import time

import numpy as np
import pytest

import mlx_lite as ml

try:
    from numpy._core.multiarray import get_handler_name
except ImportError:  # NumPy 1.x
    from numpy.core.multiarray import get_handler_name

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork"),
    # Python 3.12+ warns that fork() in a multi-threaded process may deadlock
    # the child: that is the hazard under test.
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]

MIB = 1 << 20
FORKS = 60
CHILD_SECONDS = 5.0  # a child scans in milliseconds; longer means it hangs
# The GIL-free thread's blocks: above glibc's largest mmap threshold (32 MiB),
# so each is mmap()ed and its free is a munmap(). Never touched: no memory used.
BLOCK = 48 * MIB


class _Allocator(ctypes.Structure):
    _fields_ = [("ctx", ctypes.c_void_p), ("malloc", ctypes.c_void_p), ("calloc", ctypes.c_void_p),
                ("realloc", ctypes.c_void_p), ("free", ctypes.c_void_p)]


class _Handler(ctypes.Structure):  # NumPy's PyDataMem_Handler (version 1)
    _fields_ = [("name", ctypes.c_char * 127), ("version", ctypes.c_uint8), ("allocator", _Allocator)]


class _ArrayFields(ctypes.Structure):  # NumPy's PyArrayObject_fields (NumPy >= 1.22)
    _fields_ = [("ob_refcnt", ctypes.c_ssize_t), ("ob_type", ctypes.c_void_p), ("data", ctypes.c_void_p),
                ("nd", ctypes.c_int), ("dimensions", ctypes.c_void_p), ("strides", ctypes.c_void_p),
                ("base", ctypes.c_void_p), ("descr", ctypes.c_void_p), ("flags", ctypes.c_int),
                ("weakreflist", ctypes.c_void_p), ("_buffer_info", ctypes.c_void_p),
                ("mem_handler", ctypes.c_void_p)]


def _cache_allocator(result):
    """The cache's malloc and free, called without the GIL, from the memory
    handler capsule that `result` (a large mlx_lite result) keeps; None when
    the layout is not the one checked here (a debug build of Python, say)."""
    if get_handler_name(result) != "mlx_lite_result_cache" or object.__basicsize__ != 16:
        return None  # 16: the PyObject header _ArrayFields assumes (no Py_TRACE_REFS)
    capsule = _ArrayFields.from_address(id(result)).mem_handler
    # Own prototypes, so that ctypes.pythonapi's shared ones are left as they are.
    is_valid = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p)(
        ("PyCapsule_IsValid", ctypes.pythonapi))
    get_pointer = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p)(
        ("PyCapsule_GetPointer", ctypes.pythonapi))
    if not capsule or not is_valid(capsule, b"mem_handler"):
        return None
    handler = _Handler.from_address(get_pointer(capsule, b"mem_handler"))
    if handler.name != b"mlx_lite_result_cache" or handler.version != 1:
        return None
    malloc = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)(handler.allocator.malloc)
    free = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)(handler.allocator.free)
    return handler.allocator.ctx, malloc, free


def _wait(pid, seconds):
    """The child's exit code, or None (after killing it) if it is still running after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None
        time.sleep(0.001)


@pytest.fixture
def small_cache():
    # A limit of one and a half blocks: every second free of a block trims the
    # other one, a munmap() under the lock. That long a hold is what lets a
    # fork catch the lock held often enough: without the fork handlers a child
    # hung within the first 25 forks in each of 8 runs here (with 2 MiB blocks,
    # freed without a system call, in only half the runs of 60 forks).
    previous = ml.set_cache_limit(BLOCK * 3 // 2)
    ml.clear_cache()
    yield
    ml.clear_cache()
    ml.set_cache_limit(previous)


def test_children_forked_while_threads_allocate_and_free_large_results_scan(small_cache):
    x = np.random.default_rng(12).integers(-9, 9, 2 * MIB // 8)  # int64: 2 MiB results
    expected = np.cumsum(x)
    probe = ml.cumsum(x)
    allocator = _cache_allocator(probe)
    stop = threading.Event()
    failures = []

    def scanner():  # Python threads: results into the cache and back, with the GIL
        try:
            while not stop.is_set():
                if not np.array_equal(ml.cumsum(x), expected):
                    failures.append("a parent thread's scan was wrong")
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(repr(error))

    def allocator_user():  # the cache's lock taken and released without the GIL
        context, malloc, free = allocator
        while not stop.is_set():
            a, b = malloc(context, BLOCK), malloc(context, BLOCK)
            free(context, a, BLOCK)
            free(context, b, BLOCK)

    threads = [threading.Thread(target=scanner) for _ in range(2)]
    if allocator is not None:
        threads.append(threading.Thread(target=allocator_user))
    for thread in threads:
        thread.start()
    codes = []
    try:
        for _ in range(FORKS):
            pid = os.fork()
            if pid == 0:  # the child: only this thread; never returns into pytest
                code = 2
                try:
                    for _ in range(2):  # the second takes the first's block from the cache
                        code = 0 if np.array_equal(ml.cumsum(x), expected) else 3
                        if code:
                            break
                finally:
                    os._exit(code)
            codes.append(_wait(pid, CHILD_SECONDS))
            if codes[-1] != 0:
                break  # fail fast: one hung or wrong child is enough
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a parent thread hung"
    assert codes == [0] * FORKS, (
        f"child {len(codes)} of {FORKS}: " + ("hung (killed after %.0f s)" % CHILD_SECONDS if codes[-1] is None
                                              else f"exit code {codes[-1]} (3: wrong result)"))
    assert not failures, failures[:3]
    assert allocator is not None, "the cache's allocator was not reachable: only Python threads ran"
