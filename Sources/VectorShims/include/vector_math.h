/* Vector exp and log on four doubles, for logcumsumexp (SwiftScan's
 * LogSumExpTiles). Written by hand, not generated: no operation table behind it.
 *
 * Why not SLEEF: it would be one more static library for setup.py, both
 * scripts and every fresh machine to build and link, for two functions whose
 * domains here are narrow (exp of x <= 0, log of a normal positive number).
 *
 * Accuracy at MLXL_BITS_DOUBLE (measured against glibc's exp and log on
 * 1.6 * 10^7 random arguments over each domain): within 1 ulp each.
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

/* The polynomials below come in three precisions, chosen by `bits` (a
 * constant where these always-inline functions are called, so the choice
 * folds away): what an output of each storage type needs, a margin below its
 * last place where LogSumExpTiles keeps outputs (the cancellation limit,
 * 2^-24 (|M| + 8) at least, for 2^-44 ulps of float32 and far coarser ones of
 * float16 and bfloat16). MLXL_BITS_DOUBLE: float64 outputs; MLXL_BITS_SINGLE:
 * float32 (errors below 2^-49, 1/32 of a float32 ulp at that limit);
 * MLXL_BITS_HALF: float16 and bfloat16 (below 2^-32). Fewer terms are most
 * of the time saved: 1-D bfloat16 10^7 took 46 ms on the float64 polynomials.
 *
 * The coefficients are Chebyshev interpolants (near-minimax) of the reduced
 * functions, fitted in long double; each table's comment has its largest error
 * over the reduced range, measured on 2 * 10^5 points against long double. */
#define MLXL_BITS_DOUBLE 53
#define MLXL_BITS_SINGLE 49
#define MLXL_BITS_HALF 32

/* c[0] + c[1] x + ... + c[n] x^n by Estrin's scheme (pairs, then pairs of
 * pairs by x^2, x^4, ...), n < 12: a latency of about log2(n) FMAs instead of
 * Horner's n, which made LogSumExpTiles latency-bound (perf: the loop's time sat
 * on the dependent FMAs). With a constant n the loops unroll completely. */
MLXL_SHIM mlxl_double4 mlxl_estrin_double4(const mlxl_double4 x, const double *c, const int n) {
    mlxl_double4 terms[12];
    for (int i = 0; i <= n; i++) terms[i] = c[i];
    mlxl_double4 power = x;
    for (int count = n + 1; count > 1; count = (count + 1) / 2) {
        for (int i = 0; 2 * i < count; i++)
            terms[i] = 2 * i + 1 < count ? MLXL_FMA(terms[2 * i + 1], power, terms[2 * i]) : terms[2 * i];
        power = power * power;
    }
    return terms[0];
}

/* Q(r) ~ (e^r - 1 - r) / r^2 on [-ln2/2, ln2/2]; the relative error of
 * 1 + (r + r^2 Q) against e^r: 2^-54.5, 2^-49.5, 2^-32.1. */
static const double mlxl_exp_q_double[] = {
    0.5000000000000002, 0.16666666666666652, 0.04166666666662277, 0.008333333333330858,
    0.0013888888918762868, 0.00019841269901608912, 2.4801518039026693e-05, 2.755719244389027e-06,
    2.7621911794680643e-07, 2.5138884322922567e-08};
static const double mlxl_exp_q_single[] = {
    0.5000000000000003, 0.1666666666664827, 0.041666666666655805, 0.008333333353757903,
    0.0013888888903597298, 0.0001984120866998738, 2.4801539253655495e-05, 2.7625152536238596e-06,
    2.761285091175918e-07};
static const double mlxl_exp_q_half[] = {
    0.5000000013457727, 0.16666666681614264, 0.0416664650060385, 0.00833331093445147,
    0.0013933641032134987, 0.0001989098086692646};

/* exp(x) for x <= 0 (or -inf, or NaN), flushed to 0 below -708: there 2^n
 * would leave the normal range, and every caller adds such terms to sums of
 * at least 2^-960 (LogSumExpTiles falls back otherwise) or to 1.
 * Cody-Waite reduction x = n ln2 + r, |r| <= ln2/2, with fdlibm's split of
 * ln2 (n * ln2_hi is exact for |n| < 2^20), then 1 + (r + r^2 Q(r)). */
