"""Measuring one case: every peer in both regimes, interleaved, medians.

mlx_lite is timed twice per round: with its result cache (primed by an untimed
call after the cache was off) and after ``set_cache_limit(0)``; MLX likewise
with and without its buffer cache. Floors, NumPy and MLX take turns with them
in one round-robin whose order rotates every round. Slow peers (NumPy, MLX)
join every k-th round only, so the budget goes to the ratios that matter.
Before every sample the process waits until no other thread of it runs (MLX's
workers spin for a few ms after ``mx.eval``).
"""

from __future__ import annotations

import gc
import math
import os
import resource
import time
import timeit
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

from .cases import Case
from .peers import FLOORS, LITE_CACHE, SWITCHES, Peer, Unsupported, mx, regimes


@dataclass(frozen=True)
class Settings:
    """How long to measure one case."""

    budget_s: float = 1.5        # timed rounds of mlx_lite and the floors, both regimes
    others_s: float = 1.2        # timed samples of each other peer (NumPy, MLX, ...)
    min_reps: int = 9            # large cases: one call per sample
    max_reps: int = 25
    min_reps_small: int = 21     # small cases: many calls per sample
    max_reps_small: int = 51
    min_reps_others: int = 3
    sample_s: float = 2e-3       # a small case's sample lasts at least this long
    single_call_s: float = 1e-3  # calls at least this long are timed one by one


DEFAULT = Settings()
QUICK = Settings(budget_s=0.4, others_s=0.25, min_reps=5, max_reps=9, min_reps_small=9,
                 max_reps_small=21, min_reps_others=2, sample_s=1e-3)
SMOKE = Settings(budget_s=0.0, others_s=0.0, min_reps=2, max_reps=2, min_reps_small=2,
                 max_reps_small=2, min_reps_others=1, sample_s=2e-4)


@dataclass
class PeerStats:
    """What was measured of one peer in one case."""

    name: str
    role: str
    regime: str
    note: str = ""
    median_ms: Optional[float] = None
    min_ms: Optional[float] = None
    reps: int = 0
    loops: int = 0
    faults: Optional[float] = None     # minor page faults per call (median), all threads
    peak_mib: Optional[float] = None   # peak resident-memory growth of the warm-up call
    error: Optional[float] = None      # max relative error (exact cases: share of elements that differ)
    failure: Optional[str] = None      # "unsupported: ..." when the peer cannot do the case

    @property
    def failed(self) -> bool:
        return self.failure is not None and not self.failure.startswith("unsupported")


@dataclass
class Result:
    """One case's measurements, and the ratios the report shows."""

    case: Case
    peers: Dict[str, PeerStats] = field(default_factory=dict)
    background: Optional[float] = None
    seconds: float = 0.0
    result_bytes: int = 0

    def ms(self, name: str) -> Optional[float]:
        stats = self.peers.get(name)
        return stats.median_ms if stats is not None else None

    def lite(self, regime: str) -> Optional[float]:
        return self.ms("mlx_lite" if regime == "cached" else "mlx_lite uncached")

    def floor(self, regime: str) -> Optional[float]:
        return self.ms("floor" if regime == "cached" else "floor uncached")

    def ratio(self, regime: str) -> Optional[float]:
        """mlx_lite's time over its floor's, in one regime."""
        return _divide(self.lite(regime), self.floor(regime))

    def bar_ratio(self, regime: str) -> Optional[float]:
        """The ratio the case's bar applies to (against a peer for 16 elements)."""
        if self.case.bar_peer is None:
            return self.ratio(regime)
        return _divide(self.lite(regime), self.ms(self.case.bar_peer))

    def above_bar(self, regime: str) -> bool:
        value = self.bar_ratio(regime)
        return self.case.bar is not None and value is not None and value > self.case.bar

    def speedup(self, name: str) -> Optional[float]:
        """A peer's time over mlx_lite's in the regime it is compared with
        (NumPy, like the uncached regime, takes new memory every call)."""
        stats = self.peers.get(name)
        return None if stats is None else _divide(stats.median_ms, self.lite(stats.regime))

    def faster_peers(self) -> List[str]:
        return [name for name, stats in self.peers.items()
                if stats.role == "peer" and (self.speedup(name) or 2.0) < 1.0]


def _divide(a: Optional[float], b: Optional[float]) -> Optional[float]:
    return a / b if a is not None and b else None


# --------------------------------------------------------------------------- memory and threads


