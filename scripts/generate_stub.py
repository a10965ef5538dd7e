"""The typing stub of mlx_lite._scan, python/mlx_lite/_scan.pyi, from the one table
(scripts/scan_table.py); scripts/generate.py writes it (and checks it with --check).

The stub has every public name of the module with its type: for each scan,
overloads that tell a type checker MLX's result-dtype rules; AxisError;
MLX's aliases; and ``__all__`` (also the module's: scripts/generate.py takes
all_block, public_names and aliases from here).
"""
from __future__ import annotations

import textwrap
from typing import Dict, List

from scan_table import SCANS, Scan

FAMILY_SCALARS = {
    "bool": "np.bool_", "signed": "np.signedinteger[Any]", "unsigned": "np.unsignedinteger[Any]",
    "float": "np.floating[Any]", "complex": "np.complexfloating[Any, Any]",
}
NUMBER_FAMILIES = ("signed", "unsigned", "float", "complex")
# The type variable an overload keeps the dtype with, by the number families a rule keeps.
KEPT_TYPEVARS = {NUMBER_FAMILIES: "_NumberT", ("float", "complex"): "_InexactT"}


def _scalar_union(families: List[str]) -> str:
    names = [FAMILY_SCALARS[f] for f in families if f not in ("signed", "unsigned")]
    if "signed" in families and "unsigned" in families:
        names.insert(1 if "bool" in families else 0, "np.integer[Any]")
    else:
        names += [FAMILY_SCALARS[f] for f in families if f in ("signed", "unsigned")]
    return names[0] if len(names) == 1 else f"Union[{', '.join(names)}]"


def overload_groups(scan: Scan):
    """(type variable of the kept number dtypes, [(input scalar type, result scalar type, families)])."""
    kept = tuple(f for f in NUMBER_FAMILIES if f not in scan.result_dtypes)
    if kept not in KEPT_TYPEVARS:
        raise SystemExit(f"{scan.name}: no typing overload for a rule keeping {kept}; add one to KEPT_TYPEVARS")
    others: Dict[str, List[str]] = {}
    for family in ["bool"] + [f for f in NUMBER_FAMILIES if f not in kept]:
        result = scan.result_dtypes.get(family, family)
        others.setdefault(result, []).append(family)
    groups = []
    for result, families in others.items():
        target = "np.bool_" if result == "bool" else f"np.{result}"
        groups.append((_scalar_union(families), target, families))
    return KEPT_TYPEVARS[kept], groups


def _signature(first: str, dtype: str, returns: str, hint_dtype: bool, out: str = "None = None") -> str:
    dtype_part = f"dtype: {dtype}, " if hint_dtype else ""
    return (f"    a: {first}, /, axis: _Axis = None, *, reverse: _Flag = False, inclusive: _Flag = True,\n"
            f"    {dtype_part}stream: StreamOrDevice = None, out: {out}, include_initial: _Flag = False,\n"
            f") -> {returns}: ...\n")


def python_overloads(scan: Scan) -> str:
    """The stub's overloads of a scan (their order: the comment in render)."""
    typevar, groups = overload_groups(scan)
    d = scan.takes_dtype
    head = (f"@overload\ndef {scan.name}(\n"
            + _signature("ArrayLike", "Optional[DTypeLike] = None", "_OutT", d, out="_OutT"))
    forms = [(f"NDArray[{typevar}]", "None = None", f"NDArray[{typevar}]")]
    forms += [(f"NDArray[{scalar}]", "None = None", f"NDArray[{target}]") for scalar, target, _ in groups]
    forms += [("NDArray[np.generic]", "None = None", "NDArray[np.generic]")]
    if d:
        forms += [("ArrayLike", f"_DTypeOf[{typevar}]", f"NDArray[{typevar}]")]
        for scalar, target, families in groups:
            forms.append(("ArrayLike", "_BoolDType" if families == ["bool"] else f"_DTypeOf[{scalar}]",
                          f"NDArray[{target}]"))
        forms += [("ArrayLike", "_DTypeOf[np.generic]", "NDArray[np.generic]")]
    forms += [("ArrayLike", "Optional[DTypeLike] = None", "NDArray[Any]")]
    return head + "".join(f"@overload\ndef {scan.name}(\n" + _signature(first, dtype, result, d)
                          for first, dtype, result in forms)


