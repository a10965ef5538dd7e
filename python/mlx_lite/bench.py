"""Benchmark of mlx_lite's scans against NumPy, MLX and a plain copy.

Run it as ``python -m mlx_lite.bench`` (``--help`` lists the options). It first
prints a short demo (mlx_lite, NumPy and MLX results side by side for a few
small calls), then one table row per case.

Methodology
-----------
* Peers. Every case is run by four peers on the same input: mlx_lite; NumPy's
  equivalent (``np.cumsum``/``np.cumprod`` with ``dtype=`` the input's dtype,
  so the output dtype matches, and ``np.maximum``/``np.minimum``/
  ``np.logaddexp.accumulate``; ``reverse`` through ``np.flip`` views); MLX,
  when it can be imported (the input is converted to an ``mx.array`` outside
  the timed region, keeping the layout: a strided or transposed MLX view for
  the strided and Fortran-order cases; the timed call is the scan on
  ``stream=mx.cpu`` followed by ``mx.eval`` so that MLX's lazy evaluation is
  included); and ``x.copy(order='K')``, the floor: a scan reads the input and
  writes an output of the same size, so it cannot beat a copy by much.
* Exclusive scans. NumPy has none; for ``inclusive=False`` cases NumPy's time
  is that of the inclusive call (marked ``*``); its accuracy is computed on a
  properly shifted result.
* Interleaving. All peers run in one process, round-robin within each
  repetition (the order rotates every repetition), so that frequency scaling,
  other load and cache state affect every peer alike.
* Medians. Each peer's time is the median over the repetitions. Large cases
  get 15-31 repetitions of one call each, as many as fit a per-case budget;
  small cases, where one call takes microseconds, time many calls per sample
  (``timeit``) and take more repetitions. One untimed warm-up call per peer
  comes first; it also measures the peer's peak resident-memory growth (the
  kernel's high-water mark, reset through ``/proc/self/clear_refs`` when
  possible, otherwise ``ru_maxrss`` growth, a lower bound).
* Quiet start. Before every sample the benchmark waits (at most 50 ms) until
  no other thread of the process is running: MLX's worker threads spin for a
  few ms after ``mx.eval`` returns, and on a 2-core machine they would
  otherwise slow down whichever peer comes next.
* Results are freed outside the timed region when a sample is a single call.
* Result memory. mlx_lite, like MLX, keeps the memory of freed results (its
  result cache) and its timed calls reuse it; NumPy's results and the copy
  take new memory from the system on every call, whose pages the kernel
  zeroes on first touch. ``--cache-limit 0`` times mlx_lite without its cache.
  The warm-up's peak-memory measurement empties both caches first.
* Accuracy. For floating-point scans (cumsum, cumprod, logcumsumexp) each
  peer's result is compared, once and outside the timing, with a reference
  computed in float64 (long double for float64 input): the maximum
  element-wise relative error is printed in brackets beside its time.
  Exact scans (integers, cummax, cummin) are checked for equality with NumPy.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import math
import os
import platform
import re
import resource
import sys
import time
import timeit
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

import mlx_lite as ml

try:
    import mlx.core as mx
except Exception:  # noqa: BLE001 - any failure to import MLX just drops the peer
    mx = None

PEERS: Tuple[str, ...] = ("mlx_lite", "numpy", "mlx", "copy")
FAMILY: Tuple[str, ...] = ("cumprod", "cummax", "cummin", "logcumsumexp")
DTYPE_SHORT: Dict[str, str] = {
    "float16": "f16", "float32": "f32", "float64": "f64", "int32": "i32", "int64": "i64",
}
N_LONG = 10**7
SQUARE = (4096, 4096)
SWEEP_SIZES: Tuple[int, ...] = (10**3, 10**4, 10**5, 10**6, 10**7)
BUSY_MACHINE = 0.10  # background CPU share above which a case's timings are flagged


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Settings:
    """How long to measure: repetition bounds and the time budget per case."""

    budget_s: float = 3.0          # time spent on the timed repetitions of one case
    min_reps: int = 15             # large cases (one call per sample)
    max_reps: int = 31
    min_reps_small: int = 31       # small cases (many calls per sample)
    max_reps_small: int = 101
    sample_s: float = 2e-3         # a small case's sample lasts at least this long
    single_call_s: float = 1e-3    # calls at least this long are timed one by one


DEFAULT = Settings()
QUICK = Settings(budget_s=0.4, min_reps=5, max_reps=9, min_reps_small=9, max_reps_small=21,
                 sample_s=1e-3)


# --------------------------------------------------------------------------- the case table


@dataclass(frozen=True)
class Spec:
    """One row of the case table: what to scan and how."""

    label: str
    shape: Tuple[int, ...]
    dtype: str = "float32"
    axis: Optional[int] = None
    op: str = "cumsum"
    reverse: bool = False
    inclusive: bool = True
    layout: str = "C"        # "C", "F" (Fortran order) or "strided" (x[::2] of a twice longer array)
    data: str = "uniform"    # a key of DATA
    group: str = ""
    quick: bool = False      # part of the --quick subset

    @property
    def name(self) -> str:
        parts = [self.op, self.label, DTYPE_SHORT.get(self.dtype, self.dtype), _shape_text(self.shape)]
        if self.axis is not None and len(self.shape) > 1:
            parts.append(f"ax={self.axis}")
        if self.reverse:
            parts.append("rev")
        if not self.inclusive:
            parts.append("excl")
        return " ".join(parts)

    @property
    def exact(self) -> bool:
        """Whether every peer must agree exactly (no rounding in the scan)."""
        return self.op in ("cummax", "cummin") or np.dtype(self.dtype).kind in "iub"


def _shape_text(shape: Tuple[int, ...]) -> str:
    if len(shape) == 1:
        n = shape[0]
        k = round(math.log10(n)) if n > 0 else 0
        return f"1e{k}" if n >= 1000 and 10**k == n else str(n)
    return "x".join(map(str, shape))


def case_table() -> List[Spec]:
    """Every case of the default run, generated from a few lists."""
    specs = [Spec("1-D", (N_LONG,), dtype, data="small" if dtype == "float16" else "uniform",
                  group="1-D long", quick=dtype in ("float32", "int32"))
             for dtype in ("float32", "int32", "float64", "int64", "float16")]
    specs += [
        Spec("rows", SQUARE, axis=-1, group="rows", quick=True),
        Spec("columns", SQUARE, axis=0, group="columns", quick=True),
        Spec("short rows", (2**20, 8), axis=-1, group="many short rows"),
        Spec("middle", (256, 256, 64), axis=1, group="middle axis"),
        Spec("strided", (N_LONG,), layout="strided", group="strided", quick=True),
        Spec("F-order", SQUARE, axis=-1, layout="F", group="Fortran order"),
        Spec("1-D", (N_LONG,), reverse=True, inclusive=False, group="flags", quick=True),
        Spec("columns", SQUARE, axis=0, reverse=True, inclusive=False, group="flags"),
        Spec("1-D", (16,), group="small", quick=True),
        Spec("1-D", (1000,), group="small"),
        Spec("small", (32, 32), axis=0, group="small", quick=True),
    ]
    for op in FAMILY:
        data = FAMILY_DATA[op]
        specs.append(Spec("1-D", (N_LONG,), op=op, data=data, group="family", quick=op == "cummax"))
        specs.append(Spec("columns", SQUARE, axis=0, op=op, data=data, group="family"))
    return specs


def sweep_table() -> List[Spec]:
    """The float32 1-D cumsum at growing sizes, for --plot."""
    return [Spec("1-D", (n,), group="sweep") for n in SWEEP_SIZES]


# --------------------------------------------------------------------------- inputs


Generator = Callable[[np.random.Generator, Tuple[int, ...], np.dtype], np.ndarray]


def _uniform(rng: np.random.Generator, shape: Tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """[0, 1) for floats; small non-negative integers, which cannot overflow, for integers."""
    if dtype.kind in "iu":
        return rng.integers(0, 100, size=shape, dtype=dtype)
    if dtype in (np.float32, np.float64):
        return rng.random(shape, dtype=dtype)
    return rng.random(shape, dtype=np.float32).astype(dtype)


def _small(rng: np.random.Generator, shape: Tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """uniform(0, 0.002): 10^7 of them sum to about 10^4, which float16 can hold
    (uniform [0, 1) would overflow float16 to inf)."""
    return (rng.random(shape, dtype=np.float32) * np.float32(0.002)).astype(dtype)


def _near_one(rng: np.random.Generator, shape: Tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """uniform(0.999, 1.001): long products neither overflow nor vanish."""
    return rng.uniform(0.999, 1.001, size=shape).astype(dtype)


def _normal(rng: np.random.Generator, shape: Tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    return rng.standard_normal(shape, dtype=np.float32).astype(dtype, copy=False)


DATA: Dict[str, Generator] = {
    "uniform": _uniform, "small": _small, "near_one": _near_one, "normal": _normal,
}
FAMILY_DATA: Dict[str, str] = {
    "cumprod": "near_one", "cummax": "normal", "cummin": "normal", "logcumsumexp": "uniform",
}


def make_input(spec: Spec, rng: np.random.Generator) -> np.ndarray:
    """The NumPy input of a case, in the case's memory layout."""
    generate = DATA[spec.data]
    dtype = np.dtype(spec.dtype)
    if spec.layout == "F":
        return generate(rng, spec.shape[::-1], dtype).T
    if spec.layout == "strided":
        return generate(rng, (2 * spec.shape[0],) + spec.shape[1:], dtype)[::2]
    return generate(rng, spec.shape, dtype)


