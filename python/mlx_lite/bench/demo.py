"""The short demo printed first, and the opt-in Dask row (``--dask``)."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

import mlx_lite as ml

from .measure import call_with_peak, discrepancy, quiesce, settle_memory, time_sample
from .peers import mx, numpy_scan


def _numpy_exclusive(a: np.ndarray, reverse: bool) -> np.ndarray:
    return numpy_scan(a, "cumsum", None, reverse, False)


#: (what, the keyword arguments of mlx_lite's/MLX's call, the input, NumPy's own way)
DEMOS: Tuple[Tuple[str, Dict[str, Any], Any, Callable[[np.ndarray], Any]], ...] = (
    ("cumsum [1 2 3 4]", {}, [1, 2, 3, 4], np.cumsum),
    ("  reverse=True", {"reverse": True}, [1, 2, 3, 4], lambda a: np.flip(np.cumsum(np.flip(a)))),
    ("  inclusive=False", {"inclusive": False}, [1, 2, 3, 4], lambda a: _numpy_exclusive(a, False)),
    ("  reverse, inclusive=False", {"reverse": True, "inclusive": False}, [1, 2, 3, 4],
     lambda a: _numpy_exclusive(a, True)),
    ("int8 [100]*4 (wraps)", {}, np.full(4, 100, np.int8), np.cumsum),
    ("float16 ones(5000)[-1]", {}, np.ones(5000, np.float16), np.cumsum),
    ("[[1 2 3] [4 5 6]] axis=0", {"axis": 0}, [[1, 2, 3], [4, 5, 6]], lambda a: np.cumsum(a, axis=0)),
)


def _show(value: Any, last: bool) -> str:
    array = np.asarray(value)
    if last:
        return f"{array.reshape(-1)[-1].item():g} ({array.dtype})"
    return f"{np.array2string(array, separator=' ').replace(chr(10), '')} ({array.dtype})"


def demo() -> None:
    """Print mlx_lite, NumPy and MLX side by side on a few small calls."""
    print("Demo: mlx_lite.cumsum next to NumPy's equivalent (and MLX's mx.cumsum)")
    print(f"{'call':<28} {'mlx_lite':<30} {'numpy':<30} {'mlx':<30}".rstrip())
    for what, kwargs, data, numpy_way in DEMOS:
        a = np.asarray(data)
        last = "[-1]" in what
        cells = [_show(ml.cumsum(a, **kwargs), last), _show(numpy_way(a), last)]
        if mx is not None:
            cells.append(_show(np.array(mx.cumsum(mx.array(a), **kwargs)), last))
        print((f"{what:<28} " + " ".join(f"{c:<30}" for c in cells)).rstrip())
    print()


DASK_N, DASK_CHUNK = 2 * 10**8, 10**7


def dask_row(seed: int, reps: int = 5) -> Optional[Dict[str, Any]]:
    """The opt-in Dask row: a 2*10^8-element float32 cumsum through Dask,
    ``mlx_lite.dask.cumsum`` against ``dask.array.cumsum``; None without Dask.

    Both peers scan the same input, 20 chunks of 10^7 uniform [0, 1) floats
    persisted in memory (800 MB, untimed), on Dask's threaded scheduler with
    the same graph shape. The timed call is ``scan(x).sum().compute()``: every
    output chunk is computed and reduced, none kept. ``x.sum().compute()``
    (reading the input once) is the floor. Peak MiB is the resident-memory
    growth of the untimed warm-up call; the error is the largest relative
    error of every 10^4-th output against a float64 running sum.
    """
    try:
        import dask
        import dask.array as da

        import mlx_lite.dask as mld
    except ImportError:
        print("Dask row skipped: dask[array] is not installed.")
        return None
    with dask.config.set(scheduler="threads"):
        x = da.random.default_rng(seed).random(DASK_N, chunks=DASK_CHUNK, dtype=np.float32).persist()
        scans: Dict[str, Callable[[Any], Any]] = {"mlx_lite.dask": mld.cumsum, "dask.array": da.cumsum}

        def total_of(scan: Callable[[Any], Any]) -> Callable[[], Any]:
            return lambda: scan(x).sum().compute()

        calls = {name: total_of(scan) for name, scan in scans.items()}
        calls["x.sum()"] = total_of(lambda y: y)
        peak = {name: call_with_peak(call)[1] for name, call in calls.items()}
        samples: Dict[str, List[float]] = {name: [] for name in calls}
        order = list(calls)
        for rep in range(reps):
            k = rep % len(order)
            for name in order[k:] + order[:k]:
                quiesce()
                samples[name].append(time_sample(calls[name], 1)[0])
        step, reference, carry = 10**4, [], 0.0
        for block in x.to_delayed():
            running = np.cumsum(block.compute(), dtype=np.float64) + carry
            reference.append(running[::step])
            carry = float(running[-1])
        wanted = np.concatenate(reference)
        error = {name: discrepancy(np.asarray(scan(x)[::step].compute()), wanted, False)
                 for name, scan in scans.items()}
    del x
    settle_memory()
    print(f"\nDask: cumsum f32, {DASK_N:,} elements in {DASK_N // DASK_CHUNK} chunks of {DASK_CHUNK:,}, "
          f"threaded scheduler; timed: scan(x).sum().compute(), median of {reps}")
    print(f"{'peer':<16} {'median ms':>10} {'min ms':>10} {'peak MiB':>9} {'max rel err':>12}")
    row: Dict[str, Any] = {"n": DASK_N, "chunk": DASK_CHUNK, "reps": reps}
    for name in calls:
        median, low = float(np.median(samples[name])) * 1e3, float(np.min(samples[name])) * 1e3
        err = error.get(name)
        print(f"{name:<16} {median:>10.0f} {low:>10.0f} {peak[name] or 0:>9.0f} "
              f"{'-' if err is None else f'{err:.1e}':>12}")
        row[name] = {"median_ms": median, "min_ms": low, "peak_mib": peak[name], "max_rel_error": err}
    speedup = row["dask.array"]["median_ms"] / row["mlx_lite.dask"]["median_ms"]
    print(f"mlx_lite.dask is {speedup:.2f}x as fast as dask.array.cumsum")
    return row
