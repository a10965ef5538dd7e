/* Lane moves for the linear recurrences' four-row vectors (SwiftScan's
 * RecurrenceLines.swift). Written by hand, not generated: no operation table
 * behind it. As Swift initialisers (`SIMD4(fill, v[0], v[1], v[2])`) with
 * Swift's lane-loop operators the chunk loop was split into two-lane halves
 * and spilled (1-D float32 in cache: 0.6 ns an element for a pass that
 * needs a tenth of that); the arithmetic uses vector_shims.h's sum and product.
 */
#ifndef MLXL_RECURRENCE_LANES_H
#define MLXL_RECURRENCE_LANES_H

#include "vector_shims.h"

/* (fill, v0, v1, v2): every lane moved up one place. */
MLXL_SHIM mlxl_double4 mlxl_up1_double4(const mlxl_double4 v, const double fill) {
    return __builtin_shufflevector(v, (mlxl_double4)fill, 4, 0, 1, 2);
}

/* (fill, fill, v0, v1): every lane moved up two places. */
MLXL_SHIM mlxl_double4 mlxl_up2_double4(const mlxl_double4 v, const double fill) {
    return __builtin_shufflevector(v, (mlxl_double4)fill, 4, 5, 0, 1);
}

/* (v3, v3, v3, v3): the last lane in every lane. */
MLXL_SHIM mlxl_double4 mlxl_last_double4(const mlxl_double4 v) {
    return __builtin_shufflevector(v, v, 3, 3, 3, 3);
}

/* (v2, v3, v2, v3): the last pair of lanes in both pairs. */
MLXL_SHIM mlxl_double4 mlxl_last_pair_double4(const mlxl_double4 v) {
    return __builtin_shufflevector(v, v, 2, 3, 2, 3);
}

/* Two of the four moves of a 4x4 transpose: (a0, b0, a2, b2) and (a1, b1, a3, b3). */
MLXL_SHIM mlxl_double4 mlxl_even_double4(const mlxl_double4 a, const mlxl_double4 b) {
    return __builtin_shufflevector(a, b, 0, 4, 2, 6);
}
MLXL_SHIM mlxl_double4 mlxl_odd_double4(const mlxl_double4 a, const mlxl_double4 b) {
    return __builtin_shufflevector(a, b, 1, 5, 3, 7);
}

/* The other two: (a0, a1, b0, b1) and (a2, a3, b2, b3). */
MLXL_SHIM mlxl_double4 mlxl_low_halves_double4(const mlxl_double4 a, const mlxl_double4 b) {
    return __builtin_shufflevector(a, b, 0, 1, 4, 5);
}
MLXL_SHIM mlxl_double4 mlxl_high_halves_double4(const mlxl_double4 a, const mlxl_double4 b) {
    return __builtin_shufflevector(a, b, 2, 3, 6, 7);
}

/* (v2, v3, v0, v1): two rows of two lanes in the other order. */
MLXL_SHIM mlxl_double4 mlxl_swapped_halves_double4(const mlxl_double4 v) {
    return __builtin_shufflevector(v, v, 2, 3, 0, 1);
}

/* (v, v, v, v). */
MLXL_SHIM mlxl_double4 mlxl_splat_double4(const double v) { return (mlxl_double4)v; }

#endif /* MLXL_RECURRENCE_LANES_H */
