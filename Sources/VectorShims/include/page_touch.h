/* A first write into fresh memory, placed where the kernel zeroes fastest
 * (FreshPages.swift says why and what it measured).
 * Not part of the generated vector_shims.h: no operation table behind it.
 */
#ifndef MLXL_PAGE_TOUCH_H
#define MLXL_PAGE_TOUCH_H

/* Writes the byte at `address` back as it is: a write fault on fresh memory,
 * nothing on memory already there. Volatile, so the compiler keeps a store
 * that changes no value. */
static inline __attribute__((always_inline)) void mlxl_touch_byte(void *address) {
    volatile unsigned char *byte = (volatile unsigned char *)address;
    *byte = *byte;
}

#endif /* MLXL_PAGE_TOUCH_H */
