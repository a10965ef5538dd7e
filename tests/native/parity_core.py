"""A small, deterministic parity sweep for running the native code under a
memory checker (scripts/valgrind.sh): every scan over every dtype, memory
layout, axis and flag combination on small arrays, compared with the NumPy
reference of tests/python/reference.py, plus the error paths and a few
inputs large enough to take the multi-threaded path.

    python tests/native/parity_core.py [--quick]

Prints the number of cases and exits non-zero on the first mismatch. Runs in
a few seconds natively (valgrind makes it ~30-50x slower).
"""

import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))

import mlx_lite  # noqa: E402
import mlx_lite._native  # noqa: E402
from reference import ALL_DTYPES, DTYPE_OPS, OPS, assert_matches, random_values, reference  # noqa: E402

QUICK = "--quick" in sys.argv
cases = 0


def check(op, a, axis=None, reverse=False, inclusive=True, dtype=None, what=""):
    global cases
    kwargs = {"axis": axis, "reverse": reverse, "inclusive": inclusive}
    if dtype is not None:
        kwargs["dtype"] = dtype
    got = getattr(mlx_lite, op)(a, **kwargs)
    ref = reference(op, a, axis=axis, reverse=reverse, inclusive=inclusive, dtype=dtype)
    assert_matches(got, ref, f"{op} {what} axis={axis} reverse={reverse} inclusive={inclusive} dtype={dtype}")
    cases += 1


def layouts(rng, dtype, op):
    """(name, array) pairs: the memory layouts the engine distinguishes."""
    base = random_values(rng, (5, 7), dtype, op)
    yield "c", base
    yield "fortran", np.asfortranarray(base)
    yield "transposed", base.T
    yield "reversed", base[::-1, ::-1]
    yield "stepped", random_values(rng, (5, 14), dtype, op)[:, ::2]
    yield "broadcast", np.broadcast_to(base[:1], (5, 7))
    yield "3d", random_values(rng, (3, 4, 5), dtype, op).transpose(2, 0, 1)
    yield "0d", random_values(rng, (), dtype, op)
    yield "1", random_values(rng, (1,), dtype, op)
    yield "empty", random_values(rng, (0, 3), dtype, op)
    yield "odd-1d", random_values(rng, (37,), dtype, op)
    if dtype.itemsize > 1:
        yield "byteswapped", base.astype(dtype.newbyteorder())
    raw = np.zeros(5 * 7 * dtype.itemsize + 1, np.uint8)[1:]  # misaligned
    mis = raw.view(dtype).reshape(5, 7)
    mis[...] = base
    yield "misaligned", mis


def main():
    global cases
    rng = np.random.default_rng(20240611)
    start = time.perf_counter()
    for op in OPS:
        for dtype in ALL_DTYPES:
            for name, a in layouts(rng, dtype, op):
                axes = [None] + list(range(-a.ndim, a.ndim))
                for axis in axes:
                    for reverse in (False, True):
                        for inclusive in (True, False):
                            if QUICK and (reverse or not inclusive) and axis not in (None, -1):
                                continue
                            check(op, a, axis, reverse, inclusive, what=f"{dtype}/{name}")
            if op in DTYPE_OPS:
                a = random_values(rng, (4, 6), dtype, op)
                if dtype.kind in "biu":
                    targets = (np.int32, np.int64, np.uint8, np.uint64)
                elif dtype.kind == "c":
                    targets = (np.complex64, np.complex128)
                else:  # float16, float32, float64, bfloat16
                    targets = (np.float32, np.float64, np.complex128)
                for target in targets:
                    check(op, a, 1, False, True, dtype=target, what=f"{dtype}->{np.dtype(target)}")
                    check(op, a.T, 0, True, False, dtype=target, what=f"{dtype}.T->{np.dtype(target)}")
    # the aliases and non-array inputs
    for alias, op in (("cumulative_sum", "cumsum"), ("cumulative_prod", "cumprod")):
        a = random_values(rng, (6, 5), np.dtype(np.float64), op)
        got = getattr(mlx_lite, alias)(a, axis=1)
        assert_matches(got, reference(op, a, axis=1), alias)
        cases += 1
    for op in OPS:
        check(op, [1, 2, 3, 4], what="list")
        check(op, 3.5, what="scalar")
        check(op, [[True, False], [False, True]], 0, what="bool list")
    # error paths: the extension must fail cleanly, not touch memory it should not
    errors = 0
    bad_calls = [
        lambda: mlx_lite.cumsum(np.ones(3), axis=1),
        lambda: mlx_lite.cumsum(np.ones((2, 3)), axis=-3),
        lambda: mlx_lite.cumsum(np.array(["a", "b"])),
        lambda: mlx_lite.cumsum(np.ones(3, dtype=object)),
        lambda: mlx_lite.cummax(np.ones(3), reverse="yes"),
        lambda: mlx_lite.cumprod(np.ones(3), dtype="float128-nope"),
        lambda: mlx_lite.logcumsumexp(np.ones(3), inclusive=None),
        lambda: mlx_lite.cumsum(np.ones(3, dtype="datetime64[s]")),
    ]
    for call in bad_calls:
        try:
            call()
        except (TypeError, ValueError, IndexError, np.exceptions.AxisError):
            errors += 1
        else:
            raise AssertionError("an invalid call did not raise")
        cases += 1
    # large enough for the multi-threaded path (several workers, tiles, lanes)
    for op, dtype in (("cumsum", np.float32), ("cumsum", np.int64), ("cummax", np.float64),
                      ("logcumsumexp", np.float64), ("cumsum", np.complex64)):
        dtype = np.dtype(dtype)
        big = random_values(rng, (300, 700), dtype, op)
        for axis in (None, 0, 1):
            check(op, big, axis, what=f"big {dtype}")
        check(op, big.T, 1, True, False, what=f"big.T {dtype}")
    elapsed = time.perf_counter() - start
    print(f"parity_core: {cases} cases ({errors} error paths) passed in {elapsed:.1f} s; "
          f"module {mlx_lite._native.core.__file__}")


if __name__ == "__main__":
    main()