def mlx_input(x: np.ndarray, layout: str) -> Any:
    """An evaluated ``mx.array`` holding ``x`` with the same layout (a strided or
    transposed MLX view where NumPy has one)."""
    dtype = getattr(mx, x.dtype.name)  # explicit: mx.array() would turn float64 into float32
    if layout == "F":
        out = mx.array(np.ascontiguousarray(x.T), dtype=dtype).T
    elif layout == "strided" and x.base is not None and x.base.shape[0] == 2 * x.shape[0]:
        out = mx.array(x.base, dtype=dtype)[::2]
    else:
        out = mx.array(x, dtype=dtype)
    mx.eval(out)
    return out


# --------------------------------------------------------------------------- NumPy reference


IDENTITY: Dict[str, Callable[[np.dtype], Any]] = {
    "cumsum": lambda dtype: 0,
    "cumprod": lambda dtype: 1,
    "cummax": lambda dtype: -np.inf if dtype.kind in "fc" else np.iinfo(dtype).min,
    "cummin": lambda dtype: np.inf if dtype.kind in "fc" else np.iinfo(dtype).max,
    "logcumsumexp": lambda dtype: -np.inf,
}

NUMPY_OPS: Dict[str, Callable[[np.ndarray, int], np.ndarray]] = {
    "cumsum": lambda a, axis: np.cumsum(a, axis, dtype=a.dtype),
    "cumprod": lambda a, axis: np.cumprod(a, axis, dtype=a.dtype),
    "cummax": lambda a, axis: np.maximum.accumulate(a, axis),
    "cummin": lambda a, axis: np.minimum.accumulate(a, axis),
    "logcumsumexp": lambda a, axis: np.logaddexp.accumulate(a, axis),
}


