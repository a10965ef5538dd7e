#!/usr/bin/env python3
"""Writes Sources/SwiftScan/VectorOperations+Generated.swift and
Sources/VectorShims/include/vector_shims.h.

Swift's SIMD operators have a fast form only on concrete integer vector types
(`SIMD4<Int32>`'s `&+` is one vector add); written once in a generic
extension, the same operator is a lane-by-lane loop that the compiler
scalarises. So each accumulator type gets its own copy of the four lane-wise
operations (on eight, four and two lanes), generated here
from one template per family rather than typed out by hand.

Floating-point lanes go one step further. Even on concrete types, Swift's
`+`, `*`, comparisons and float/double conversions are lane-by-lane loops;
inside the tile loop the optimizer then splits the vectors into scalars and
reassembles them with shuffles (seen in the generated assembly, at twice the
instruction count). So for `Float` and `Double` the operations and
conversions are C vector expressions in a header of static inline functions
(the `VectorShims` target), which clang compiles to single instructions and
Swift inlines.

    python3 scripts/generate_vector_operations.py          # rewrite the file
    python3 scripts/generate_vector_operations.py --check  # exit 1 if stale
"""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET = ROOT / "Sources/SwiftScan/VectorOperations+Generated.swift"
HEADER = ROOT / "Sources/VectorShims/include/vector_shims.h"

# The accumulators with vector lanes, from the one table (scripts/scan_table.py):
# integers as they are stored, and the accumulators of the floating-point dtypes.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from scan_table import DTYPES  # noqa: E402

INTEGERS = [d.swift_storage for d in DTYPES if d.family in ("signed", "unsigned")]
FLOATS = list(dict.fromkeys(d.swift_accumulator for d in DTYPES if d.family == "float"))

# Integers wrap; ties keep `next` (the later element), as the scalar forms do.
INTEGER_BODY = """\
  @inlinable @inline(__always) public static func sum(_ a: {V}, _ b: {V}) -> {V} {{ a &+ b }}
  @inlinable @inline(__always) public static func product(_ a: {V}, _ b: {V}) -> {V} {{ a &* b }}
  @inlinable @inline(__always)
  public static func maximum(_ running: {V}, _ next: {V}) -> {V} {{
    next.replacing(with: running, where: running .> next)
  }}
  @inlinable @inline(__always)
  public static func minimum(_ running: {V}, _ next: {V}) -> {V} {{
    next.replacing(with: running, where: running .< next)
  }}
"""

# Floats call the C shims (see the docstring): mlxl_<operation>_<c type><lanes>.
FLOAT_BODY = """\
  @inlinable @inline(__always) public static func sum(_ a: {V}, _ b: {V}) -> {V} {{ mlxl_sum_{C}(a, b) }}
  @inlinable @inline(__always) public static func product(_ a: {V}, _ b: {V}) -> {V} {{ mlxl_product_{C}(a, b) }}
  @inlinable @inline(__always)
  public static func maximum(_ running: {V}, _ next: {V}) -> {V} {{ mlxl_maximum_{C}(running, next) }}
  @inlinable @inline(__always)
  public static func minimum(_ running: {V}, _ next: {V}) -> {V} {{ mlxl_minimum_{C}(running, next) }}
  @inlinable @inline(__always)
  public static func replacingNaN(_ v: {V}, with r: {S}) -> {V} {{ mlxl_replacing_nan_{C}(v, {V}(repeating: r)) }}
  @inlinable @inline(__always)
  public static func nanMaximum(_ running: {V}, _ next: {V}) -> {V} {{ mlxl_nan_maximum_{C}(running, next) }}
  @inlinable @inline(__always)
  public static func nanMinimum(_ running: {V}, _ next: {V}) -> {V} {{ mlxl_nan_minimum_{C}(running, next) }}
"""
C_TYPES = {"Float": "float", "Double": "double"}