def all_block(names: str) -> str:
    """An ``__all__`` of `names` (quoted, comma-separated), wrapped as the generated modules have it."""
    return "__all__ = [\n" + textwrap.fill(names, width=99, initial_indent="    ", subsequent_indent="    ") + ",\n]\n"


def public_names(dask: bool) -> str:
    """The public names of mlx_lite._scan (or, with `dask`, mlx_lite.dask's scans), quoted, comma-separated."""
    names = [name for scan in SCANS for name in (scan.name,) + scan.aliases]
    public = ", ".join(f'"{name}"' for name in names)
    return public if dask else '"AxisError", ' + public


def aliases() -> List[tuple]:
    """(alias, scan name) for MLX's other names of the scans."""
    return [(alias, scan.name) for scan in SCANS for alias in scan.aliases]


def render(notice: str) -> str:
    """mlx_lite/_scan.pyi: everything a type checker knows of mlx_lite._scan (NumPy's convention:
    the stub beside the module; the module keeps only what runs)."""
    overloads = "".join("\n\n" + python_overloads(scan) for scan in SCANS)
    alias_lines = "".join(f"{alias} = {name}\n" for alias, name in aliases())
    return f'''\
# {notice}
# The types of mlx_lite._scan (python/mlx_lite/_scan.py), the module's public
# names with their overloads: type checkers read this file instead of the
# module, which keeps only what runs (the functions and their docstrings).

from typing import Any, Optional, SupportsIndex, Type, TypeAlias, TypeVar, Union, overload

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from ._device import StreamOrDevice
from ._validate import AxisError as AxisError

{all_block(public_names(dask=False))}
# The overloads tell a type checker MLX's result-dtype rules for NumPy arrays
# whose dtype it knows; anything else (a list, a scalar, an array of unknown
# dtype) gives NDArray[Any]. Their order (scripts/generate_stub.py, python_overloads)
# matters, for the way mypy chooses among overloads:
#
# * with out=, the result is out itself, whatever the input and dtype=: that
#   overload comes first, as it is the only one that requires out;
# * the generic overload comes before the one for booleans (and, for
#   logcumsumexp, integers), with its type variable bounded to numbers (or
#   inexact numbers): an argument such as ``np.zeros(3, np.float32)`` is
#   inferred in the context of the first overload, and a first context of
#   NDArray[np.bool_] would make it a boolean array; an array of unknown
#   dtype matches both, so its result is Any (not int32);
# * after the generic overloads, one for any other NumPy array (or dtype=)
#   returns NDArray[np.generic], not Any: it is reached when the generic one
#   fails because the result is assigned to an array of another dtype, and
#   that must stay an error instead of falling through to Any.
_ScalarT = TypeVar("_ScalarT", bound=np.generic)  # only in _DTypeOf
_NumberT = TypeVar("_NumberT", bound=np.number[Any])
_InexactT = TypeVar("_InexactT", bound=np.inexact[Any])
# ``out=``'s array type: the call returns ``out`` itself (the first overload of each scan).
_OutT = TypeVar("_OutT", bound=NDArray[Any])
# A ``dtype=`` naming one scalar type: ``np.float32``, ``np.dtype(np.float32)``, ``mlx_lite.float32``.
_DTypeOf: TypeAlias = Union[Type[_ScalarT], np.dtype[_ScalarT]]
# A ``dtype=`` naming bool (which cumsum turns into int32).
_BoolDType: TypeAlias = Union[Type[bool], Type[np.bool_], np.dtype[np.bool_]]
_Axis: TypeAlias = Optional[SupportsIndex]
_Flag: TypeAlias = Union[bool, np.bool_]
{overloads}

# MLX's other names.
{alias_lines}'''