def _shift(out: np.ndarray, axis: int, fill: Any) -> np.ndarray:
    """``out`` moved one place along ``axis``, ``fill`` first: inclusive to exclusive."""
    shifted = np.empty_like(out)
    head = [slice(None)] * out.ndim
    rest, lead, body = list(head), list(head), list(head)
    lead[axis], rest[axis], body[axis] = slice(0, 1), slice(1, None), slice(None, -1)
    shifted[tuple(lead)] = fill
    shifted[tuple(rest)] = out[tuple(body)]
    return shifted


def numpy_scan(a: np.ndarray, op: str, axis: Optional[int], reverse: bool, inclusive: bool) -> np.ndarray:
    """NumPy's equivalent of ``mlx_lite.<op>(a, axis, reverse=, inclusive=)``."""
    if axis is None:
        a, axis = a.reshape(-1), 0
    if reverse:
        a = np.flip(a, axis)
    out = NUMPY_OPS[op](a, axis)
    if not inclusive:
        out = _shift(out, axis, IDENTITY[op](out.dtype))
    return np.flip(out, axis) if reverse else out


def reference_dtype(dtype: np.dtype) -> np.dtype:
    """A wider float to compute the reference in: float64, or long double for float64."""
    if dtype == np.float64 and np.finfo(np.longdouble).eps < np.finfo(np.float64).eps:
        return np.dtype(np.longdouble)
    return np.dtype(np.float64)


def max_relative_error(result: np.ndarray, reference: np.ndarray, tiny: float) -> float:
    """max |result - reference| / max(|reference|, tiny), element-wise; equal elements count 0."""
    got = np.asarray(result).astype(reference.dtype)
    with np.errstate(invalid="ignore", over="ignore"):
        error = np.abs(got - reference) / np.maximum(np.abs(reference), tiny)
        error = np.where(got == reference, 0.0, error)
    return float(np.max(error)) if error.size else 0.0


# --------------------------------------------------------------------------- cases and peers


@dataclass
class Peer:
    """One contender: how to prepare its input (untimed), the timed call, and
    how to get its full-semantics result as a NumPy array (None: not checked)."""

    prepare: Callable[[np.ndarray], Any]
    run: Callable[[Any], Any]
    full: Optional[Callable[[Any], np.ndarray]] = None


@dataclass
class Case:
    """A benchmark case: its name, a maker of its input, and its peers."""

    name: str
    spec: Spec
    make: Callable[[np.random.Generator], np.ndarray]
    peers: Dict[str, Peer]
    note: str = ""