# As the scalar forms: a NaN `next` loses the comparison and wins the select;
# a NaN `running` (unequal to itself) is then put back.
HEADER_OPERATIONS = """\
MLXL_SHIM mlxl_{N} mlxl_sum_{N}(const mlxl_{N} a, const mlxl_{N} b) {{ return a + b; }}
MLXL_SHIM mlxl_{N} mlxl_product_{N}(const mlxl_{N} a, const mlxl_{N} b) {{ return a * b; }}
MLXL_SHIM mlxl_{N} mlxl_maximum_{N}(const mlxl_{N} running, const mlxl_{N} next) {{
    return ((running > next) | (running != running)) ? running : next;
}}
MLXL_SHIM mlxl_{N} mlxl_minimum_{N}(const mlxl_{N} running, const mlxl_{N} next) {{
    return ((running < next) | (running != running)) ? running : next;
}}
/* The NaN-skipping scans: a NaN lane read as `with`; a NaN `next` skipped, a NaN `running` replaced. */
MLXL_SHIM mlxl_{N} mlxl_replacing_nan_{N}(const mlxl_{N} v, const mlxl_{N} with) {{ return (v != v) ? with : v; }}
MLXL_SHIM mlxl_{N} mlxl_nan_maximum_{N}(const mlxl_{N} running, const mlxl_{N} next) {{
    return ((running > next) | (next != next)) ? running : next;
}}
MLXL_SHIM mlxl_{N} mlxl_nan_minimum_{N}(const mlxl_{N} running, const mlxl_{N} next) {{
    return ((running < next) | (next != next)) ? running : next;
}}
"""

# Eight lanes (the vector tiles' unit: one AVX register of 4-byte
# accumulators), four (rows of eight, four at a time), and two (a pair of
# 8-byte accumulators is what one SSE register holds; the baseline build's
# tiles use pairs for those).
WIDTHS = [8, 4, 2]

# The lane moves of the eight-lane vector tiles (VectorTiles.prefix and
# VectorTiles.total): the source of each result lane, "v3" for lane 3 of the
# first argument, "f2" for lane 2 of the second. The prefix's moves take the
# second argument as `fill:`; the totals' moves pair two octets.
LANE_MOVES = [
    ("pairsShifted", "fill", ["f0", "v0", "f2", "v2", "f4", "v4", "f6", "v6"]),
    ("quadsShifted", "fill", ["f0", "f1", "v1", "v1", "f4", "f5", "v5", "v5"]),
    ("halvesShifted", "fill", ["f0", "f1", "f2", "f3", "v3", "v3", "v3", "v3"]),
    ("evenLanes", "_", ["v0", "v2", "f0", "f2", "v4", "v6", "f4", "f6"]),
    ("oddLanes", "_", ["v1", "v3", "f1", "f3", "v5", "v7", "f5", "f7"]),
    ("lastLane", None, ["v7"] * 8),
]


# The lane moves of the interleaved walk (VectorTiles+Interleaved.swift):
# eight elements of `period` interleaved sequences (a few channels along axis
# 0), element j continuing element j - period. Each move is a switch over a
# shift or period that the walk passes as a literal, so each case is one
# constant shuffle once inlined. Sources as in LANE_MOVES.
SHIFTS = range(1, 8)
PERIODS = range(2, 8)


def shifted_up(k: int) -> list:
    """(f0, ..., f(k-1), v0, ..., v(7-k)): every lane moved up k places."""
    return [f"f{j}" if j < k else f"v{j - k}" for j in range(8)]


def period_carry(p: int) -> list:
    """Lane j takes the last element of its own sequence in v: lane 8 - p + j % p."""
    return [f"v{8 - p + j % p}" for j in range(8)]


def period_rotate(p: int) -> list:
    """A pattern of per-sequence values for the next eight elements: lane (j + 8) % p."""
    return [f"v{(j + 8) % p}" for j in range(8)]


