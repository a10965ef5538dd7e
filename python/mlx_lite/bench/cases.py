"""The cases: the shapes users have, every dtype, every scan, flags and sizes.

A :class:`Case` is its inputs (made untimed), mlx_lite's call as a
:class:`~.peers.Peer` (timed in both cache regimes), the kind of floor, the
other peers, a wide reference for the accuracy check, and the bar its ratio
is held to. :func:`scan_case` makes the cases of the five scans. A case of
another kind is a few lines: peers are named callables, ``prepare`` runs
untimed on the inputs, and the floor is a key of ``peers.FLOORS``::

    # a linear recurrence, against its two-input floor and SciPy
    Case("linear_recurrence f32 1-D 1e7", "recurrences",
         inputs=lambda rng: (near_one(rng, (N,), f32), uniform(rng, (N,), f32)),
         lite=Peer("mlx_lite", lambda ab: ml.linear_recurrence(*ab), prepare=tuple),
         floor="multiply",
         peers=(Peer("scipy lfilter", lambda ab: lfilter_of(*ab), prepare=tuple),))
    # an in-place scan (both regimes are alike: nothing is allocated)
    Case("cumsum f32 1-D 1e7 out=x", "conventions", inputs=...,
         lite=Peer("mlx_lite", lambda x: ml.cumsum(x, out=x)),
         peers=(Peer("numpy", lambda x: np.cumsum(x, out=x)),))
    # a NaN-skipping scan beside np.nancumsum: peers=(Peer("numpy", np.nancumsum),)

Peers compared with mlx_lite's uncached regime by default (they allocate their
results); ``regime="cached"`` for one that reuses memory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

import mlx_lite as ml

from .peers import Inputs, Peer, mlx_peers, numpy_peer, numpy_scan

try:
    import ml_dtypes
except ImportError:  # pragma: no cover - bfloat16 cases are skipped
    ml_dtypes = None

OPS: Tuple[str, ...] = ("cumsum", "cumprod", "cummax", "cummin", "logcumsumexp")
DTYPES: Tuple[str, ...] = (
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "bfloat16", "float32", "float64", "complex64", "complex128",
)
SHORT: Dict[str, str] = {
    "bool": "b", "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64", "uint8": "u8",
    "uint16": "u16", "uint32": "u32", "uint64": "u64", "float16": "f16", "bfloat16": "bf16",
    "float32": "f32", "float64": "f64", "complex64": "c64", "complex128": "c128",
}
SECTIONS: Dict[str, str] = {
    "channels": "(rows, channels) float32 cumsum, 4*10^6 elements, along axis 0 and -1",
    "layouts": "layouts: 3-D middle axis, strided, negative stride, Fortran order, broadcast, length-1 axis",
    "dtypes": "every dtype: cumsum, 1-D 10^7 and 4096x4096 along each axis",
    "scans": "every scan: 1-D 10^7 and 4096x4096 along each axis (float32), other dtypes",
    "flags": "flags: reverse, exclusive",
    "sizes": "sizes: 1-D float32 cumsum (16 elements: against NumPy's call)",
    "conventions": "NumPy's conventions: out=, include_initial=, NaN-skipping scans (1-D float32 10^7)",
    "recurrences": "linear recurrences: linear_recurrence (constant and varying a) and ewma, 10^7 elements",
}
N_LONG = 10**7
SQUARE = (4096, 4096)
SWEEP_ELEMENTS = 4 * 10**6
CHANNELS: Tuple[int, ...] = (1, 2, 3, 4, 5, 8, 16, 64, 256, 1024, 4096)
SIZES: Tuple[int, ...] = (16, 10**3, 10**4, 10**5, 10**6)
BAR = 1.25            # every shape, dtype and scan (issue 11: 1.0, with this machine's noise)
BAR_LOGCUMSUMEXP = 3.0
BAR_IN_CACHE = 1.5    # 10^4 to 10^6 elements
BAR_TINY = 0.5        # 16 elements: against NumPy's call


def dtype_of(name: str) -> np.dtype:
    if name == "bfloat16":
        if ml_dtypes is None:
            raise ImportError("bfloat16 needs ml_dtypes")
        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


@dataclass(frozen=True)
class Case:
    """One row of the table (see the module's docstring)."""

    name: str
    section: str
    inputs: Callable[[np.random.Generator], Inputs]
    lite: Peer
    peers: Tuple[Peer, ...] = ()
    floor: str = "copy"                                    # a key of peers.FLOORS
    reference: Optional[Callable[[Inputs], np.ndarray]] = None
    exact: bool = False                                    # results must equal the reference
    bar: Optional[float] = BAR                             # None: shown, not judged
    bar_peer: Optional[str] = None                         # the bar is against this peer, not the floor
    quick: bool = False                                    # in the --quick subset
    info: Dict[str, Any] = field(default_factory=dict)     # op, dtype, shape, axis, ... (JSON, plot)


# --------------------------------------------------------------------------- data


Generator = Callable[[np.random.Generator, Tuple[int, ...], np.dtype], np.ndarray]


def _floats(rng: np.random.Generator, shape: Tuple[int, ...], dtype: np.dtype,
            low: float, high: float) -> np.ndarray:
    """uniform(low, high) in ``dtype``; complex: independent real and imaginary parts
    (the imaginary part around 0 for products). Drawn in float64 for float64 and
    complex128 (float32 values would make their sums exact)."""
    base = np.dtype(np.float64 if dtype in (np.float64, np.complex128) else np.float32)
    real = rng.random(shape, dtype=base) * base.type(high - low) + base.type(low)
    if dtype.kind == "c":
        imag = (rng.random(shape, dtype=base) - base.type(0.5)) * base.type(2e-3 if low > 0.5 else high - low)
        return (real + 1j * imag).astype(dtype)
    return real.astype(dtype)


def uniform(rng: np.random.Generator, shape: Tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """Sums: [0, 1) floats (uniform(0, 0.002) for float16 and bfloat16, whose long sums
    would overflow or stall otherwise); integers in [0, 100) (narrow ones wrap, exactly
    as NumPy does); bool half True."""
    if dtype.kind == "b":
        return rng.random(shape, dtype=np.float32) < 0.5
    if dtype.kind in "iu":
        return rng.integers(0, 100, size=shape, dtype=dtype)
    if dtype.itemsize == 2 or dtype.name == "bfloat16":
        return _floats(rng, shape, dtype, 0.0, 0.002)
    if dtype in (np.float32, np.float64):
        return rng.random(shape, dtype=dtype)
    return _floats(rng, shape, dtype, 0.0, 1.0)


def near_one(rng: np.random.Generator, shape: Tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """Products: uniform(0.999, 1.001) (long products neither overflow nor vanish);
    odd integers 1 or 3 (the product wraps but never becomes 0); bool mostly True."""
    if dtype.kind == "b":
        return rng.random(shape, dtype=np.float32) < 0.9999
    if dtype.kind in "iu":
        return (2 * rng.integers(0, 2, size=shape, dtype=np.uint8) + 1).astype(dtype)
    return _floats(rng, shape, dtype, 0.999, 1.001)


def spread(rng: np.random.Generator, shape: Tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """Maxima and minima: standard normal floats, integers over the whole range."""
    if dtype.kind == "b":
        return rng.random(shape, dtype=np.float32) < 0.5
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)
    base = np.float64 if dtype in (np.float64, np.complex128) else np.float32
    if dtype.kind == "c":
        parts = rng.standard_normal((2,) + shape, dtype=base)
        return (parts[0] + 1j * parts[1]).astype(dtype)
    return rng.standard_normal(shape, dtype=base).astype(dtype)


DATA: Dict[str, Generator] = {
    "cumsum": uniform, "cumprod": near_one, "cummax": spread, "cummin": spread, "logcumsumexp": spread,
}


def make_input(rng: np.random.Generator, op: str, shape: Tuple[int, ...], dtype: np.dtype,
               layout: str) -> np.ndarray:
    """The input of a scan case in its layout: "C", "F" (Fortran order), "strided"
    (``x[::2]`` of a twice longer array), "reversed" (``x[::-1]``) or "broadcast"
    (one row repeated with stride 0 along the first axis)."""
    generate = DATA[op]
    if layout == "F":
        return generate(rng, shape[::-1], dtype).T
    if layout == "strided":
        return generate(rng, (2 * shape[0],) + shape[1:], dtype)[::2]
    if layout == "reversed":
        return generate(rng, shape, dtype)[::-1]
    if layout == "broadcast":
        return np.broadcast_to(generate(rng, shape[1:], dtype), shape)
    return generate(rng, shape, dtype)


# --------------------------------------------------------------------------- scan cases


def reference_dtype(dtype: np.dtype) -> np.dtype:
    """Where the accuracy reference is computed: float64 (complex128), or long
    double for float64 and complex128 input when it is wider."""
    wide = np.finfo(np.longdouble).eps < np.finfo(np.float64).eps
    if dtype.kind == "c":
        return np.dtype(np.clongdouble if wide and dtype == np.complex128 else np.complex128)
    return np.dtype(np.longdouble if wide and dtype == np.float64 else np.float64)


def _shape_text(shape: Tuple[int, ...]) -> str:
    if len(shape) == 1:
        n = shape[0]
        k = round(math.log10(n)) if n > 0 else 0
        return f"1e{k}" if n >= 1000 and 10**k == n else str(n)
    return "x".join(map(str, shape))


def scan_case(section: str, op: str, shape: Tuple[int, ...], dtype: str = "float32",
              axis: Optional[int] = None, *, reverse: bool = False, inclusive: bool = True,
              layout: str = "C", label: str = "", bar: Optional[float] = -1.0,
              bar_peer: Optional[str] = None, quick: bool = False) -> Case:
    """A case of one of the five scans, with its NumPy and MLX peers. ``bar``: the
    default (-1.0) is the issue's for the op; None shows the row without judging it."""
    dt = dtype_of(dtype)
    result_dtype = getattr(ml, op)(np.zeros(1, dt)).dtype
    exact = op in ("cummax", "cummin") or dt.kind in "iub"
    if not label and len(shape) == 1:
        label = "1-D"
    parts = [op, SHORT[dtype], label, _shape_text(shape)]
    if axis is not None and len(shape) > 1:
        parts.append(f"ax={axis}")
    parts += ["rev"] * reverse + ["excl"] * (not inclusive)
    name = " ".join(p for p in parts if p)
    scan = getattr(ml, op)

    def lite_run(x: np.ndarray) -> np.ndarray:
        return scan(x, axis, reverse=reverse, inclusive=inclusive)

    def reference(inputs: Inputs) -> np.ndarray:
        x = inputs[0]
        wide = result_dtype if exact else reference_dtype(result_dtype)
        return numpy_scan(x.astype(wide), op, axis, reverse, inclusive, wide)

    if bar is not None and bar < 0:
        bar = BAR_LOGCUMSUMEXP if op == "logcumsumexp" else BAR
    return Case(
        name, section,
        inputs=lambda rng: (make_input(rng, op, shape, dt, layout),),
        lite=Peer("mlx_lite", lite_run, check=np.asarray, role="lite"),
        peers=(numpy_peer(op, axis, reverse, inclusive, result_dtype),
               *mlx_peers(op, axis, reverse, inclusive, layout)),
        reference=reference, exact=exact, bar=bar, bar_peer=bar_peer, quick=quick,
        info={"op": op, "dtype": dtype, "result_dtype": result_dtype.name, "shape": list(shape),
              "axis": axis, "reverse": reverse, "inclusive": inclusive, "layout": layout,
              "label": label, "elements": int(np.prod(shape))})


def case_table() -> List[Case]:
    """Every case of the default run, in table order; each name once."""
    cases: List[Case] = []
    quick_channels = (2, 64)
    for axis in (0, -1):
        for c in CHANNELS:
            cases.append(scan_case("channels", "cumsum", (round(SWEEP_ELEMENTS / c), c), axis=axis,
                                   quick=c in quick_channels))
    lay = "layouts"
    cases += [
        scan_case(lay, "cumsum", (256, 256, 64), axis=1),
        scan_case(lay, "cumsum", (N_LONG,), layout="strided", label="strided x[::2]", quick=True),
        scan_case(lay, "cumsum", (N_LONG,), layout="reversed", label="x[::-1]"),
        scan_case(lay, "cumsum", SQUARE, axis=-1, layout="F", label="F-order"),
        scan_case(lay, "cumsum", SQUARE, axis=0, layout="broadcast", label="broadcast"),
        scan_case(lay, "cumsum", (SWEEP_ELEMENTS, 1), axis=-1),
        scan_case(lay, "cumsum", (SWEEP_ELEMENTS, 1), axis=-1, inclusive=False, quick=True),
    ]
    shapes: Tuple[Tuple[Tuple[int, ...], Optional[int]], ...] = (((N_LONG,), None), (SQUARE, 0), (SQUARE, -1))
    dtypes = [d for d in DTYPES if d != "bfloat16" or ml_dtypes is not None]
    for dtype in dtypes:
        for shape, axis in shapes:
            cases.append(scan_case("dtypes", "cumsum", shape, dtype, axis,
                                   quick=axis is None and dtype in ("float32", "bfloat16", "int8")))
    for op in OPS[1:]:
        for shape, axis in shapes:
            cases.append(scan_case("scans", op, shape, "float32", axis,
                                   quick=axis is None and op in ("cummax", "logcumsumexp")))
    for op in OPS[1:]:
        others = ["float64", "bfloat16"] + (["int32"] if op != "logcumsumexp" else [])
        for dtype in others:
            if dtype == "bfloat16" and ml_dtypes is None:
                continue
            for shape, axis in shapes[:2]:
                cases.append(scan_case("scans", op, shape, dtype, axis))
    for shape, axis in shapes[:2]:
        for reverse, inclusive in ((True, True), (False, False), (True, False)):
            cases.append(scan_case("flags", "cumsum", shape, axis=axis, reverse=reverse,
                                   inclusive=inclusive, quick=axis is None and reverse and not inclusive))
    for n in SIZES:
        tiny = n < 1000
        bar = BAR_TINY if tiny else BAR_IN_CACHE if n >= 10**4 else None  # 10^3: no goal
        cases.append(scan_case("sizes", "cumsum", (n,), bar=bar, bar_peer="numpy" if tiny else None,
                               quick=n in (16, 10**5)))
    cases += convention_cases()
    from .recurrence_cases import recurrence_cases  # it imports this module

    cases += recurrence_cases()
    unique: Dict[str, Case] = {}
    for case in cases:
        unique.setdefault(case.name, case)
    return list(unique.values())


def convention_cases() -> List[Case]:
    """out=, include_initial= and the NaN-skipping scans beside NumPy's own calls."""
    f32 = np.dtype(np.float32)

    def data(rng: np.random.Generator) -> Inputs:
        return (uniform(rng, (N_LONG,), f32),)

    def with_nan(rng: np.random.Generator) -> Inputs:
        x = spread(rng, (N_LONG,), f32)
        x[rng.random(N_LONG) < 0.1] = np.nan
        return (x,)

    def with_buffer(inputs: Inputs) -> Any:
        return inputs[0], np.empty_like(inputs[0])

    sec = "conventions"

    def info(op: str, variant: str) -> Dict[str, Any]:
        return {"op": op, "variant": variant, "dtype": "float32", "result_dtype": "float32",
                "shape": [N_LONG], "axis": None, "reverse": False, "inclusive": True, "layout": "C",
                "label": "1-D", "elements": N_LONG}

    return [
        Case("cumsum f32 1-D 1e7 out=x", sec, data,
             lite=Peer("mlx_lite", lambda x: ml.cumsum(x, out=x), role="lite", prepare=lambda i: i[0].copy()),
             peers=(Peer("numpy", lambda x: np.cumsum(x, out=x), prepare=lambda i: i[0].copy()),),
             info=info("cumsum", "out=x")),
        Case("cumsum f32 1-D 1e7 out=buf", sec, data,
             lite=Peer("mlx_lite", lambda xb: ml.cumsum(xb[0], out=xb[1]), role="lite", prepare=with_buffer),
             peers=(Peer("numpy", lambda xb: np.cumsum(xb[0], out=xb[1]), prepare=with_buffer),),
             info=info("cumsum", "out=buf")),
        Case("cumsum f32 1-D 1e7 include_initial", sec, data,
             lite=Peer("mlx_lite", lambda x: ml.cumsum(x, include_initial=True), role="lite"),
             peers=(Peer("numpy", lambda x: np.cumulative_sum(x, include_initial=True)),),
             info=info("cumsum", "include_initial")),
        Case("nancumsum f32 1-D 1e7 (10% NaN)", sec, with_nan,
             lite=Peer("mlx_lite", ml.nancumsum, role="lite"), peers=(Peer("numpy", np.nancumsum),),
             info=info("cumsum", "nancumsum")),
        Case("nancummax f32 1-D 1e7 (10% NaN)", sec, with_nan,
             lite=Peer("mlx_lite", ml.nancummax, role="lite"), peers=(Peer("numpy", np.fmax.accumulate),),
             info=info("cummax", "nancummax")),
    ]
