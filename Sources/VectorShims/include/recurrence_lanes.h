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

/* (fill, v1, v2, v3): the first lane replaced. */
MLXL_SHIM mlxl_double4 mlxl_first1_double4(const mlxl_double4 v, const double fill) {
    return __builtin_shufflevector(v, (mlxl_double4)fill, 4, 1, 2, 3);
}

/* (fill, fill, v2, v3): the first two lanes replaced. */
MLXL_SHIM mlxl_double4 mlxl_first2_double4(const mlxl_double4 v, const double fill) {
    return __builtin_shufflevector(v, (mlxl_double4)fill, 4, 5, 2, 3);
}

/* (v3, v3, v3, v3): the last lane in every lane. */
MLXL_SHIM mlxl_double4 mlxl_last_double4(const mlxl_double4 v) {
    return __builtin_shufflevector(v, v, 3, 3, 3, 3);
}

/* (v2, v3, v2, v3): the last pair of lanes in both pairs. */
MLXL_SHIM mlxl_double4 mlxl_last_pair_double4(const mlxl_double4 v) {
    return __builtin_shufflevector(v, v, 2, 3, 2, 3);
}

/* (v, v, v, v). */
MLXL_SHIM mlxl_double4 mlxl_splat_double4(const double v) { return (mlxl_double4)v; }

#endif /* MLXL_RECURRENCE_LANES_H */
