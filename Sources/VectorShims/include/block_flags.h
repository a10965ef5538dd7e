/* Published flags for the threads that share one scan (SwiftScan's BlockChain):
 * a block's total is written with plain stores, then its flag is raised with a
 * release store; a thread that sees the flag with an acquire load then reads
 * the total. Written by hand (no table behind it), as C11 atomics, so the
 * orderings are the language's own and ThreadSanitizer understands them.
 */
#ifndef MLXL_BLOCK_FLAGS_H
#define MLXL_BLOCK_FLAGS_H

#include <stdint.h>

static inline __attribute__((always_inline)) void mlxl_flag_raise(int64_t *flag) {
    __atomic_store_n(flag, 1, __ATOMIC_RELEASE);
}

static inline __attribute__((always_inline)) int mlxl_flag_is_up(int64_t *flag) {
    return __atomic_load_n(flag, __ATOMIC_ACQUIRE) != 0;
}

/* The next unclaimed index of a counter shared by the threads, claimed. */
static inline __attribute__((always_inline)) int64_t mlxl_claim_next(int64_t *counter) {
    return __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

#endif /* MLXL_BLOCK_FLAGS_H */