# (name, Swift parameters, case label, cases: [(case value, sources)])
PERIOD_MOVES = [
    ("shiftedUp", "_ v: {V}, fill f: {V}, by k: Int", "k", [(k, shifted_up(k)) for k in SHIFTS]),
    ("periodCarry", "_ v: {V}, period p: Int", "p", [(p, period_carry(p)) for p in PERIODS]),
    ("periodRotate", "_ v: {V}, period p: Int", "p", [(p, period_rotate(p)) for p in PERIODS]),
]


def c_sources(sources: list) -> str:
    """__builtin_shufflevector indices over (fill, v): fill lanes 0-7, v lanes 8-15."""
    return ", ".join(str(int(source[1]) + (8 if source[0] == "v" else 0)) for source in sources)


def swift_period_moves(name: str) -> str:
    """The switch of each period move; integers build the vector from lanes,
    floats call one C shuffle per case."""
    vector = f"SIMD8<{name}>"
    out = []
    for move, parameters, label, cases in PERIOD_MOVES:
        out.append(f"  @inlinable @inline(__always)\n  public static func {move}({parameters.format(V=vector)}) -> {vector} {{\n")
        out.append(f"    switch {label} {{\n")
        for value, sources in cases:
            if name in C_TYPES:
                arguments = "v, f" if move == "shiftedUp" else "v"
                body = f"mlxl_{snake(move)}{value}_{C_TYPES[name]}8({arguments})"
            else:
                body = f"{vector}(" + ", ".join(f"{s[0]}[{s[1]}]" for s in sources) + ")"
            out.append(f"    case {value}: return {body}\n")
        out.append("    default: return v\n    }\n  }\n")
    return "".join(out)


def c_period_moves(c_type: str) -> str:
    vector = f"mlxl_{c_type}8"
    out = []
    for move, _, _, cases in PERIOD_MOVES:
        for value, sources in cases:
            if move == "shiftedUp":
                out.append(
                    f"MLXL_SHIM {vector} mlxl_{snake(move)}{value}_{c_type}8(const {vector} v, const {vector} fill) "
                    f"{{ return __builtin_shufflevector(fill, v, {c_sources(sources)}); }}\n")
            else:
                out.append(
                    f"MLXL_SHIM {vector} mlxl_{snake(move)}{value}_{c_type}8(const {vector} v) "
                    f"{{ return __builtin_shufflevector(v, v, {c_sources(sources)}); }}\n")
    return "".join(out)


def swift_parameters(vector: str, label) -> str:
    return f"_ v: {vector}" if label is None else f"_ v: {vector}, {label} f: {vector}"


def swift_lane_moves(name: str) -> str:
    """Integers: element-wise initialisers, which the compiler turns into one shuffle."""
    vector = f"SIMD8<{name}>"
    lines = []
    for move, label, sources in LANE_MOVES:
        lanes = ", ".join(f"{source[0]}[{source[1]}]" for source in sources)
        lines.append(
            f"  @inlinable @inline(__always)\n"
            f"  public static func {move}({swift_parameters(vector, label)}) -> {vector} {{ {vector}({lanes}) }}\n")
    return "".join(lines)


# Two of eight floats' lane moves are written by hand, each as two shuffles an
# empty asm keeps apart (the compiler would merge them back into one):
# - halvesShifted: as one shuffle, the compiler built the upper half by
#   inserting a broadcast into whatever register was free (the running
#   total's, as it happened) and blending, a false dependency that chained
#   every step to the one before (float16 sums in cache: 0.45 -> 0.28 ns per
#   element without it);
# - pairsShifted (AVX only): one in-lane duplicate and one blend, where the
#   compiler used two shuffles; blends run on more of the CPU's vector ports.
FLOAT8_SPECIAL = {
    ("float", "halvesShifted"): """\
MLXL_SHIM mlxl_float8 mlxl_halves_shifted_float8(const mlxl_float8 v, const mlxl_float8 fill) {
    mlxl_float4 upper = __builtin_shufflevector(v, v, 3, 3, 3, 3);
    __asm__("" : "+x"(upper));
    mlxl_float4 lower = __builtin_shufflevector(fill, fill, 0, 1, 2, 3);
    return __builtin_shufflevector(lower, upper, 0, 1, 2, 3, 4, 5, 6, 7);
}
""",
    ("float", "pairsShifted"): """\
MLXL_SHIM mlxl_float8 mlxl_pairs_shifted_float8(const mlxl_float8 v, const mlxl_float8 fill) {
    mlxl_float8 evens = __builtin_shufflevector(v, v, 0, 0, 2, 2, 4, 4, 6, 6);
#if defined(__AVX__)
    __asm__("" : "+x"(evens));
#endif
    return __builtin_shufflevector(fill, evens, 0, 9, 2, 11, 4, 13, 6, 15);
}
""",
}


