"""SPEC section 7: large inputs are scanned without a contiguous copy of the
input; the memory used beyond the result is a small constant.

Each case runs in a fresh interpreter, resets the peak resident set size
(Linux's /proc/self/clear_refs) and compares it after one scan of an 80 MB
input with the size before (no timing involved)."""

import os
import subprocess
import sys
import tempfile

import pytest

SCRIPT = r"""
import gc, sys
import numpy as np
import mlx_lite

def status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(field)

kind = sys.argv[1]
base = np.random.default_rng(0).random((2000, 5000))  # 80 MB of float64
cases = {
    "c_axis0": lambda: (base, 0),
    "c_axis1": lambda: (base, 1),
    "transposed": lambda: (base.T, 0),
    "reversed": lambda: (base[::-1, ::-1], 1),
    "stepped": lambda: (base[:, ::2], 0),
    "fortran": lambda: (np.asfortranarray(base), 1),
    "broadcast": lambda: (np.broadcast_to(base[:1], (2000, 5000)), 0),
    "flattened_view": lambda: (base.T, None),
    "float32": lambda: (base.astype(np.float32), 0),
    "big_endian": lambda: (base.astype(">f8"), 0),
}
a, axis = cases[kind]()
del cases, base
gc.collect()
mlx_lite.cumsum(np.ones(1000))  # load everything first
# Linux: writing 5 to clear_refs resets the peak (VmHWM) to the current size
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
before = status("VmRSS")
result = mlx_lite.cumsum(a, axis)
after = status("VmHWM")
print(result.nbytes, after - before)
"""


NATIVE = ["c_axis0", "c_axis1", "transposed", "reversed", "stepped", "fortran", "broadcast", "flattened_view",
          "float32"]


def _measure(kind):
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        out = subprocess.run([sys.executable, "-c", SCRIPT, kind], cwd=tmp, env=env, capture_output=True,
                             text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    nbytes, grown = (int(v) for v in out.stdout.split())
    return nbytes, grown


def _check(kind):
    nbytes, grown = _measure(kind)
    extra = grown - nbytes
    limit = max(16 << 20, nbytes // 10)
    assert extra <= limit, (f"{kind}: the scan used {extra / 1e6:.1f} MB beyond its {nbytes / 1e6:.1f} MB result "
                            f"(limit {limit / 1e6:.1f} MB): a copy of the input?")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc/self (Linux)")
@pytest.mark.parametrize("kind", NATIVE)
def test_no_copy_of_native_inputs(kind):
    _check(kind)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc/self (Linux)")
def test_no_copy_of_byte_swapped_inputs():
    """SPEC section 7 makes no exception for non-native byte order."""
    _check("big_endian")
