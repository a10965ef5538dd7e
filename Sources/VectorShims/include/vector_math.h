/* Vector exp and log on four doubles, for logcumsumexp (SwiftScan's
 * LogSumExpTiles). Written by hand, not generated: no operation table behind it.
 *
 * Why not SLEEF: it would be one more static library for setup.py, both
 * scripts and every fresh machine to build and link, for two functions whose
 * domains here are narrow (exp of x <= 0, log of a normal positive number).
 *
 * Accuracy (measured against glibc's exp and log on 1.6 * 10^7
 * random arguments over each domain, both builds): exp within 1 ulp, log
 * within 2 ulps (the atanh series near f = 1.2);
 * both are far below what a float32 (or half) output can see.
 *
 * The results are the same bits on every run; they may differ in the last bit
 * between the baseline and Haswell builds (FMA is used where __FMA__ is defined).
 */
#ifndef MLXL_VECTOR_MATH_H
#define MLXL_VECTOR_MATH_H

#include "vector_shims.h"

typedef long mlxl_long4 __attribute__((ext_vector_type(4)));

#if defined(__FMA__)
#define MLXL_FMA(a, b, c) __builtin_elementwise_fma((a), (b), (c))
#else
#define MLXL_FMA(a, b, c) ((a) * (b) + (c))
#endif

#define MLXL_BITS(v) ((mlxl_long4)(v))
#define MLXL_DOUBLES(v) ((mlxl_double4)(v))

/* exp(x) for x <= 0 (or -inf, or NaN), flushed to 0 below -708: there 2^n
 * would leave the normal range, and every caller adds such terms to sums of
 * at least 2^-960 (LogSumExpTiles falls back otherwise) or to 1.
 * Cody-Waite reduction x = n ln2 + r, |r| <= ln2/2, with fdlibm's split of
 * ln2 (n * ln2_hi is exact for |n| < 2^20), then Taylor to degree 13:
 * the truncation is below 5e-18 relative (a 0.05-ulp term). */
MLXL_SHIM mlxl_double4 mlxl_exp_nonpositive_double4(const mlxl_double4 x) {
    const mlxl_double4 shifter = 0x1.8p52;
    const mlxl_double4 t = MLXL_FMA(x, (mlxl_double4)1.4426950408889634, shifter);
    const mlxl_double4 n = t - shifter; /* round(x / ln2), as a double */
    mlxl_double4 r = MLXL_FMA(n, (mlxl_double4)-6.93147180369123816490e-01, x);
    r = MLXL_FMA(n, (mlxl_double4)-1.90821492927058770002e-10, r);
    /* Estrin's scheme, not Horner's: a Horner chain of 13 dependent FMAs
     * (about 52 cycles) made LogSumExpTiles latency-bound (perf: the loop's
     * time sat on the polynomial's FMAs, 1-D float32 5.5 ns an element on
     * one thread). p = 1 + (r + r^2 Q(r)), Q of degree 11 by pairs. */
    const mlxl_double4 r2 = r * r;
    const mlxl_double4 r4 = r2 * r2;
    const mlxl_double4 a0 = MLXL_FMA(r, (mlxl_double4)(1.0 / 6.0), (mlxl_double4)0.5);
    const mlxl_double4 a1 = MLXL_FMA(r, (mlxl_double4)(1.0 / 120.0), (mlxl_double4)(1.0 / 24.0));
    const mlxl_double4 a2 = MLXL_FMA(r, (mlxl_double4)(1.0 / 5040.0), (mlxl_double4)(1.0 / 720.0));
    const mlxl_double4 a3 = MLXL_FMA(r, (mlxl_double4)(1.0 / 362880.0), (mlxl_double4)(1.0 / 40320.0));
    const mlxl_double4 a4 = MLXL_FMA(r, (mlxl_double4)(1.0 / 39916800.0), (mlxl_double4)(1.0 / 3628800.0));
    const mlxl_double4 a5 = MLXL_FMA(r, (mlxl_double4)(1.0 / 6227020800.0), (mlxl_double4)(1.0 / 479001600.0));
    const mlxl_double4 b0 = MLXL_FMA(a1, r2, a0);
    const mlxl_double4 b1 = MLXL_FMA(a3, r2, a2);
    const mlxl_double4 b2 = MLXL_FMA(a5, r2, a4);
    const mlxl_double4 q = MLXL_FMA(MLXL_FMA(b2, r4, b1), r4, b0);
    const mlxl_double4 p = 1.0 + MLXL_FMA(r2, q, r);
    /* 2^n p: n sits in the low bits of t (t = 1.5 * 2^52 + n). */
    const mlxl_long4 scale = (MLXL_BITS(t) - MLXL_BITS(shifter)) << 52;
    const mlxl_double4 result = MLXL_DOUBLES(MLXL_BITS(p) + scale);
    /* -inf (and anything below -708) gives 0; NaN compares false and stays NaN. */
    return x < -708.0 ? (mlxl_double4)0.0 : result;
}

/* log(s) for normal positive s (LogSumExpTiles keeps s in [2^-960, 2^12]).
 * s = 2^k f with f in [sqrt(1/2), sqrt(2)) (musl's split on the bits), then
 * log f = 2 atanh(u), u = (f - 1) / (f + 1), |u| <= 0.1716: the series in
 * u^2 to degree 10 truncates below 3e-17 relative. One division per four. */