def fresh_pages() -> bool:
    """Make glibc's malloc take every block of 1 MiB or more from the kernel
    (mmap) and give it back on free: the uncached regime's new arrays then
    take fresh pages on both sides, as the regime means. By default glibc
    raises its mmap threshold after the first free, up to 32 MiB, and smaller
    arrays reuse freed heap memory without page faults. Call it first: blocks
    already on the heap stay there. False where it cannot be set."""
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3
    return bool(mallopt(m_mmap_threshold, 1 << 20)) and bool(mallopt(m_trim_threshold, 1 << 20))


def settle_memory() -> None:
    """Collect garbage and empty mlx_lite's and MLX's caches."""
    gc.collect()
    for switch in SWITCHES:
        switch.cleared()


def _status_kib(key: str) -> Optional[int]:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def call_with_peak(fn: Callable[[], Any]) -> Tuple[Any, Optional[float], float]:
    """``fn()`` (caches emptied first), the growth of peak resident memory
    during it (MiB), and its duration (seconds)."""
    settle_memory()
    try:
        with open("/proc/self/clear_refs", "w") as refs:  # resets VmHWM (Linux >= 4.0)
            refs.write("5")
        before = _status_kib("VmRSS")
    except OSError:
        before = None
    low = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - start
    if before is None:
        return out, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - low) / 1024, seconds
    peak = _status_kib("VmHWM")
    return out, None if peak is None else (peak - before) / 1024, seconds


_MAIN_THREAD = str(os.getpid())


def _other_threads_running() -> bool:
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
    """Wait (up to ``limit_s``) until no other thread of the process runs."""
    deadline = time.perf_counter() + limit_s
    while _other_threads_running() and time.perf_counter() < deadline:
        time.sleep(2e-4)