def _identity(x: np.ndarray) -> np.ndarray:
    return x


def _mlx_eval(result: Any) -> Any:
    mx.eval(result)
    return result


def build_case(spec: Spec) -> Case:
    """The peers of one spec, all computing the same scan."""
    lite = getattr(ml, spec.op)
    flags = {"reverse": spec.reverse, "inclusive": spec.inclusive}
    axis, op = spec.axis, spec.op

    def lite_run(x: np.ndarray) -> np.ndarray:
        return lite(x, axis, **flags)

    def numpy_run(x: np.ndarray) -> np.ndarray:
        return numpy_scan(x, op, axis, spec.reverse, True)

    def numpy_full(x: np.ndarray) -> np.ndarray:
        return numpy_scan(x, op, axis, spec.reverse, spec.inclusive)

    peers: Dict[str, Peer] = {
        "mlx_lite": Peer(_identity, lite_run, lite_run),
        "numpy": Peer(_identity, numpy_run, numpy_full),
    }
    if mx is not None:
        mlx_op = getattr(mx, op)

        def mlx_run(xm: Any) -> Any:
            return _mlx_eval(mlx_op(xm, axis=axis, stream=mx.cpu, **flags))

        peers["mlx"] = Peer(lambda x: mlx_input(x, spec.layout), mlx_run, lambda xm: np.array(mlx_run(xm)))
    peers["copy"] = Peer(_identity, lambda x: x.copy(order="K"))
    note = "" if spec.inclusive else "numpy timed inclusive"
    return Case(spec.name, spec, lambda rng: make_input(spec, rng), peers, note)


def select_specs(quick: bool, pattern: Optional[str], plot: bool) -> List[Spec]:
    """The cases to run: the table (or its quick subset) filtered by ``pattern``,
    plus the size sweep when plotting; each name once."""
    specs = [s for s in case_table() if s.quick or not quick]
    if pattern:
        regex = re.compile(pattern)
        specs = [s for s in specs if regex.search(s.name) or regex.search(s.group)]
    if plot:
        specs += sweep_table()
    unique: Dict[str, Spec] = {}
    for spec in specs:
        unique.setdefault(spec.name, spec)
    return list(unique.values())


# --------------------------------------------------------------------------- measuring


def _status_kib(key: str) -> Optional[int]:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Reset the kernel's resident-memory high-water mark (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def _settle_memory() -> None:
    gc.collect()
    if mx is not None and hasattr(mx, "clear_cache"):
        mx.clear_cache()
    import mlx_lite

    mlx_lite.clear_cache()


def call_with_peak(fn: Callable[[], Any]) -> Tuple[Any, Optional[float]]:
    """``fn()`` and the growth of peak resident memory during it, in MiB."""
    _settle_memory()
    if _reset_peak() and _status_kib("VmRSS") is not None:
        before = _status_kib("VmRSS")
        result = fn()
        peak = _status_kib("VmHWM")
        return result, (peak - before) / 1024 if peak is not None and before is not None else None
    before_max = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = fn()
    return result, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before_max) / 1024


_MAIN_THREAD = str(os.getpid())


