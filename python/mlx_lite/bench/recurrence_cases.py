"""The linear recurrences' cases: linear_recurrence against its floors (a copy of
``b`` for a constant ``a``, ``np.multiply(a, b)`` for a varying one) and SciPy's
``lfilter``; ``ewma`` against a copy and pandas' ``ewm().mean()``."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import numpy as np

import mlx_lite as ml

from .cases import N_LONG, SHORT, Case, _shape_text, uniform
from .peers import Inputs, Peer, Unsupported

DECAY = 0.99
ALPHA = 0.01
#: Issue 14's bar: 1.5x the floor (a copy of b, or np.multiply(a, b) for a varying a).
BAR_RECURRENCE = 1.5


def _lfilter(b: np.ndarray, axis: int) -> np.ndarray:
    try:
        from scipy.signal import lfilter
    except ImportError:  # pragma: no cover
        raise Unsupported("scipy is not installed") from None
    return lfilter([1.0], [1.0, -DECAY], b, axis=axis)


def _pandas_ewm(x: np.ndarray, adjust: bool) -> np.ndarray:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        raise Unsupported("pandas is not installed") from None
    frame = pd.Series(x) if x.ndim == 1 else pd.DataFrame(x)
    return frame.ewm(alpha=ALPHA, adjust=adjust).mean().to_numpy()


def _info(op: str, dtype: str, shape: Tuple[int, ...], axis: Optional[int], variant: str) -> Dict[str, Any]:
    return {"op": op, "variant": variant, "dtype": dtype, "result_dtype": dtype, "shape": list(shape),
            "axis": axis, "reverse": False, "inclusive": True, "layout": "C",
            "label": "1-D" if len(shape) == 1 else "", "elements": int(np.prod(shape))}


def _name(op: str, dtype: str, shape: Tuple[int, ...], axis: Optional[int], variant: str) -> str:
    parts = [op, SHORT[dtype], "1-D" if len(shape) == 1 else "", _shape_text(shape)]
    if len(shape) > 1:
        parts.append(f"ax={axis}")
    return " ".join(p for p in parts + [variant] if p)


def recurrence_cases() -> List[Case]:
    sec = "recurrences"
    cases: List[Case] = []
    layouts: Tuple[Tuple[Tuple[int, ...], int], ...] = (((N_LONG,), 0), ((2, 10**6), 1),
                                                        ((10**6, 2), 0))
    for dtype in ("float32", "float64"):
        dt = np.dtype(dtype)
        for shape, axis in layouts:
            def data(rng: np.random.Generator, shape: Tuple[int, ...] = shape) -> Inputs:
                return (uniform(rng, shape, dt),)

            def both(rng: np.random.Generator, shape: Tuple[int, ...] = shape) -> Inputs:
                return (rng.uniform(0.9, 1.0, shape).astype(dt), uniform(rng, shape, dt))

            def constant(x: np.ndarray, axis: int = axis) -> np.ndarray:
                return ml.linear_recurrence(DECAY, x, axis)

            def varying(ab: Tuple[np.ndarray, np.ndarray], axis: int = axis) -> np.ndarray:
                return ml.linear_recurrence(ab[0], ab[1], axis)

            def lfilter_of(x: np.ndarray, axis: int = axis) -> np.ndarray:
                return _lfilter(x, axis)

            quick = len(shape) == 1 and dtype == "float32"
            cases.append(Case(
                _name("linear_recurrence", dtype, shape, axis, f"a={DECAY}"), sec, data,
                lite=Peer("mlx_lite", constant, role="lite"),
                peers=(Peer("scipy lfilter", lfilter_of),), quick=quick, bar=BAR_RECURRENCE,
                info=_info("linear_recurrence", dtype, shape, axis, "constant a")))
            cases.append(Case(
                _name("linear_recurrence", dtype, shape, axis, "a[t]"), sec, both,
                lite=Peer("mlx_lite", varying, role="lite", prepare=tuple), floor="multiply", bar=BAR_RECURRENCE,
                info=_info("linear_recurrence", dtype, shape, axis, "varying a")))
    for dtype in ("float32", "float64"):
        dt = np.dtype(dtype)
        for adjust in (True, False):
            for shape, axis in (((N_LONG,), 0), ((10**6, 2), 0)):
                def series(rng: np.random.Generator, shape: Tuple[int, ...] = shape) -> Inputs:
                    return (uniform(rng, shape, dt),)

                def mean(x: np.ndarray, adjust: bool = adjust, axis: int = axis) -> np.ndarray:
                    return ml.ewma(x, axis, alpha=ALPHA, adjust=adjust)

                def pandas_mean(x: np.ndarray, adjust: bool = adjust) -> np.ndarray:
                    return _pandas_ewm(x, adjust)

                cases.append(Case(
                    _name("ewma", dtype, shape, axis, f"alpha={ALPHA}" + ("" if adjust else " adjust=False")),
                    sec, series, lite=Peer("mlx_lite", mean, role="lite"),
                    peers=(Peer("pandas ewm", pandas_mean),), bar=BAR_RECURRENCE,
                    quick=len(shape) == 1 and dtype == "float32" and adjust,
                    info=_info("ewma", dtype, shape, axis, "adjust" if adjust else "recursive")))
    return cases
