/*
 * The one contract between the C bridge and the Swift scan engine.
 *
 * Everything here is plain C so that both sides read the same numbers: the
 * operation and element codes, the problem description, and the status codes.
 * The codes are generated, with the Python package's, from one table
 * (scripts/scan_table.py), so no number is written down twice.
 */
#ifndef MLX_LITE_SCAN_ABI_H
#define MLX_LITE_SCAN_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* NumPy's limit on dimensions (NPY_MAXDIMS in NumPy 2). */
#define MLXL_MAX_DIMS 64

/* mlxl_op and mlxl_dtype: generated from scripts/scan_table.py. */
#include "scan_abi_codes.h"

typedef enum {
    MLXL_STATUS_OK = 0,
    /* The operation is not defined for the element type (e.g. a sum of bools). */
    MLXL_STATUS_UNSUPPORTED = 1,
    /* Codes, dimensions or axis out of range, or a negative extent. */
    MLXL_STATUS_BAD_PROBLEM = 2,
    /* Scratch space could not be allocated. */
    MLXL_STATUS_NO_MEMORY = 3,
    /* The interrupt flag was raised while the scan ran; the output is incomplete. */
    MLXL_STATUS_INTERRUPTED = 4
} mlxl_status;

/*
 * One scan: `output` receives the scan of `input` along `axis`.
 *
 * Shapes are the input's element counts; strides are in bytes and may be zero
 * or negative. `axis == -1` scans the whole array as one sequence in C order
 * (MLX's and NumPy's axis=None); `output` is then a 1-D array of as many
 * elements whose stride is `output_strides[0]` (0: dense, the element size),
 * and the other output strides are not read.
 *
 * `include_initial` (with `inclusive`): the output has one element more along
 * the axis (one more in all, for axis -1): the exclusive scan's first value
 * (the last one, when `reverse`), then the inclusive scan; an empty axis gives
 * that one value. Its output shape is the input's with `shape[axis] + 1`.
 */
typedef struct {
    int32_t op;        /* mlxl_op */
    int32_t dtype;     /* mlxl_dtype, the same for input and output */
    int32_t ndim;      /* 1 ... MLXL_MAX_DIMS */
    int32_t axis;      /* 0 ... ndim-1, or -1 for the flattened sequence */
    int32_t reverse;   /* nonzero: scan from the last element towards the first */
    int32_t inclusive; /* zero: shift by one and start from the identity */
    const void *input;
    void *output;
    /* Nonzero pointer: the engine polls it between blocks and stops when it reads nonzero. */
    const volatile int32_t *interrupt;
    int64_t shape[MLXL_MAX_DIMS];
    int64_t input_strides[MLXL_MAX_DIMS];
    int64_t output_strides[MLXL_MAX_DIMS];
    int32_t include_initial; /* nonzero: n + 1 outputs along the axis, the start first (see above) */
} mlxl_scan_problem;

/* A read the optimiser cannot hoist out of a loop: the engine's poll of `interrupt`. */
static inline int32_t mlxl_flag_is_raised(const volatile int32_t *flag) {
    return flag != 0 && *flag != 0;
}

/* One step of a spin-wait: tells the CPU this thread is waiting (x86 PAUSE, ARM YIELD). */
static inline void mlxl_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ __volatile__("yield");
#endif
}

/*
 * One first-order linear recurrence: `output[t] = a[t] * output[t-1] + scale * b[t]`
 * along `axis`, from `output[-1] = initial` (zero when `initial` is NULL);
 * with `reverse`, from the last element towards the first.
 *
 * Every array has the shape `shape` and the element type `dtype` (a float or
 * complex code); strides are in bytes, any sign, zero for a broadcast
 * operand. `initial`'s stride along the axis is not read. `a` NULL means the
 * constant `a_constant` (real part, imaginary part) at every step, which
 * reads one array instead of two. The Python layer resolves axis=None
 * (flattened) and broadcasting before it calls.
 */
typedef struct {
    int32_t dtype;   /* mlxl_dtype of every array: float16 ... complex128 */
    int32_t ndim;    /* 1 ... MLXL_MAX_DIMS */
    int32_t axis;    /* 0 ... ndim-1 */
    int32_t reverse; /* nonzero: h[t] = a[t] * h[t+1] + scale * b[t], from the end */
    const void *a;   /* NULL: a_constant */
    const void *b;
    const void *initial; /* NULL: zero */
    void *output;
    const volatile int32_t *interrupt; /* as in mlxl_scan_problem */
    double a_constant[2];
    double scale; /* of b: 1 for linear_recurrence; ewma's alpha */
    int64_t shape[MLXL_MAX_DIMS];
    int64_t a_strides[MLXL_MAX_DIMS];
    int64_t b_strides[MLXL_MAX_DIMS];
    int64_t initial_strides[MLXL_MAX_DIMS];
    int64_t output_strides[MLXL_MAX_DIMS];
} mlxl_recurrence_problem;

/* Runs the recurrence; returns an mlxl_status. Safe to call from many threads at once. */
int32_t mlxl_linear_recurrence(const mlxl_recurrence_problem *problem);

/* Runs the scan; returns an mlxl_status. Safe to call from many threads at once. */
int32_t mlxl_scan(const mlxl_scan_problem *problem);

/* CPUs this process may run on (its affinity mask), at least 1. */
int32_t mlxl_available_cpus(void);

/* Bytes per element of an mlxl_dtype, or 0 for an unknown code. */
int64_t mlxl_element_size(int32_t dtype);

#ifdef __cplusplus
}
#endif

#endif
