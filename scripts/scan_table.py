"""The one table of mlx_lite's dtypes and scans.

Every list of dtypes or scans in the C bridge, the Swift dispatch and the
Python package is generated from here by `scripts/generate.py` (run it after
editing; `--check` tells whether the generated files are current). Plain data:
a row per dtype, per operation and per scan. A dtype's ABI code is its
position in DTYPES, an operation's its position in OPERATIONS: append, never
reorder.

Adding a scan: a Swift operation type (SwiftScan/ScanOperation.swift, with the
algebra it needs), a row in OPERATIONS naming it, a row in SCANS, then
`python3 scripts/generate.py`; then its tests. For example, NumPy's nancumsum:

    Operation("NANSUM", "NaNSkippingSumOp", minus_zero_neutral=True),
    Scan("nancumsum", "NANSUM", takes_dtype=True, operation_without_nan="SUM",
         result_dtypes={"bool": "int32"}, dask_total="nansum", doc=ScanDoc(...)),

Which (operation, dtype) pairs get a Swift kernel follows from the scans'
result-dtype rules: one for each result dtype of each scan (with
operation_without_nan, the plain operation on bool and integers).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple


@dataclass(frozen=True)
class DType:
    name: str
    """NumPy's name (ml_dtypes' for bfloat16); upper-cased, the ABI name (MLXL_INT8)."""
    size: int
    """Bytes per element."""
    kind: str
    """NumPy's kind character (ml_dtypes' bfloat16 is a "V", a void kind to NumPy)."""
    family: str
    """bool, signed, unsigned, float or complex: what the result rules are written in."""
    swift_storage: str
    """The Swift type an element is stored as."""
    swift_accumulator: str
    """The Swift type a scan carries it in (wider where that is more accurate)."""
    public_name: str
    """mlx_lite's attribute for it (mlx_lite.bool_, mlx_lite.int8...)."""
    package: str = "numpy"
    """Where the dtype comes from: numpy, or ml_dtypes (optional, imported on first use)."""
    swift_exact: Optional[Tuple[str, str]] = None
    """(storage, accumulator) for the operations that never round (maximum, minimum), where
    the accumulator above is only wider: float32's `Double` lanes would widen and narrow
    every element and halve the lanes per register."""


@dataclass(frozen=True)
class Operation:
    name: str
    """The ABI name: MLXL_OP_SUM in C, mlx_lite._core.SUM in Python."""
    swift_type: str
    """The generic Swift ScanOperation, instantiated with each dtype's accumulator."""
    exact: bool = False
    """It never rounds (maximum, minimum): it may run on a dtype's `swift_exact` types."""
    minus_zero_neutral: bool = False
    """Its exact neutral element on floats is -0.0, not the +0.0 an exclusive scan starts from."""


@dataclass(frozen=True)
class ScanDoc:
    """The pieces of a public function's docstring (the template is in generate.py)."""
    noun: str
    """'sum': "Return the cumulative sum of ..."."""
    verb: Tuple[str, str, str]
    """'sum', 'summed', 'summing': "The axis to sum along", "is summed", "before summing"."""
    exclusive_start: str
    """What inclusive=False starts from, in words."""
    returns: str
    """The result, after "numpy.ndarray: "."""
    dask_returns: str
    """The result of mlx_lite.dask's function."""
    example: Tuple[str, ...]
    """Doctest lines (after ``import mlx_lite as mx``), each prompt line then its output."""
    dask_example: Tuple[str, ...]
    """Doctest lines for mlx_lite.dask (after its imports)."""
    formula: str = ""
    """A second line for the summary, when the name needs one."""


@dataclass(frozen=True)
class Scan:
    name: str
    """The public function: mlx_lite.<name> and mlx_lite.dask.<name>."""
    operation: str
    """The OPERATIONS row it runs."""
    takes_dtype: bool
    """Whether it has MLX's dtype= (cast first, then scan)."""
    doc: ScanDoc
    result_dtypes: Dict[str, str] = field(default_factory=dict)
    """MLX's result rule: dtype family -> result dtype, where the result is not the input's dtype."""
    aliases: Tuple[str, ...] = ()
    """MLX's other names for it."""
    operation_without_nan: Optional[str] = None
    """The OPERATIONS row it runs on dtypes that have no NaN (bool, integers), where a
    cheaper one gives the same results (a NaN-skipping sum is a plain sum there)."""
    dask_ufunc: Optional[str] = None
    """The NumPy ufunc mlx_lite.dask combines chunks with (None: mlx_lite's own scan of the pair)."""
    dask_ufunc_kinds: str = ""
    """The result dtype kinds that ufunc is used for; for the others, mlx_lite's own."""
    dask_total: Optional[str] = None
    """The NumPy reduction giving a chunk's total directly: max or min (not used for complex),
    or one that takes dtype= (sum, prod, nansum...), accumulated wide; None: the last element
    of mlx_lite's scan of the chunk."""