def time_sample(fn: Callable[[], Any], number: int) -> Tuple[float, float]:
    """Seconds and minor page faults per call of ``fn``, over ``number`` calls.
    A single call's result is freed after the clock stops."""
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    if number > 1:
        seconds = timeit.Timer(fn).timeit(number) / number
    else:
        enabled = gc.isenabled()
        gc.disable()
        try:
            start = time.perf_counter()
            out = fn()
            seconds = time.perf_counter() - start
        finally:
            if enabled:
                gc.enable()
        del out
    return seconds, (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / number


# --------------------------------------------------------------------------- background load


def _system_busy_s() -> Optional[float]:
    """CPU-seconds all processes have run (steal included), from /proc/stat."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class LoadMonitor:
    """The share of the machine's CPUs used by other processes since it was made."""

    def __init__(self) -> None:
        self.wall, self.busy, self.own = time.perf_counter(), _system_busy_s(), _own_cpu_s()

    def background(self) -> Optional[float]:
        busy, wall = _system_busy_s(), time.perf_counter() - self.wall
        if busy is None or self.busy is None or wall <= 0:
            return None
        others = (busy - self.busy) - (_own_cpu_s() - self.own)
        return max(0.0, others) / (wall * (os.cpu_count() or 1))


# --------------------------------------------------------------------------- accuracy


def _tiny(dtype: np.dtype) -> float:
    if dtype.kind not in "fc":
        return 1.0
    try:
        return float(np.finfo(dtype).tiny)
    except ValueError:  # bfloat16
        import ml_dtypes

        return float(ml_dtypes.finfo(dtype).tiny)


def discrepancy(got: np.ndarray, reference: np.ndarray, exact: bool) -> float:
    """Exact: the share of elements that differ. Otherwise the largest
    |got - reference| / max(|reference|, tiny), equal elements counting 0."""
    if got.shape != reference.shape:
        return math.inf
    if exact:
        return float(np.mean(got != reference)) if got.size else 0.0
    wide = got.astype(reference.dtype)
    with np.errstate(invalid="ignore", over="ignore"):
        error = np.abs(wide - reference) / np.maximum(np.abs(reference), _tiny(got.dtype))
        error = np.where(wide == reference, 0.0, error)
    return float(np.nanmax(error)) if error.size else 0.0


# --------------------------------------------------------------------------- one case


def _reps(total_s: float, budget: float, low: int, high: int) -> int:
    return max(low, min(high, int(budget / max(total_s, 1e-9))))


def run_case(case: Case, settings: Settings, rng: np.random.Generator) -> Result:
    """Prepare, warm up (checking accuracy), calibrate, time interleaved."""
    started, load = time.perf_counter(), LoadMonitor()
    result = Result(case)
    try:
        _measure(case, settings, rng, result)
    finally:
        for switch in SWITCHES:
            switch.restore()
        settle_memory()
    result.background = load.background()
    result.seconds = time.perf_counter() - started
    return result


def _measure(case: Case, settings: Settings, rng: np.random.Generator, result: Result) -> None:
    inputs = case.inputs(rng)
    template = case.lite.run(case.lite.prepare(inputs))  # the result: the floors' shape and dtype
    result.result_bytes = int(template.nbytes)
    peers: List[Peer] = [*regimes(replace(case.lite, name="mlx_lite", role="lite"), LITE_CACHE, "mlx_lite uncached"),
                         *FLOORS[case.floor](inputs, template), *case.peers]
    del template
    prepared: Dict[int, Any] = {}
    args: Dict[str, Any] = {}
    for peer in peers:
        stats = result.peers[peer.name] = PeerStats(peer.name, peer.role, peer.regime, peer.note)
        try:
            key = id(peer.prepare)
            if key not in prepared:
                prepared[key] = peer.prepare(inputs)
            args[peer.name] = prepared[key]
        except Unsupported as error:
            stats.failure = f"unsupported: {error}"
        except Exception as error:  # noqa: BLE001 - a peer that cannot run is reported
            stats.failure = f"prepare: {type(error).__name__}: {error}"
    del prepared
    live = {p.name: p for p in peers if p.name in args}
    calls = {name: (lambda run=p.run, arg=args[name]: run(arg)) for name, p in live.items()}
    reference = case.reference(inputs) if case.reference is not None else None
    single: Dict[str, float] = {}
    for name, peer in list(live.items()):  # warm-up: peak memory, accuracy, a first time
        stats = result.peers[name]
        try:
            peer.before(args[name])
            out, stats.peak_mib, seconds = call_with_peak(calls[name])
        except Exception as error:  # noqa: BLE001
            stats.failure = f"{type(error).__name__}: {error}"
            del live[name]
            continue
        if reference is not None and peer.check is not None:
            try:
                stats.error = discrepancy(np.asarray(peer.check(out)), reference, case.exact)
            except Exception as error:  # noqa: BLE001
                stats.failure = f"check: {type(error).__name__}: {error}"
        del out
        if seconds < 0.2:  # the warm-up paid first-touch costs: time one more call
            peer.before(args[name])
            quiesce()
            seconds = time_sample(calls[name], 1)[0]
        single[name] = seconds
    del reference
    numbers = {name: (1 if s >= settings.single_call_s else
                      min(10**6, math.ceil(settings.sample_s / max(s, 1e-7)))) for name, s in single.items()}
    core = [n for n, p in live.items() if p.role in ("lite", "floor")]
    small = any(numbers[n] > 1 for n in core)
    low, high = ((settings.min_reps_small, settings.max_reps_small) if small
                 else (settings.min_reps, settings.max_reps))
    per_round = sum(numbers[n] * single[n] for n in core)
    if per_round * low > 4 * settings.budget_s:  # slow scans (logcumsumexp): fewer, at least 3
        low = max(3, min(low, int(4 * settings.budget_s / per_round)))
    reps = _reps(per_round, settings.budget_s, low, high)
    stride: Dict[str, int] = {}
    for name in live:
        own = reps if name in core else _reps(numbers[name] * single[name], settings.others_s,
                                               settings.min_reps_others, reps)
        stride[name] = max(1, math.ceil(reps / own))
    samples: Dict[str, List[Tuple[float, float]]] = {name: [] for name in live}
    order = list(live)
    for rep in range(reps):
        k = rep % len(order) if order else 0
        for name in order[k:] + order[:k]:
            if rep % stride[name] or name not in live:
                continue
            try:
                live[name].before(args[name])
                quiesce()
                samples[name].append(time_sample(calls[name], numbers[name]))
            except Exception as error:  # noqa: BLE001
                result.peers[name].failure = f"{type(error).__name__}: {error}"
                del live[name]
    for switch in SWITCHES:
        switch.restore()
    for name, taken in samples.items():
        if not taken:
            continue
        stats = result.peers[name]
        seconds = np.array([s for s, _ in taken])
        stats.median_ms, stats.min_ms = float(np.median(seconds)) * 1e3, float(seconds.min()) * 1e3
        stats.reps, stats.loops = len(taken), numbers[name]
        stats.faults = float(np.median([f for _, f in taken]))


def mlx_cache_limit() -> Optional[int]:
    from .peers import MLX_CACHE

    return MLX_CACHE.limit() if MLX_CACHE is not None and mx is not None else None