def c_lane_moves(c_type: str) -> str:
    """Floats: __builtin_shufflevector (lanes of the second argument first, then of the first)."""
    lines = []
    for move, label, sources in LANE_MOVES:
        if (c_type, move) in FLOAT8_SPECIAL:
            lines.append(FLOAT8_SPECIAL[c_type, move])
            continue
        indices = ", ".join(str(int(source[1]) + (8 if source[0] == "v" else 0)) for source in sources)
        vector = f"mlxl_{c_type}8"
        parameters = f"const {vector} v" if label is None else f"const {vector} v, const {vector} fill"
        second = "v" if label is None else "fill"
        lines.append(
            f"MLXL_SHIM {vector} mlxl_{snake(move)}_{c_type}8({parameters}) "
            f"{{ return __builtin_shufflevector({second}, v, {indices}); }}\n")
    return "".join(lines)


def snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def float_lane_moves(name: str) -> str:
    vector = f"SIMD8<{name}>"
    return "".join(
        f"  @inlinable @inline(__always)\n"
        f"  public static func {move}({swift_parameters(vector, label)}) -> {vector} "
        f"{{ mlxl_{snake(move)}_{C_TYPES[name]}8({'v' if label is None else 'v, f'}) }}\n"
        for move, label, _ in LANE_MOVES)


def render() -> str:
    parts = [
        "// Generated by scripts/generate_vector_operations.py: do not edit by hand.\n"
        "// The lane-wise scan operations on each accumulator's concrete vector types.\n"
        "import VectorShims\n"
    ]
    for names, body in ((INTEGERS, INTEGER_BODY), (FLOATS, FLOAT_BODY)):
        for name in names:
            parts.append(
                f"\nextension {name}: ScanVectorLanes, ScanVectorSummable, ScanVectorMultiplicable, ScanVectorOrdered"
                + (", ScanVectorNaNSkipping" if name in C_TYPES else "") + " {\n")
            parts.append(float_lane_moves(name) if name in C_TYPES else swift_lane_moves(name))
            parts.append(swift_period_moves(name))
            parts.append("".join(
                body.format(V=f"SIMD{width}<{name}>", S=name, C=f"{C_TYPES.get(name, '')}{width}") for width in WIDTHS))
            parts.append("}\n")
    return "".join(parts)


