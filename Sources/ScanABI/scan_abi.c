/* The few system facts the Swift engine cannot reach from Swift's Glibc module. */
#define _GNU_SOURCE
#include "scan_abi.h"

#include <sched.h>
#include <unistd.h>

int32_t mlxl_available_cpus(void) {
#ifdef __linux__
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int count = CPU_COUNT(&set);
        if (count > 0) return count;
    }
#endif
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (int32_t)online : 1;
}
