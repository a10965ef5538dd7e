"""The result cache, with MLX's names for its controls.

The memory of a large result (1 MiB or more) is kept when NumPy frees the
array, and the next result that fits takes it instead of new memory from the
operating system, whose pages the kernel would zero on first touch: as MLX's
allocator keeps its buffers. A loop that scans and drops the previous result
allocates once. The cache holds at most its limit (by default an eighth of
physical memory; the environment variable ``MLX_LITE_CACHE_LIMIT``, in bytes,
sets it at import; 0 turns the cache off), the oldest memory freed first.
"""
from __future__ import annotations

import operator

from ._native import core as _core


def set_cache_limit(limit: int) -> int:
    """Set the most memory, in bytes, the result cache may hold.

    Memory beyond the new limit is freed now. ``0`` turns the cache off.

    Args:
        limit (int): The cache limit in bytes.

    Returns:
        int: The previous cache limit in bytes.
    """
    if isinstance(limit, bool):
        raise TypeError("[set_cache_limit] limit must be an integer, not bool.")
    try:
        value = operator.index(limit)
    except TypeError:
        raise TypeError(f"[set_cache_limit] limit must be an integer, not {type(limit).__name__}.") from None
    if value < 0:
        raise ValueError(f"[set_cache_limit] limit must be non-negative, got {value}.")
    return int(_core.set_cache_limit(min(value, 2**64 - 1)))


def get_cache_memory() -> int:
    """The memory, in bytes, the result cache holds now (not in use by any array)."""
    return int(_core.get_cache_memory())


def clear_cache() -> None:
    """Free all memory held by the result cache."""
    _core.clear_cache()
