"""The native core, in the build this CPU runs best.

setup.py builds the extension twice on x86-64: ``_core`` for baseline x86-64
and ``_core_haswell`` for CPUs with AVX2, FMA and F16C (where float16 and
bfloat16 conversions are single instructions). One of them is imported, by
what the CPU reports; ``MLX_LITE_CPU=baseline`` (or ``haswell``) overrides the
choice, which is how the tests run every case on both builds.
"""
from __future__ import annotations

import os
from types import ModuleType

# What -march=haswell lets the compiler use, as /proc/cpuinfo names it
# (abm is lzcnt); the kernel lists avx only where it saves the registers.
HASWELL_FLAGS = frozenset({"sse4_2", "popcnt", "avx", "avx2", "fma", "f16c", "bmi1", "bmi2", "movbe", "abm"})


def cpu_flags() -> frozenset[str]:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
            for line in info:
                if line.startswith("flags"):
                    return frozenset(line.partition(":")[2].split())
    except OSError:
        pass
    return frozenset()


def load() -> ModuleType:
    choice = os.environ.get("MLX_LITE_CPU", "auto").strip().lower()
    if choice not in ("auto", "baseline", "haswell"):
        raise ImportError(f"mlx_lite: MLX_LITE_CPU must be auto, baseline or haswell, not {choice!r}")
    if choice == "haswell" or (choice == "auto" and HASWELL_FLAGS <= cpu_flags()):
        try:
            from . import _core_haswell  # type: ignore[attr-defined]  # the extension: no stub

            return _core_haswell
        except ImportError:
            if choice == "haswell":
                raise
    from . import _core  # type: ignore[attr-defined]  # the extension: no stub

    return _core


core = load()
