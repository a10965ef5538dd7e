"""Peers: named callables with an untimed preparation, and the fair floors.

A :class:`Peer` is anything timed beside mlx_lite: ``prepare(inputs)`` runs once
per case, untimed, and returns the argument of ``run``, the timed call (peers
sharing one ``prepare`` function share its argument). ``before(arg)`` runs
untimed before every sample (the regimes switch caches there). ``check(out)``
turns the output of one ``run`` into the case's full result as a NumPy array,
for the accuracy check (None: not checked).

Every ratio is against a floor of the same regime (issue 11):

* cached: ``np.copyto(buf, x, casting='unsafe')`` into a touched ``buf`` of the
  result's shape, layout and dtype, against mlx_lite with its result cache:
  neither pays page faults;
* uncached: ``x.astype(result_dtype, order='K')``, a fresh array holding the
  result's bytes, against mlx_lite after ``set_cache_limit(0)``: both take
  fresh pages;
* two inputs: ``np.multiply(a, b, out=buf)`` and ``np.multiply(a, b)``.

A new kind of floor is one entry of :data:`FLOORS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Dict, Optional, Tuple

import numpy as np

import mlx_lite as ml

try:
    import mlx.core as mx
except Exception:  # noqa: BLE001 - any failure to import MLX just drops its peers
    mx = None

Inputs = Tuple[np.ndarray, ...]


class Unsupported(Exception):
    """Raised by a peer's preparation when the peer cannot do the case at all
    (MLX has no complex128): shown as n/a, not as a failure."""


def _first(inputs: Inputs) -> Any:
    return inputs[0]


def _nothing(arg: Any) -> None:
    return None


@dataclass(frozen=True)
class Peer:
    """One contender of a case (see the module's docstring)."""

    name: str
    run: Callable[[Any], Any]
    prepare: Callable[[Inputs], Any] = _first
    check: Optional[Callable[[Any], np.ndarray]] = None
    before: Callable[[Any], None] = _nothing
    regime: str = "uncached"   # the mlx_lite regime it is compared with: "cached" or "uncached"
    role: str = "peer"         # "lite", "floor" or "peer"
    note: str = ""             # shown in the legend; "inclusive timed" marks the time with "*"
    extra: Dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- the cache regimes


class CacheSwitch:
    """A library's result cache, turned off and on between samples.

    ``generation`` changes whenever the cache is emptied: a cached peer whose
    last priming call is older primes again (one untimed call, whose result
    goes back to the cache), so that its timed call finds memory to reuse."""

    def __init__(self, set_limit: Callable[[int], int], clear: Callable[[], None]) -> None:
        self._set, self._clear = set_limit, clear
        self.saved: Optional[int] = None
        self.generation = 0

    @property
    def off(self) -> bool:
        return self.saved is not None

    def turn_off(self) -> None:
        if self.saved is None:
            self.saved = self._set(0)
            self._clear()
            self.generation += 1

    def restore(self) -> None:
        if self.saved is not None:
            self._set(self.saved)
            self.saved = None

    def cleared(self) -> None:
        self._clear()
        self.generation += 1

    def limit(self) -> int:
        """The limit in force when the cache is on."""
        if self.saved is not None:
            return self.saved
        value = self._set(0)
        self._set(value)
        self.generation += 1
        return value


LITE_CACHE = CacheSwitch(ml.set_cache_limit, ml.clear_cache)
MLX_CACHE = (CacheSwitch(mx.set_cache_limit, mx.clear_cache)
             if mx is not None and hasattr(mx, "set_cache_limit") else None)
SWITCHES = tuple(s for s in (LITE_CACHE, MLX_CACHE) if s is not None)


def regimes(peer: Peer, switch: Optional[CacheSwitch], uncached_name: str) -> Tuple[Peer, ...]:
    """``peer`` twice: with ``switch``'s cache on (primed) and off."""
    if switch is None:
        return (peer,)
    primed = [-1]

    def cached(arg: Any) -> None:
        switch.restore()
        peer.before(arg)
        if primed[0] != switch.generation:
            out = peer.run(arg)
            del out
            primed[0] = switch.generation

    def uncached(arg: Any) -> None:
        switch.turn_off()
        peer.before(arg)

    return (replace(peer, before=cached, regime="cached"),
            replace(peer, name=uncached_name, before=uncached, regime="uncached", check=None))


# --------------------------------------------------------------------------- floors


def _matching(x: np.ndarray, template: np.ndarray) -> np.ndarray:
    """``x`` in the shape of the result (axis=None flattens; untimed)."""
    return x if x.shape == template.shape else x.reshape(template.shape)


def copy_floors(inputs: Inputs, template: np.ndarray) -> Tuple[Peer, Peer]:
    """One read and one write of every element: copy into the result's layout."""
    x = inputs[0]
    dtype = template.dtype
    if x.size == template.size:
        buf = np.empty_like(template)
        source = _matching(x, template)
    else:  # a result of another size (include_initial=): the input's size instead
        buf = np.empty_like(x, dtype=dtype)
        source = x

    def cached(arg: Tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        np.copyto(arg[0], arg[1], casting="unsafe")
        return arg[0]

    def uncached(x: np.ndarray) -> np.ndarray:
        return x.astype(dtype, order="K")

    return (Peer("floor", cached, prepare=lambda _: (buf, source), regime="cached", role="floor",
                 note="np.copyto(buf, x) into a touched buffer of the result's layout and dtype"),
            Peer("floor uncached", uncached, regime="uncached", role="floor",
                 note=f"x.astype({dtype.name}, order='K'): a fresh array"))


def multiply_floors(inputs: Inputs, template: np.ndarray) -> Tuple[Peer, Peer]:
    """Two reads and one write: the floor of a scan over two inputs."""
    a, b = inputs[0], inputs[1]
    buf = np.empty_like(template)
    dtype = template.dtype

    def cached(arg: Tuple[np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
        return np.multiply(arg[0], arg[1], out=arg[2], casting="unsafe")

    def uncached(arg: Tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        return np.multiply(arg[0], arg[1], dtype=dtype, casting="unsafe")

    return (Peer("floor", cached, prepare=lambda _: (a, b, buf), regime="cached", role="floor",
                 note="np.multiply(a, b, out=buf) into a touched buffer"),
            Peer("floor uncached", uncached, prepare=lambda _: (a, b), regime="uncached",
                 role="floor", note="np.multiply(a, b): a fresh array"))


FLOORS: Dict[str, Callable[[Inputs, np.ndarray], Tuple[Peer, Peer]]] = {
    "copy": copy_floors,
    "multiply": multiply_floors,
}


# --------------------------------------------------------------------------- NumPy


IDENTITY: Dict[str, Callable[[np.dtype], Any]] = {
    "cumsum": lambda dtype: 0,
    "cumprod": lambda dtype: 1,
    "cummax": lambda dtype: (-np.inf if dtype.kind in "fcV" else False if dtype.kind == "b"
                             else np.iinfo(dtype).min),
    "cummin": lambda dtype: (np.inf if dtype.kind in "fcV" else True if dtype.kind == "b"
                             else np.iinfo(dtype).max),
    "logcumsumexp": lambda dtype: -np.inf,
}


def _accumulate(op: str, a: np.ndarray, axis: int, dtype: np.dtype) -> np.ndarray:
    if op == "cumsum":
        return np.cumsum(a, axis, dtype=dtype)
    if op == "cumprod":
        return np.cumprod(a, axis, dtype=dtype)
    ufunc = {"cummax": np.maximum, "cummin": np.minimum, "logcumsumexp": np.logaddexp}[op]
    return ufunc.accumulate(a, axis)


def to_exclusive(out: np.ndarray, op: str, axis: Optional[int], reverse: bool) -> np.ndarray:
    """An inclusive scan's result shifted by one along ``axis``, the identity first
    (last when reversed): the exclusive scan."""
    axis = 0 if axis is None else axis
    shifted = np.empty_like(out)
    edge, body, rest = ([slice(None)] * out.ndim for _ in range(3))
    edge[axis] = slice(-1, None) if reverse else slice(0, 1)
    body[axis], rest[axis] = (slice(None, -1), slice(1, None)) if reverse else (slice(1, None), slice(None, -1))
    shifted[tuple(edge)] = IDENTITY[op](out.dtype)
    shifted[tuple(body)] = out[tuple(rest)]
    return shifted


def numpy_scan(a: np.ndarray, op: str, axis: Optional[int], reverse: bool, inclusive: bool,
               dtype: Optional[np.dtype] = None) -> np.ndarray:
    """NumPy's equivalent of ``mlx_lite.<op>(a, axis, reverse=, inclusive=)``
    (``dtype``: the result dtype; MLX's rules, e.g. bool -> int32 for cumsum)."""
    if axis is None:
        a, axis = a.reshape(-1), 0
    dtype = a.dtype if dtype is None else np.dtype(dtype)
    out = _accumulate(op, np.flip(a, axis) if reverse else a, axis, dtype)
    out = np.flip(out, axis) if reverse else out
    return out if inclusive else to_exclusive(out, op, axis, reverse)


def numpy_peer(op: str, axis: Optional[int], reverse: bool, inclusive: bool, dtype: np.dtype) -> Peer:
    """NumPy's call: ``np.cumsum``/``np.cumprod`` with ``dtype=`` the result's,
    ``np.maximum``/``np.minimum``/``np.logaddexp.accumulate``; reverse through
    flipped views; exclusive scans time the inclusive call (NumPy has none)."""
    def check(out: np.ndarray) -> np.ndarray:
        return out if inclusive else to_exclusive(out, op, axis, reverse)

    return Peer("numpy", lambda x: numpy_scan(x, op, axis, reverse, True, dtype), check=check,
                note="" if inclusive else "inclusive timed")


# --------------------------------------------------------------------------- MLX


def mlx_input(x: np.ndarray, layout: str) -> Any:
    """An evaluated ``mx.array`` holding ``x`` in the same layout where MLX can
    (a transposed, strided, reversed or broadcast MLX view)."""
    name = x.dtype.name
    if not hasattr(mx, "bool_" if name == "bool" else name):
        raise Unsupported(f"MLX has no {name}")
    dtype = getattr(mx, "bool_" if name == "bool" else name)  # explicit: mx.array() makes float64 float32
    source = x.astype(np.float32) if name == "bfloat16" else x

    def dense(a: np.ndarray) -> Any:
        return mx.array(np.ascontiguousarray(a), dtype=dtype)

    if layout == "F":
        out = dense(source.T).T
    elif layout == "strided":
        twice = np.zeros((2 * x.shape[0],) + x.shape[1:], source.dtype)
        twice[::2] = source
        out = dense(twice)[::2]
    elif layout == "reversed":
        out = dense(source[::-1])[::-1]
    elif layout == "broadcast":
        out = mx.broadcast_to(dense(source[0]), x.shape)
    else:
        out = dense(source)
    mx.eval(out)
    return out


def mlx_numpy(result: Any) -> np.ndarray:
    if result.dtype == mx.bfloat16:
        import ml_dtypes

        return np.array(result.astype(mx.float32)).astype(ml_dtypes.bfloat16)
    return np.array(result)


def mlx_peers(op: str, axis: Optional[int], reverse: bool, inclusive: bool, layout: str) -> Tuple[Peer, ...]:
    """MLX's scan on ``stream=mx.cpu`` followed by ``mx.eval``, on an
    ``mx.array`` prepared outside the timed region; with MLX's buffer cache
    (its default limit) and without (limit 0)."""
    if mx is None:
        return ()
    scan = getattr(mx, op)

    def run(xm: Any) -> Any:
        out = scan(xm, axis=axis, reverse=reverse, inclusive=inclusive, stream=mx.cpu)
        mx.eval(out)
        return out

    peer = Peer("mlx", run, prepare=lambda inputs: mlx_input(inputs[0], layout),
                check=mlx_numpy)
    return regimes(peer, MLX_CACHE, "mlx uncached")