def render_header() -> str:
    parts = [HEADER_PREAMBLE]
    for width in WIDTHS:
        for c_type in C_TYPES.values():
            parts.append(f"typedef {c_type} mlxl_{c_type}{width} __attribute__((ext_vector_type({width})));\n")
    for width in WIDTHS:
        parts.append(f"\n/* {width} lanes */\n")
        for c_type in C_TYPES.values():
            parts.append(HEADER_OPERATIONS.format(N=f"{c_type}{width}"))
        parts.append(HEADER_CONVERSIONS.format(W=width))
    parts.append("\n/* The lane moves of the eight-lane prefix (VectorTiles.prefix). */\n")
    for c_type in C_TYPES.values():
        parts.append(c_lane_moves(c_type))
    parts.append("\n/* The lane moves of the interleaved walk (VectorTiles+Interleaved.swift). */\n")
    for c_type in C_TYPES.values():
        parts.append(c_period_moves(c_type))
    parts.append("\n/* bfloat16 bits <-> float: a shift, and a rounding add; as C vector\n"
                 " * expressions because Swift's float comparison (the NaN test) is a lane loop. */\n")
    for width in (8, 4):
        parts.append(HEADER_BFLOAT.format(W=width))
    parts.append("\n/* binary16 bits <-> float, where the CPU converts in one instruction (F16C:\n"
                 " * the Haswell build). Rounds to nearest even; NaN stays NaN. */\n#if defined(__F16C__)\n")
    for width in (8, 4):
        parts.append(HEADER_HALF.format(W=width))
    parts.append("#endif\n\n#endif /* MLXL_VECTOR_SHIMS_H */\n")
    return "".join(parts)


HEADER_PREAMBLE = """\
/* Generated by scripts/generate_vector_operations.py: do not edit by hand.
 *
 * Lane-wise float and double operations for the Swift vector tiles, as C
 * vector expressions: Swift's own floating-point SIMD operators are lane
 * loops that its optimizer scalarises inside the tile loop (see the script).
 * Swift imports ext_vector_type(N) as SIMDN, and inlines these functions.
 */
#ifndef MLXL_VECTOR_SHIMS_H
#define MLXL_VECTOR_SHIMS_H

#define MLXL_SHIM static inline __attribute__((always_inline))

"""

HEADER_CONVERSIONS = """\
MLXL_SHIM mlxl_double{W} mlxl_widen_float{W}(const mlxl_float{W} v) {{ return __builtin_convertvector(v, mlxl_double{W}); }}
MLXL_SHIM mlxl_float{W} mlxl_narrow_double{W}(const mlxl_double{W} v) {{ return __builtin_convertvector(v, mlxl_float{W}); }}
"""

HEADER_BFLOAT = """\
typedef unsigned short mlxl_bits{W} __attribute__((ext_vector_type({W})));
typedef unsigned int mlxl_words{W} __attribute__((ext_vector_type({W})));
MLXL_SHIM mlxl_float{W} mlxl_widen_bfloat{W}(const mlxl_bits{W} bits) {{
    return __builtin_bit_cast(mlxl_float{W}, __builtin_convertvector(bits, mlxl_words{W}) << 16);
}}
/* Round the lower 16 bits to nearest even; a NaN keeps its upper bits with the quiet bit set. */
MLXL_SHIM mlxl_bits{W} mlxl_narrow_bfloat{W}(const mlxl_float{W} v) {{
    const mlxl_words{W} pattern = __builtin_bit_cast(mlxl_words{W}, v);
    const mlxl_words{W} rounded = (pattern + 0x7fff + ((pattern >> 16) & 1)) >> 16;
    const mlxl_words{W} quiet = (pattern >> 16) | 0x40;
    return __builtin_convertvector((v != v) ? quiet : rounded, mlxl_bits{W});
}}
"""

HEADER_HALF = """\
typedef _Float16 mlxl_half{W} __attribute__((ext_vector_type({W})));
MLXL_SHIM mlxl_float{W} mlxl_widen_half{W}(const mlxl_bits{W} bits) {{
    return __builtin_convertvector(__builtin_bit_cast(mlxl_half{W}, bits), mlxl_float{W});
}}
MLXL_SHIM mlxl_bits{W} mlxl_narrow_half{W}(const mlxl_float{W} v) {{
    return __builtin_bit_cast(mlxl_bits{W}, __builtin_convertvector(v, mlxl_half{W}));
}}
"""


def main() -> int:
    outputs = {TARGET: render(), HEADER: render_header()}
    if "--check" in sys.argv[1:]:
        stale = [path.name for path, text in outputs.items() if not path.exists() or path.read_text() != text]
        if stale:
            print(f"{', '.join(stale)} stale: run {pathlib.Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    for path, text in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
