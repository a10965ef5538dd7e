/* Non-temporal ("streaming") stores for the vector tiles: for outputs far
 * larger than the caches, a store that goes to memory without first reading
 * the line it writes (an ordinary store fetches every output line before
 * overwriting it) and without evicting the input from the caches. For 10^7
 * float16 sums on two cores this took a third of the time off the scan.
 *
 * Streaming stores are weakly ordered: a thread that wrote with them calls
 * mlxl_stream_fence before another thread may read what it wrote.
 * Not part of the generated vector_shims.h: no operation table behind it.
 */
#ifndef MLXL_STREAMING_STORES_H
#define MLXL_STREAMING_STORES_H

typedef unsigned long long mlxl_bytes16 __attribute__((ext_vector_type(2)));

/* Stores 16 bytes at `target`, which must be 16-byte aligned. */
static inline __attribute__((always_inline)) void mlxl_stream_store16(void *target, const mlxl_bytes16 value) {
    __builtin_nontemporal_store(value, (mlxl_bytes16 *)target);
}

/* Orders this thread's streaming stores before its later stores (x86 SFENCE). */
static inline __attribute__((always_inline)) void mlxl_stream_fence(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_sfence();
#elif defined(__aarch64__)
    __asm__ __volatile__("dmb ishst" ::: "memory");
#else
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

#endif /* MLXL_STREAMING_STORES_H */