# Order is the ABI: codes 0-14.
DTYPES = [
    DType("bool", 1, "b", "bool", "BoolByte", "Bool", "bool_"),
    DType("int8", 1, "i", "signed", "Int8", "Int8", "int8"),
    DType("int16", 2, "i", "signed", "Int16", "Int16", "int16"),
    DType("int32", 4, "i", "signed", "Int32", "Int32", "int32"),
    DType("int64", 8, "i", "signed", "Int64", "Int64", "int64"),
    DType("uint8", 1, "u", "unsigned", "UInt8", "UInt8", "uint8"),
    DType("uint16", 2, "u", "unsigned", "UInt16", "UInt16", "uint16"),
    DType("uint32", 4, "u", "unsigned", "UInt32", "UInt32", "uint32"),
    DType("uint64", 8, "u", "unsigned", "UInt64", "UInt64", "uint64"),
    DType("float16", 2, "f", "float", "Half", "Float", "float16"),
    DType("bfloat16", 2, "V", "float", "BFloat16", "Float", "bfloat16", package="ml_dtypes"),
    DType("float32", 4, "f", "float", "Float", "Double", "float32", swift_exact=("ExactFloat", "Float")),
    DType("float64", 8, "f", "float", "Double", "Double", "float64"),
    DType("complex64", 8, "c", "complex", "Complex64Element", "Complex128", "complex64"),
    DType("complex128", 16, "c", "complex", "Complex128", "Complex128", "complex128"),
]

# Order is the ABI: codes 0-8.
OPERATIONS = [
    Operation("SUM", "SumOp", minus_zero_neutral=True),
    Operation("PROD", "ProductOp"),
    Operation("MAX", "MaxOp", exact=True),
    Operation("MIN", "MinOp", exact=True),
    Operation("LOGADDEXP", "LogAddExpOp"),
    Operation("NANSUM", "NaNSkippingSumOp", minus_zero_neutral=True),
    Operation("NANPROD", "NaNSkippingProductOp"),
    Operation("NANMAX", "NaNSkippingMaxOp", exact=True),
    Operation("NANMIN", "NaNSkippingMinOp", exact=True),
]

# The linear recurrences (linear_recurrence, ewma) run on these families, each
# dtype in its swift_accumulator (float16 and bfloat16 in float32, float32 in
# float64, complex64 in complex128); bool and integer inputs become float32.
RECURRENCE_FAMILIES = ("float", "complex")
RECURRENCE_DEFAULT = "float32"


def recurrence_dtypes() -> list:
    """The dtypes a linear recurrence has a kernel for, in ABI order."""
    return [dtype for dtype in DTYPES if dtype.family in RECURRENCE_FAMILIES]


_ORDER = "complex values compare by real part, then imaginary part."

