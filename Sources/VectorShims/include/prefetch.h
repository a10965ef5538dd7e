/* A read hint for memory a loop will need soon (the linear recurrences'
 * next block while pass one runs over this one). Pass one of a dense line
 * reads sixteen streams a kilobyte apart (eight chunks of `a` and of `b`),
 * which the hardware prefetchers did not keep ahead of: 10^7 float32 with a
 * varying step, one thread, took 2.0 ns an element against 1.3 with the
 * same data in the cache. A hint never faults, so it may point past the end
 * of an array. Not part of the generated vector_shims.h: no operation table.
 */
#ifndef MLXL_PREFETCH_H
#define MLXL_PREFETCH_H

/* Asks for the cache line holding `address`, to be read, into L2 (a block
 * and the next do not both fit in L1 with float64's three arrays). */
static inline __attribute__((always_inline)) void mlxl_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 2);
}

/* Asks for the cache line holding `address`, to be written (PREFETCHW):
 * a store to a line not in the cache first reads it, and the stores behind
 * it wait. */
static inline __attribute__((always_inline)) void mlxl_prefetch_write(void *address) {
    __builtin_prefetch(address, 1, 2);
}

#endif /* MLXL_PREFETCH_H */
