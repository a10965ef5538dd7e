/*
 * The result cache: memory of large results, kept when NumPy frees them and
 * handed to the next result that fits, as MLX's allocator keeps its buffers.
 *
 * Why: the memory of a new large result comes from the kernel as fresh pages,
 * and the kernel zeroes every page on its first touch. For a 40 MB result that
 * zeroing costs about as much as the scan itself (perf: a third of the
 * process's time in clear_page for 10^7 float32 sums). A result that reuses
 * cached memory skips it. Code that calls a scan in a loop and drops the
 * previous result (the common case) pays the zeroing once.
 *
 * How: results of at least MLXL_CACHE_MIN_BYTES are allocated under a NumPy
 * memory handler (module.c sets it around the allocation), so the array owns
 * its data as usual and NumPy calls cache_free when it dies. cache_free keeps
 * the block while the cache holds at most `limit` bytes (oldest out first);
 * cache_malloc takes the smallest kept block that fits and wastes at most a
 * quarter of itself, or else calls malloc. mlx_lite.set_cache_limit,
 * clear_cache and get_cache_memory (MLX's names) control it; the default limit
 * is an eighth of physical memory, MLX_LITE_CACHE_LIMIT (bytes) overrides it,
 * and 0 turns the cache off.
 *
 * NumPy allocates and frees array data with the GIL held, but the mutex keeps
 * the cache safe without relying on that. Nor does fork() rely on it: a thread
 * that holds the lock when another forks would leave it locked in the child
 * for good (only the forking thread exists there), and the child's first large
 * result would wait forever. So fork() takes the lock first (pthread_atfork:
 * the forking thread waits for the holder to leave) and both sides release it
 * afterwards; the child inherits the cache in a consistent state.
 */
#define _GNU_SOURCE
#include "result_cache.h"

#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum { SLOTS = 16 };

typedef struct {
    void *block;
    size_t capacity;
} cached_block;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static cached_block slots[SLOTS]; /* oldest first */
static int used;
static size_t held;
static size_t limit;

static size_t
default_limit(void)
{
    const char *text = getenv("MLX_LITE_CACHE_LIMIT");
    if (text != NULL && *text != '\0') {
        char *end;
        unsigned long long value = strtoull(text, &end, 10);
        if (*end == '\0') return (size_t)value;
    }
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? (size_t)pages * (size_t)page / 8 : 0;
}

/* Removes slot `index`, keeping the rest in age order; the caller holds the lock. */
static void *
take(int index)
{
    void *block = slots[index].block;
    held -= slots[index].capacity;
    memmove(&slots[index], &slots[index + 1], (size_t)(used - index - 1) * sizeof slots[0]);
    used--;
    return block;
}

/* Frees the oldest blocks until at most `bytes` are held; the caller holds the lock. */
static void
trim(size_t bytes)
{
    while (used > 0 && held > bytes) free(take(0));
}

static void *
cache_malloc(void *context, size_t size)
{
    (void)context;
    pthread_mutex_lock(&lock);
    int best = -1;
    for (int i = 0; i < used; i++) {
        size_t capacity = slots[i].capacity;
        if (capacity >= size && capacity - size <= capacity / 4
            && (best < 0 || capacity < slots[best].capacity)) best = i;
    }
    void *block = best >= 0 ? take(best) : NULL;
    pthread_mutex_unlock(&lock);
    if (block != NULL) return block;
    block = malloc(size);
#ifdef MADV_HUGEPAGE
    /* As NumPy's own allocator does for large arrays: let the kernel back them with huge pages. */
    if (block != NULL && size >= ((size_t)1 << 22)) {
        size_t offset = 4096 - (size_t)block % 4096;
        madvise((char *)block + offset, size - offset, MADV_HUGEPAGE);
    }
#endif
    return block;
}

static void *
cache_calloc(void *context, size_t count, size_t size)
{
    (void)context;
    return calloc(count, size);
}

static void *
cache_realloc(void *context, void *block, size_t size)
{
    (void)context;
    return realloc(block, size);
}

static void
cache_free(void *context, void *block, size_t size)
{
    (void)context;
    (void)size;
    if (block == NULL) return;
    size_t capacity = malloc_usable_size(block);
    pthread_mutex_lock(&lock);
    if (limit == 0 || capacity > limit || capacity < MLXL_CACHE_MIN_BYTES) {
        pthread_mutex_unlock(&lock);
        free(block);
        return;
    }
    if (used == SLOTS) free(take(0));
    trim(limit - capacity);
    slots[used].block = block;
    slots[used].capacity = capacity;
    used++;
    held += capacity;
    pthread_mutex_unlock(&lock);
}

static void lock_for_fork(void) { pthread_mutex_lock(&lock); }
static void unlock_after_fork(void) { pthread_mutex_unlock(&lock); }

/* Once per process, however many times the module is initialised. */
static void
register_fork_handlers(void)
{
    pthread_atfork(lock_for_fork, unlock_after_fork, unlock_after_fork);
}

static PyDataMem_Handler handler = {
    "mlx_lite_result_cache",
    1,
    {NULL, cache_malloc, cache_calloc, cache_realloc, cache_free},
};

PyObject *
mlxl_cache_handler(void)
{
    static pthread_once_t fork_handlers = PTHREAD_ONCE_INIT;
    pthread_once(&fork_handlers, register_fork_handlers);
    pthread_mutex_lock(&lock);
    limit = default_limit();
    pthread_mutex_unlock(&lock);
    return PyCapsule_New(&handler, "mem_handler", NULL);
}

size_t
mlxl_cache_set_limit(size_t bytes)
{
    pthread_mutex_lock(&lock);
    size_t previous = limit;
    limit = bytes;
    trim(bytes);
    pthread_mutex_unlock(&lock);
    return previous;
}

size_t
mlxl_cache_held(void)
{
    pthread_mutex_lock(&lock);
    size_t bytes = held;
    pthread_mutex_unlock(&lock);
    return bytes;
}

void
mlxl_cache_clear(void)
{
    pthread_mutex_lock(&lock);
    trim(0);
    pthread_mutex_unlock(&lock);
}