SCANS = [
    Scan(
        "cumsum", "SUM", takes_dtype=True, aliases=("cumulative_sum",),
        result_dtypes={"bool": "int32"},
        dask_ufunc="add", dask_ufunc_kinds="biufcV",
        dask_total="sum",
        doc=ScanDoc(
            noun="sum", verb=("sum", "summed", "summing"), exclusive_start="0",
            returns="A new array. Its dtype follows MLX: a sum of booleans is ``int32``, every other "
                    "dtype keeps its own (integers wrap on overflow). float16 and bfloat16 accumulate "
                    "in float32, float32 in float64, and each output is rounded once.",
            dask_returns="A lazy ``dask.array.Array`` with the input's chunks. Its dtype follows MLX, "
                         "as :func:`mlx_lite.cumsum`'s: "
                         "booleans sum as ``int32``, every other dtype keeps its own (integers wrap on "
                         "overflow).",
            example=(">>> mx.cumsum([1, 2, 3, 4], reverse=True, inclusive=False)", "array([9, 7, 4, 0])",
                     ">>> mx.cumsum([True, True, False])", "array([1, 2, 2], dtype=int32)",
                     ">>> mx.cumsum([1, 2, 3], include_initial=True)", "array([0, 1, 3, 6])",
                     ">>> import numpy as np",
                     ">>> x = np.array([1, 2, 3], np.int8)",
                     ">>> mx.cumsum(x, out=x) is x", "True",
                     ">>> x", "array([1, 3, 6], dtype=int8)"),
            dask_example=(">>> mld.cumsum(da.arange(1, 5, chunks=2), reverse=True, inclusive=False).compute()",
                          "array([9, 7, 4, 0])"),
        ),
    ),
    Scan(
        "cumprod", "PROD", takes_dtype=True, aliases=("cumulative_prod",),
        dask_ufunc="multiply", dask_ufunc_kinds="biufcV",  # bool: logical and, as mlx_lite's bool product
        dask_total="prod",
        doc=ScanDoc(
            noun="product", verb=("multiply", "multiplied", "multiplying"), exclusive_start="1",
            returns="A new array of the input's dtype. Booleans stay boolean (a running logical and); "
                    "integer products wrap on overflow.",
            dask_returns="A lazy ``dask.array.Array`` of the input's dtype (booleans stay boolean: "
                         "logical and); integer products "
                         "wrap on overflow.",
            example=(">>> mx.cumprod([1, 2, 3, 4])", "array([ 1,  2,  6, 24])"),
            dask_example=(">>> mld.cumprod(da.arange(1, 5, chunks=2)).compute()", "array([ 1,  2,  6, 24])"),
        ),
    ),
    Scan(
        "cummax", "MAX", takes_dtype=False,
        dask_ufunc="maximum", dask_ufunc_kinds="biuf",  # NaN propagates, as in mlx_lite
        dask_total="max",
        doc=ScanDoc(
            noun="maximum", verb=("scan", "scanned", "scanning"),
            exclusive_start="the lowest value of the dtype (-inf, the integer minimum, False)",
            returns="A new array of the input's dtype. NaN propagates; " + _ORDER,
            dask_returns="A lazy ``dask.array.Array`` of the input's dtype. NaN propagates, across "
                         "chunks too; " + _ORDER,
            example=(">>> mx.cummax([1, 3, 2, 5])", "array([1, 3, 3, 5])"),
            dask_example=(">>> mld.cummax(da.from_array([1, 3, 2, 5], chunks=2)).compute()",
                          "array([1, 3, 3, 5])"),
        ),
    ),
    Scan(
        "cummin", "MIN", takes_dtype=False,
        dask_ufunc="minimum", dask_ufunc_kinds="biuf",
        dask_total="min",
        doc=ScanDoc(
            noun="minimum", verb=("scan", "scanned", "scanning"),
            exclusive_start="the highest value of the dtype (+inf, the integer maximum, True)",
            returns="A new array of the input's dtype. NaN propagates; " + _ORDER,
            dask_returns="A lazy ``dask.array.Array`` of the input's dtype. NaN propagates, across "
                         "chunks too; " + _ORDER,
            example=(">>> mx.cummin([3, 1, 2, 0])", "array([3, 1, 1, 0])"),
            dask_example=(">>> mld.cummin(da.from_array([3, 1, 2, 0], chunks=2)).compute()",
                          "array([3, 1, 1, 0])"),
        ),
    ),
    Scan(
        "logcumsumexp", "LOGADDEXP", takes_dtype=False,
        result_dtypes={"bool": "float32", "signed": "float32", "unsigned": "float32"},
        dask_ufunc="logaddexp", dask_ufunc_kinds="f",
        doc=ScanDoc(
            noun="log-sum-exp", verb=("scan", "scanned", "scanning"), exclusive_start="-inf",
            formula="``log(exp(a[0]) + ... + exp(a[i]))``, computed without overflow.",
            returns="A new array: ``float32`` for boolean and integer inputs, otherwise the input's "
                    "dtype. ``[1000, 1000]`` gives ``[1000, 1000.693...]``.",
            dask_returns="A lazy ``dask.array.Array``: ``float32`` for boolean and integer inputs, "
                         "otherwise the input's dtype. "
                         "Chunks are combined with ``logaddexp``, which is stable too.",
            example=(">>> mx.logcumsumexp([0, 0])", "array([0.       , 0.6931472], dtype=float32)"),
            dask_example=(">>> mld.logcumsumexp(da.zeros(2, chunks=1)).compute()",
                          "array([0.        , 0.69314718])"),
        ),
    ),
    Scan(
        "nancumsum", "NANSUM", takes_dtype=True, operation_without_nan="SUM",
        result_dtypes={"bool": "int32"},
        dask_ufunc="add", dask_ufunc_kinds="biufcV", dask_total="nansum",
        doc=ScanDoc(
            noun="sum, NaN counted as zero", verb=("sum", "summed", "summing"), exclusive_start="0",
            returns="A new array, with :func:`cumsum`'s dtype: NaN (in complex values, a NaN in either "
                    "part) counts as 0, as in ``numpy.nancumsum``; on integers and booleans it is "
                    ":func:`cumsum`.",
            dask_returns="A lazy ``dask.array.Array`` with the input's chunks and "
                         ":func:`mlx_lite.nancumsum`'s dtype.",
            example=(">>> mx.nancumsum([1.0, float('nan'), 2.0])", "array([1., 1., 3.])"),
            dask_example=(">>> mld.nancumsum(da.from_array([1.0, float('nan'), 2.0], chunks=2)).compute()",
                          "array([1., 1., 3.])"),
        ),
    ),
    Scan(
        "nancumprod", "NANPROD", takes_dtype=True, operation_without_nan="PROD",
        dask_ufunc="multiply", dask_ufunc_kinds="biufcV", dask_total="nanprod",
        doc=ScanDoc(
            noun="product, NaN counted as one", verb=("multiply", "multiplied", "multiplying"),
            exclusive_start="1",
            returns="A new array of the input's dtype: NaN (in complex values, a NaN in either part) "
                    "counts as 1, as in ``numpy.nancumprod``; on integers and booleans it is :func:`cumprod`.",
            dask_returns="A lazy ``dask.array.Array`` of the input's dtype.",
            example=(">>> mx.nancumprod([2.0, float('nan'), 3.0])", "array([2., 2., 6.])"),
            dask_example=(">>> mld.nancumprod(da.from_array([2.0, float('nan'), 3.0], chunks=2)).compute()",
                          "array([2., 2., 6.])"),
        ),
    ),
    Scan(
        "nancummax", "NANMAX", takes_dtype=False, operation_without_nan="MAX",
        dask_ufunc="fmax", dask_ufunc_kinds="biuf",
        doc=ScanDoc(
            noun="maximum, skipping NaN", verb=("scan", "scanned", "scanning"),
            exclusive_start="the lowest value of the dtype (-inf, the integer minimum, False)",
            returns="A new array of the input's dtype, as ``numpy.fmax.accumulate``: NaN is skipped, and "
                    "an output is NaN only while every element so far is NaN; " + _ORDER,
            dask_returns="A lazy ``dask.array.Array`` of the input's dtype; NaN is skipped across chunks too.",
            example=(">>> mx.nancummax([float('nan'), 1.0, float('nan'), 3.0])", "array([nan,  1.,  1.,  3.])"),
            dask_example=(">>> mld.nancummax(da.from_array([float('nan'), 1.0, float('nan'), 3.0], chunks=2)).compute()",
                          "array([nan,  1.,  1.,  3.])"),
        ),
    ),
    Scan(
        "nancummin", "NANMIN", takes_dtype=False, operation_without_nan="MIN",
        dask_ufunc="fmin", dask_ufunc_kinds="biuf",
        doc=ScanDoc(
            noun="minimum, skipping NaN", verb=("scan", "scanned", "scanning"),
            exclusive_start="the highest value of the dtype (+inf, the integer maximum, True)",
            returns="A new array of the input's dtype, as ``numpy.fmin.accumulate``: NaN is skipped, and "
                    "an output is NaN only while every element so far is NaN; " + _ORDER,
            dask_returns="A lazy ``dask.array.Array`` of the input's dtype; NaN is skipped across chunks too.",
            example=(">>> mx.nancummin([float('nan'), 3.0, float('nan'), 1.0])", "array([nan,  3.,  3.,  1.])"),
            dask_example=(">>> mld.nancummin(da.from_array([float('nan'), 3.0, float('nan'), 1.0], chunks=2)).compute()",
                          "array([nan,  3.,  3.,  1.])"),
        ),
    ),
]


def dtype_named(name: str) -> DType:
    return next(dtype for dtype in DTYPES if dtype.name == name)


def operation_named(name: str) -> Operation:
    return next(operation for operation in OPERATIONS if operation.name == name)


def result_dtype(scan: Scan, dtype: DType) -> DType:
    """MLX's result dtype of `scan` on `dtype`."""
    return dtype_named(scan.result_dtypes.get(dtype.family, dtype.name))


def kernel_operation(scan: Scan, result: DType) -> Operation:
    """The operation `scan` runs on its result dtype `result`."""
    exact = result.family in ("bool", "signed", "unsigned")
    return operation_named(scan.operation_without_nan if exact and scan.operation_without_nan else scan.operation)


def kernels() -> list:
    """The (operation, storage dtype) pairs the engine has a kernel for, in ABI order:
    each result dtype of each scan, with the operation the scan runs there."""
    pairs = set()
    for scan in SCANS:
        for dtype in DTYPES:
            result = result_dtype(scan, dtype)
            pairs.add((kernel_operation(scan, result).name, result.name))
    return [(operation, dtype) for operation in OPERATIONS for dtype in DTYPES
            if (operation.name, dtype.name) in pairs]