MLXL_SHIM mlxl_double4 mlxl_exp_nonpositive_double4(const mlxl_double4 x, const int bits) {
    const mlxl_double4 shifter = 0x1.8p52;
    const mlxl_double4 t = MLXL_FMA(x, (mlxl_double4)1.4426950408889634, shifter);
    const mlxl_double4 n = t - shifter; /* round(x / ln2), as a double */
    mlxl_double4 r = MLXL_FMA(n, (mlxl_double4)-6.93147180369123816490e-01, x);
    r = MLXL_FMA(n, (mlxl_double4)-1.90821492927058770002e-10, r);
    const mlxl_double4 q = bits > MLXL_BITS_SINGLE ? mlxl_estrin_double4(r, mlxl_exp_q_double, 9)
                         : bits > MLXL_BITS_HALF   ? mlxl_estrin_double4(r, mlxl_exp_q_single, 8)
                                                   : mlxl_estrin_double4(r, mlxl_exp_q_half, 5);
    const mlxl_double4 p = 1.0 + MLXL_FMA(r * r, q, r);
    /* 2^n p: n sits in the low bits of t (t = 1.5 * 2^52 + n). */
    const mlxl_long4 scale = (MLXL_BITS(t) - MLXL_BITS(shifter)) << 52;
    const mlxl_double4 result = MLXL_DOUBLES(MLXL_BITS(p) + scale);
    /* -inf (and anything below -708) gives 0; NaN compares false and stays NaN. */
    return x < -708.0 ? (mlxl_double4)0.0 : result;
}

/* q(z) ~ (atanh(u) / u - 1) / z, z = u^2 in [0, 0.02944]; the absolute error
 * of 2u + 2u z q against log f = 2 atanh(u): 2^-58.0, 2^-51.9, 2^-37.3. */
static const double mlxl_log_q_double[] = {
    0.33333333333333354, 0.19999999999955193, 0.14285714311159153, 0.11111105839434474,
    0.09091425598723578, 0.07666478406803776, 0.07300618845648879};
static const double mlxl_log_q_single[] = {
    0.33333333333331044, 0.20000000005610055, 0.14285712067242834, 0.11111431342623526,
    0.09070088079756893, 0.08311042883588977};
static const double mlxl_log_q_half[] = {
    0.33333333277225835, 0.200000609384857, 0.14275408299825945, 0.11665290970629405};

/* log(s) for normal positive s (LogSumExpTiles keeps s in [2^-960, 2^12]).
 * s = 2^k f with f in [sqrt(1/2), sqrt(2)) (musl's split on the bits), then
 * log f = 2 atanh(u), u = (f - 1) / (f + 1), |u| <= 0.1716. One division per four. */
MLXL_SHIM mlxl_double4 mlxl_log_double4(const mlxl_double4 s, const int bits) {
    const mlxl_long4 raw = MLXL_BITS(s);
    const mlxl_long4 k = (raw - 0x3fe6a09e667f3bcdL) >> 52;
    const mlxl_double4 f = MLXL_DOUBLES(raw - (k << 52));
    /* k as a double without a 64-bit conversion (AVX2 has none): |k| < 2^51. */
    const mlxl_double4 kd = MLXL_DOUBLES(k + MLXL_BITS((mlxl_double4)0x1.8p52)) - 0x1.8p52;
    const mlxl_double4 u = (f - 1.0) / (f + 1.0); /* f - 1 is exact (Sterbenz) */
    const mlxl_double4 z = u * u;
    const mlxl_double4 q = bits > MLXL_BITS_SINGLE ? mlxl_estrin_double4(z, mlxl_log_q_double, 6)
                         : bits > MLXL_BITS_HALF   ? mlxl_estrin_double4(z, mlxl_log_q_single, 5)
                                                   : mlxl_estrin_double4(z, mlxl_log_q_half, 3);
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
    const mlxl_double4 e = mlxl_exp_nonpositive_double4(low - high, MLXL_BITS_DOUBLE); /* in [0, 1] */
    /* log1p(e) as log(u) + (e - (u - 1)), u = 1 + e rounded: the second term
     * is exactly what the rounding dropped (u - 1 is exact), and dividing it
     * by u would change it by under e * 2^-53. Without it, logaddexp(0, -25)
     * was 80 float32 ulps off (log(1 + 1.4e-11) keeps 5 digits). */
    const mlxl_double4 u = 1.0 + e;
    mlxl_double4 result = high + (mlxl_log_double4(u, MLXL_BITS_DOUBLE) + (e - (u - 1.0)));
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