MLXL_SHIM mlxl_double4 mlxl_log_double4(const mlxl_double4 s) {
    const mlxl_long4 bits = MLXL_BITS(s);
    const mlxl_long4 k = (bits - 0x3fe6a09e667f3bcdL) >> 52;
    const mlxl_double4 f = MLXL_DOUBLES(bits - (k << 52));
    /* k as a double without a 64-bit conversion (AVX2 has none): |k| < 2^51. */
    const mlxl_double4 kd = MLXL_DOUBLES(k + MLXL_BITS((mlxl_double4)0x1.8p52)) - 0x1.8p52;
    const mlxl_double4 u = (f - 1.0) / (f + 1.0); /* f - 1 is exact (Sterbenz) */
    const mlxl_double4 z = u * u;
    /* Estrin's scheme (as in the exp above: a latency of four FMAs instead of ten). */
    const mlxl_double4 z2 = z * z;
    const mlxl_double4 z4 = z2 * z2;
    const mlxl_double4 a0 = MLXL_FMA(z, (mlxl_double4)(1.0 / 5.0), (mlxl_double4)(1.0 / 3.0));
    const mlxl_double4 a1 = MLXL_FMA(z, (mlxl_double4)(1.0 / 9.0), (mlxl_double4)(1.0 / 7.0));
    const mlxl_double4 a2 = MLXL_FMA(z, (mlxl_double4)(1.0 / 13.0), (mlxl_double4)(1.0 / 11.0));
    const mlxl_double4 a3 = MLXL_FMA(z, (mlxl_double4)(1.0 / 17.0), (mlxl_double4)(1.0 / 15.0));
    const mlxl_double4 a4 = MLXL_FMA(z, (mlxl_double4)(1.0 / 21.0), (mlxl_double4)(1.0 / 19.0));
    const mlxl_double4 b0 = MLXL_FMA(a1, z2, a0);
    const mlxl_double4 b1 = MLXL_FMA(a3, z2, a2);
    const mlxl_double4 q = MLXL_FMA(MLXL_FMA(a4, z4, b1), z4, b0);
    const mlxl_double4 twice = u + u;
    const mlxl_double4 logf = MLXL_FMA(twice, z * q, twice);
    /* k ln2 in two parts (ln2_hi has 32 trailing zero bits: k ln2_hi is exact). */
    return MLXL_FMA(kd, (mlxl_double4)6.93147180369123816490e-01,
                    MLXL_FMA(kd, (mlxl_double4)1.90821492927058770002e-10, logf));
}

/* log(exp(a) + exp(b)) lane by lane, with ScanLogAddExp's rules: NaN
 * propagates (a's first), -inf on the low side adds nothing, +inf absorbs. */
MLXL_SHIM mlxl_double4 mlxl_logaddexp_double4(const mlxl_double4 a, const mlxl_double4 b) {
    const mlxl_long4 aHigh = a > b;
    const mlxl_double4 high = aHigh ? a : b;
    const mlxl_double4 low = aHigh ? b : a;
    const mlxl_double4 e = mlxl_exp_nonpositive_double4(low - high); /* in [0, 1] */
    /* log1p(e) as log(u) + (e - (u - 1)), u = 1 + e rounded: the second term
     * is exactly what the rounding dropped (u - 1 is exact), and dividing it
     * by u would change it by under e * 2^-53. Without it, logaddexp(0, -25)
     * was 80 float32 ulps off (log(1 + 1.4e-11) keeps 5 digits). */
    const mlxl_double4 u = 1.0 + e;
    mlxl_double4 result = high + (mlxl_log_double4(u) + (e - (u - 1.0)));
    result = ((low == -__builtin_inf()) | (high == __builtin_inf())) ? high : result;
    result = (b != b) ? b : result;
    return (a != a) ? a : result;
}

/* The inclusive prefix sum of four lanes plus `base` (broadcast), grouped
 * ((x0 + x1) + (x2 + x3)) the same way whatever the register width. */
MLXL_SHIM mlxl_double4 mlxl_prefix_sum_double4(const mlxl_double4 v, const mlxl_double4 base) {
    const mlxl_double4 zero = 0.0;
    const mlxl_double4 pairs = v + __builtin_shufflevector(zero, v, 0, 4, 0, 6);
    const mlxl_double4 quads = pairs + __builtin_shufflevector(zero, pairs, 0, 0, 5, 5);
    return base + quads;
}

/* a * b + c, fused where the CPU has FMA (one rounding), two roundings otherwise. */
MLXL_SHIM mlxl_double4 mlxl_fma_double4(const mlxl_double4 a, const mlxl_double4 b, const mlxl_double4 c) {
    return MLXL_FMA(a, b, c);
}

MLXL_SHIM mlxl_double4 mlxl_difference_double4(const mlxl_double4 a, const mlxl_double4 b) { return a - b; }

/* min(running, |v|) lane by lane. */
MLXL_SHIM mlxl_double4 mlxl_min_magnitude_double4(const mlxl_double4 running, const mlxl_double4 v) {
    const mlxl_double4 magnitude = __builtin_elementwise_abs(v);
    return magnitude < running ? magnitude : running;
}

/* (v3, v3, v3, v3) */
MLXL_SHIM mlxl_double4 mlxl_last_lane_double4(const mlxl_double4 v) {
    return __builtin_shufflevector(v, v, 3, 3, 3, 3);
}

/* (v3, v2, v1, v0): four elements loaded below a backward step, in scan order. */
MLXL_SHIM mlxl_double4 mlxl_reversed_double4(const mlxl_double4 v) {
    return __builtin_shufflevector(v, v, 3, 2, 1, 0);
}

/* The larger lane by lane, NaN kept (either side). */
MLXL_SHIM mlxl_double4 mlxl_max_nan_double4(const mlxl_double4 a, const mlxl_double4 b) {
    return ((a > b) | (a != a)) ? a : b;
}

#endif /* MLXL_VECTOR_MATH_H */