def _other_threads_running() -> bool:
    """Whether another thread of this process is on a CPU (Linux; False elsewhere)."""
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return False
    for task in tasks:
        if task == _MAIN_THREAD:
            continue
        try:
            with open(f"/proc/self/task/{task}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "R":
                    return True
        except (OSError, IndexError):
            continue
    return False


def quiesce(limit_s: float = 0.05) -> None:
    """Wait (up to ``limit_s``) until no other thread of the process runs.

    MLX's worker threads keep spinning for up to a few ms after ``mx.eval``
    returns; on a machine with few cores they would slow whichever peer runs
    next. Called between samples, never inside one."""
    deadline = time.perf_counter() + limit_s
    while _other_threads_running() and time.perf_counter() < deadline:
        time.sleep(2e-4)


def time_sample(fn: Callable[[], Any], number: int) -> float:
    """Seconds per call of ``fn``, over ``number`` calls. A single call's
    result is freed after the clock stops."""
    if number > 1:
        return timeit.Timer(fn).timeit(number) / number
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
    finally:
        if enabled:
            gc.enable()
    del result
    return elapsed


def loops_for(seconds: float, settings: Settings) -> int:
    """Calls per sample: 1 for long calls, else enough to fill ``sample_s``."""
    if seconds >= settings.single_call_s:
        return 1
    return min(10**6, math.ceil(settings.sample_s / max(seconds, 1e-7)))


def repetitions(numbers: Dict[str, int], single: Dict[str, float], settings: Settings) -> int:
    """As many repetitions as fit the budget, within the bounds of the case's kind."""
    per_rep = sum(numbers[p] * single[p] for p in numbers) or 1e-9
    small = any(n > 1 for n in numbers.values())
    low, high = ((settings.min_reps_small, settings.max_reps_small) if small
                 else (settings.min_reps, settings.max_reps))
    return max(low, min(high, int(settings.budget_s / per_rep)))


def interleaved(calls: Dict[str, Callable[[], Any]], numbers: Dict[str, int], reps: int) -> Dict[str, List[float]]:
    """Samples of every peer, round-robin, the order rotating each repetition."""
    order = list(calls)
    samples: Dict[str, List[float]] = {p: [] for p in order}
    for rep in range(reps):
        k = rep % len(order)
        for peer in order[k:] + order[:k]:
            quiesce()
            samples[peer].append(time_sample(calls[peer], numbers[peer]))
    return samples


# --------------------------------------------------------------------------- background load


def _system_busy_s() -> Optional[float]:
    """CPU-seconds all processes have run (steal included), from /proc/stat."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    busy = sum(fields[:8]) - idle  # user nice system idle iowait irq softirq steal
    return busy / os.sysconf("SC_CLK_TCK")


def _own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class LoadMonitor:
    """The share of the machine's CPUs used by *other* processes over a stretch
    of time: a benchmark run under background load is not to be trusted."""

    def __init__(self) -> None:
        self.wall, self.busy, self.own = time.perf_counter(), _system_busy_s(), _own_cpu_s()

    def background(self) -> Optional[float]:
        busy = _system_busy_s()
        wall = time.perf_counter() - self.wall
        if busy is None or self.busy is None or wall <= 0:
            return None
        others = (busy - self.busy) - (_own_cpu_s() - self.own)
        return max(0.0, others) / (wall * (os.cpu_count() or 1))


# --------------------------------------------------------------------------- one case


@dataclass
class Result:
    """The measurements of one case."""

    case: Case
    reps: int = 0
    numbers: Dict[str, int] = field(default_factory=dict)
    median_ms: Dict[str, float] = field(default_factory=dict)
    min_ms: Dict[str, float] = field(default_factory=dict)
    peak_mib: Dict[str, Optional[float]] = field(default_factory=dict)
    error: Dict[str, float] = field(default_factory=dict)
    failures: Dict[str, str] = field(default_factory=dict)
    background: Optional[float] = None

    def ratio(self, numerator: str, denominator: str) -> Optional[float]:
        a, b = self.median_ms.get(numerator), self.median_ms.get(denominator)
        return a / b if a is not None and b else None


def prepare_inputs(case: Case, x: np.ndarray, result: Result) -> Dict[str, Any]:
    inputs: Dict[str, Any] = {}
    for name, peer in case.peers.items():
        try:
            inputs[name] = peer.prepare(x)
        except Exception as error:  # noqa: BLE001 - a failing peer is reported, not fatal
            result.failures[name] = f"prepare: {type(error).__name__}: {error}"
    return inputs


def warm_up(case: Case, inputs: Dict[str, Any], result: Result) -> Dict[str, Callable[[], Any]]:
    """One untimed call per peer (measuring peak memory); the calls that worked."""
    calls: Dict[str, Callable[[], Any]] = {}
    for name, xin in inputs.items():
        run = case.peers[name].run
        call = (lambda run=run, xin=xin: run(xin))
        try:
            out, result.peak_mib[name] = call_with_peak(call)
            del out
            calls[name] = call
        except Exception as error:  # noqa: BLE001
            result.failures[name] = f"{type(error).__name__}: {error}"
    return calls


def measure_accuracy(case: Case, x: np.ndarray, inputs: Dict[str, Any], result: Result) -> None:
    """Max relative error of each checked peer against a wide reference (exact
    scans: against NumPy in the input's dtype)."""
    spec = case.spec
    dtype = np.dtype(spec.dtype)
    wide = dtype if spec.exact else reference_dtype(dtype)
    reference = numpy_scan(x.astype(wide), spec.op, spec.axis, spec.reverse, spec.inclusive)
    tiny = float(np.finfo(dtype).tiny) if dtype.kind == "f" else 1.0
    if spec.exact:
        reference = reference.astype(np.float64)
    for name, xin in inputs.items():
        peer = case.peers[name]
        if peer.full is None or name in result.failures:
            continue
        try:
            result.error[name] = max_relative_error(peer.full(xin), reference, tiny)
        except Exception as error:  # noqa: BLE001
            result.failures[name] = f"check: {type(error).__name__}: {error}"


def run_case(case: Case, settings: Settings, rng: np.random.Generator) -> Result:
    """Warm up, calibrate, time interleaved, check accuracy."""
    result = Result(case)
    load = LoadMonitor()
    x = case.make(rng)
    inputs = prepare_inputs(case, x, result)
    calls = warm_up(case, inputs, result)
    single = {}
    for name, call in calls.items():
        quiesce()
        single[name] = time_sample(call, 1)
    result.numbers = {name: loops_for(seconds, settings) for name, seconds in single.items()}
    result.reps = repetitions(result.numbers, single, settings)
    samples = interleaved(calls, result.numbers, result.reps)
    result.median_ms = {p: float(np.median(s)) * 1e3 for p, s in samples.items()}
    result.min_ms = {p: float(np.min(s)) * 1e3 for p, s in samples.items()}
    measure_accuracy(case, x, inputs, result)
    result.background = load.background()
    return result


# --------------------------------------------------------------------------- table


COLUMNS: Tuple[Tuple[str, int], ...] = (
    ("case", 44), ("mlx_lite ms", 17), ("numpy ms", 17), ("mlx ms", 17), ("copy ms", 9),
    ("lite/copy", 9), ("x numpy", 8), ("x mlx", 8), ("reps", 5), ("peak MiB lite/np/mlx", 20),
    ("bg%", 4),
)


def _fmt_ms(ms: Optional[float]) -> str:
    if ms is None:
        return "n/a"
    return f"{ms:.3g}" if ms < 100 else f"{ms:.0f}"


def _fmt_ratio(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _time_cell(result: Result, peer: str) -> str:
    if peer in result.failures and peer not in result.median_ms:
        return "error"
    cell = _fmt_ms(result.median_ms.get(peer))
    if peer == "numpy" and result.case.note:
        cell += "*"
    error = result.error.get(peer)
    if error is not None and not result.case.spec.exact:
        cell += f" [{error:.1e}]"
    elif error is not None and error != 0:
        cell += " [MISMATCH]"
    return cell


def _peak_cell(result: Result) -> str:
    values = [result.peak_mib.get(p) for p in ("mlx_lite", "numpy", "mlx")]
    return "/".join("-" if v is None else f"{v:.0f}" for v in values)


def row_cells(result: Result) -> List[str]:
    return [
        result.case.name,
        *(_time_cell(result, p) for p in ("mlx_lite", "numpy", "mlx")),
        _fmt_ms(result.median_ms.get("copy")),
        _fmt_ratio(result.ratio("mlx_lite", "copy")),
        _fmt_ratio(result.ratio("numpy", "mlx_lite")),
        _fmt_ratio(result.ratio("mlx", "mlx_lite")),
        str(result.reps),
        _peak_cell(result),
        "?" if result.background is None else f"{100 * result.background:.0f}",
    ]


def format_row(cells: Sequence[str]) -> str:
    first, *rest = zip(cells, (w for _, w in COLUMNS))
    return f"{first[0]:<{first[1]}}" + "".join(f" {c:>{w}}" for c, w in rest)


def print_header() -> None:
    line = format_row([name for name, _ in COLUMNS])
    print(line)
    print("-" * len(line))


def print_legend() -> None:
    print()
    print("Times are medians in ms. [e] = max relative error vs a float64 reference "
          "(long double for float64 input).")
    print("lite/copy = mlx_lite time / copy time (1.0 = as fast as copying the input); "
          "x numpy, x mlx = speed-up of mlx_lite.")
    print("* numpy has no exclusive scan: the inclusive call is timed. "
          "peak MiB = peak resident-memory growth of one call (caches emptied first).")
    print("mlx_lite and MLX reuse freed results' memory (their caches); NumPy and the copy take new "
          "memory each call (--cache-limit 0: mlx_lite too).")
    print("bg% = CPU share used by other processes (and the hypervisor) while the case ran; "
          "timings with a high bg% are unreliable.")


# --------------------------------------------------------------------------- warnings


def warnings_for(result: Result) -> List[str]:
    """Anything in a result that looks wrong or worth a second look."""
    name, found = result.case.name, []
    for peer, message in result.failures.items():
        found.append(f"{name}: {peer} failed: {message}")
    for peer in ("numpy", "mlx"):
        speedup = result.ratio(peer, "mlx_lite")
        if speedup is not None and speedup < 1:
            found.append(f"{name}: mlx_lite is slower than {peer} ({1 / speedup:.2f}x its time)")
    for peer, error in result.error.items():
        if result.case.spec.exact and error != 0:
            found.append(f"{name}: {peer} result differs from NumPy's (max rel. diff {error:.2g})")
    if result.background is not None and result.background > BUSY_MACHINE:
        found.append(f"{name}: other processes used {100 * result.background:.0f}% of the CPUs meanwhile")
    lite, others = result.error.get("mlx_lite"), [result.error.get(p) for p in ("numpy", "mlx")]
    known = [e for e in others if e is not None]
    if lite is not None and not result.case.spec.exact and known and lite > 10 * min(known) + 1e-12:
        found.append(f"{name}: mlx_lite is less accurate ({lite:.2g}) than a peer ({min(known):.2g})")
    return found


# --------------------------------------------------------------------------- machine, JSON, plot


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def native_build() -> str:
    """Which build of the native core is loaded: "baseline" or "haswell"."""
    from . import _native

    return str(_native.core.cpu_target)


def machine() -> Dict[str, Any]:
    """A description of where the benchmark ran."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "mlx": getattr(mx, "__version__", None) if mx is not None else None,
        "mlx_lite": ml.__version__,
        "mlx_lite_build": native_build(),
        "MLX_LITE_NUM_THREADS": os.environ.get("MLX_LITE_NUM_THREADS"),
        "mlx_lite_cache_limit": _cache_limit(),
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def result_record(result: Result) -> Dict[str, Any]:
    """One table row as a flat JSON-ready dict."""
    spec = result.case.spec
    record: Dict[str, Any] = {
        "case": spec.name, "group": spec.group, "op": spec.op, "shape": list(spec.shape),
        "dtype": spec.dtype, "axis": spec.axis, "reverse": spec.reverse,
        "inclusive": spec.inclusive, "layout": spec.layout, "reps": result.reps,
        "ratio_mlx_lite_copy": result.ratio("mlx_lite", "copy"),
        "speedup_vs_numpy": result.ratio("numpy", "mlx_lite"),
        "speedup_vs_mlx": result.ratio("mlx", "mlx_lite"),
        "note": result.case.note or None,
        "background_cpu_share": result.background,
    }
    for peer in PEERS:
        record[f"{peer}_ms"] = result.median_ms.get(peer)
        record[f"{peer}_min_ms"] = result.min_ms.get(peer)
        record[f"{peer}_loops"] = result.numbers.get(peer)
        record[f"{peer}_peak_mib"] = result.peak_mib.get(peer)
        record[f"{peer}_max_rel_error"] = result.error.get(peer)
        record[f"{peer}_failure"] = result.failures.get(peer)
    return record


def write_json(path: str, results: Iterable[Result], header: Dict[str, Any]) -> None:
    with open(path, "w") as out:
        json.dump({"header": header, "results": [result_record(r) for r in results]}, out, indent=2)
        out.write("\n")


def write_plot(path: str, results: Dict[str, Result], info: Dict[str, Any]) -> None:
    """Time against size, log-log, for the float32 1-D cumsum sweep."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sweep = [results[s.name] for s in sweep_table() if s.name in results]
    fig, ax = plt.subplots(figsize=(8, 5.5))
    for peer in PEERS:
        points = [(r.case.spec.shape[0], r.median_ms[peer]) for r in sweep if peer in r.median_ms]
        if not points:
            continue
        sizes, times = zip(*points)
        style = {"linestyle": "--", "color": "gray", "label": "copy (floor)"} if peer == "copy" else {"label": peer}
        ax.plot(sizes, times, marker="o", **style)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("elements (float32, 1-D)")
    ax.set_ylabel("median time per call (ms)")
    ax.set_title(f"cumsum, float32 1-D\n{info['cpu']}, {info['usable_cores']} cores, "
                 f"numpy {info['numpy']}, mlx {info['mlx']}, mlx_lite {info['mlx_lite']} ({info['mlx_lite_build']} build)", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


# --------------------------------------------------------------------------- demo


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


# --------------------------------------------------------------------------- Dask (--dask)


DASK_N, DASK_CHUNK = 2 * 10**8, 10**7


def dask_row(seed: int, reps: int = 5) -> Optional[Dict[str, Any]]:
    """The opt-in Dask row: a 2*10^8-element float32 cumsum through Dask,
    ``mlx_lite.dask.cumsum`` against ``dask.array.cumsum``; None without Dask.

    Fairness: both peers scan the same input, 20 chunks of 10^7 uniform [0, 1)
    floats generated once and persisted in memory (800 MB, untimed), so that
    neither timing includes generating data. Both run on Dask's threaded
    scheduler with the same graph shape (Dask's default "sequential" method:
    scan each chunk, carry the running total, add it). The timed call is
    ``scan(x).sum().compute()``: every output chunk is computed and reduced,
    and none is kept, so no 800 MB result has to be held or stored, and the
    reduction costs both peers the same. ``x.sum().compute()`` (reading the
    input once) is the floor. Peak MiB is the resident-memory growth of the
    untimed warm-up call; the error is the largest relative error of every
    10^4-th output against a float64 running sum.
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
        samples = interleaved(calls, {name: 1 for name in calls}, reps)
        step, reference, carry = 10**4, [], 0.0
        for block in x.to_delayed():
            running = np.cumsum(block.compute(), dtype=np.float64) + carry
            reference.append(running[::step])
            carry = float(running[-1])
        wanted = np.concatenate(reference)
        error = {name: max_relative_error(scan(x)[::step].compute(), wanted, 1e-30) for name, scan in scans.items()}
    del x
    _settle_memory()
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


# --------------------------------------------------------------------------- main


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m mlx_lite.bench",
        description="Benchmark mlx_lite's scans against NumPy, MLX and a plain copy.")
    parser.add_argument("--quick", action="store_true", help="a small subset with few repetitions (CI smoke test)")
    parser.add_argument("--json", metavar="PATH", help="write the results as JSON")
    parser.add_argument("--plot", metavar="PATH", help="write a log-log PNG of time vs size (float32 1-D cumsum)")
    parser.add_argument("--cases", metavar="REGEX", help="run only cases whose name or group matches")
    parser.add_argument("--threads", type=int, metavar="N", help="set MLX_LITE_NUM_THREADS")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the inputs")
    parser.add_argument("--cache-limit", type=int, metavar="BYTES",
                        help="mlx_lite.set_cache_limit(BYTES) first (0: every result in new memory)")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo")
    parser.add_argument("--dask", action="store_true",
                        help="add the Dask row (2*10^8 float32, needs dask[array] and ~2 GB); "
                             "--dask --cases dask runs it alone")
    return parser.parse_args(argv)


def _cache_limit() -> int:
    """The result cache's limit in bytes (read by setting it to itself)."""
    import mlx_lite

    limit = mlx_lite.set_cache_limit(0)
    mlx_lite.set_cache_limit(limit)
    return limit


def print_machine(info: Dict[str, Any]) -> None:
    threads = info["MLX_LITE_NUM_THREADS"] or f"default ({info['usable_cores']})"
    limit = info["mlx_lite_cache_limit"]
    cache = f"limit {limit / 2**30:.1f} GiB" if limit else "off"
    print(f"Machine: {info['cpu']}, {info['cores']} cores ({info['usable_cores']} usable); "
          f"numpy {info['numpy']}, mlx {info['mlx'] or 'not available'}, mlx_lite {info['mlx_lite']} ({info['mlx_lite_build']} build); "
          f"mlx_lite threads: {threads}; mlx_lite result cache: {cache}")
    print()


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    if args.threads is not None:
        os.environ["MLX_LITE_NUM_THREADS"] = str(args.threads)
    if args.cache_limit is not None:
        import mlx_lite

        mlx_lite.set_cache_limit(args.cache_limit)
    settings = QUICK if args.quick else DEFAULT
    specs = select_specs(args.quick, args.cases, bool(args.plot))
    if not specs and not args.dask:
        print(f"No case matches {args.cases!r}.", file=sys.stderr)
        return 2
    info = machine()
    if not args.no_demo:
        demo()
    print_machine(info)
    rng = np.random.default_rng(args.seed)
    run_load = LoadMonitor()
    results: Dict[str, Result] = {}
    started = time.perf_counter()
    if specs:
        print_header()
    for spec in specs:
        result = run_case(build_case(spec), settings, rng)
        results[spec.name] = result
        print(format_row(row_cells(result)), flush=True)
        _settle_memory()
    if specs:
        print_legend()
    dask_result = dask_row(args.seed) if args.dask else None
    found = [w for r in results.values() for w in warnings_for(r)]
    print()
    print("Worth a look:" if found else "Nothing looked wrong.")
    for line in found:
        print("  - " + line)
    background = run_load.background()
    print(f"\n{len(results)} cases in {time.perf_counter() - started:.0f} s; other processes used "
          f"{'?' if background is None else f'{100 * background:.0f}%'} of the CPUs meanwhile.")
    header = dict(info, quick=args.quick, cases=args.cases, seed=args.seed, background_cpu_share=background,
                  settings=asdict(settings), numpy_note="np.cumsum/np.cumprod called with dtype=input dtype",
                  dask=dask_result)
    if args.json:
        write_json(args.json, results.values(), header)
        print(f"Wrote {args.json}")
    if args.plot:
        write_plot(args.plot, results, info)
        print(f"Wrote {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
