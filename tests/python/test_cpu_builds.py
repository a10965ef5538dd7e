"""The two builds of the native core (setup.py): baseline x86-64 and Haswell.

Each build runs the parity sweep and the float16 conversion checks in a
process of its own, chosen with MLX_LITE_CPU; the default is the build the
CPU can run best.
"""
import importlib.util
import os
import platform
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import mlx_lite
from mlx_lite import _native

ROOT = Path(__file__).resolve().parents[2]
ON_X86 = platform.machine().lower() in ("x86_64", "amd64")
HAS_HASWELL = (ON_X86 and _native.HASWELL_FLAGS <= _native.cpu_flags()
               and importlib.util.find_spec("mlx_lite._core_haswell") is not None)


BUILDS = [
    "baseline",
    pytest.param("haswell", marks=pytest.mark.skipif(not HAS_HASWELL, reason="no Haswell build, or this CPU lacks AVX2/FMA/F16C")),
]


def run_with(build, code_or_path, *args):
    env = dict(os.environ, MLX_LITE_CPU=build)
    command = [sys.executable, *([str(code_or_path)] if isinstance(code_or_path, Path) else ["-c", code_or_path])]
    return subprocess.run([*command, *args], env=env, capture_output=True, text=True, timeout=600)


def test_the_default_is_the_best_build_this_cpu_runs():
    expected = "haswell" if HAS_HASWELL else "baseline"
    assert _native.core.cpu_target == expected
    assert _native.core.__name__ == ("mlx_lite._core_haswell" if HAS_HASWELL else "mlx_lite._core")
    assert mlx_lite.cumsum([1, 2, 3]).tolist() == [1, 3, 6]


@pytest.mark.parametrize("build", BUILDS)
def test_each_build_passes_the_parity_sweep(build):
    result = run_with(build, ROOT / "tests" / "native" / "parity_core.py")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    module = "_core_haswell." if build == "haswell" else "_core."
    assert module in result.stdout, result.stdout


HALF_CHECKS = textwrap.dedent("""
    import numpy as np
    import mlx_lite
    from mlx_lite import _native
    assert _native.core.cpu_target == {build!r}, _native.core.cpu_target
    # Widening then narrowing every half: each value comes back bit for bit.
    halves = np.arange(65536, dtype=np.uint16).view(np.float16)
    back = mlx_lite.cumsum(halves.reshape(-1, 1), axis=1).ravel()
    nan = np.isnan(halves)
    assert np.isnan(back[nan]).all()
    assert np.array_equal(back[~nan].view(np.uint16), halves[~nan].view(np.uint16))
    # Narrowing: each sum of two halves is formed in float32 and rounded to
    # float16 once, as NumPy's correctly rounded conversion does.
    finite = halves[np.isfinite(halves)]
    rng = np.random.default_rng(7)
    for other in rng.choice(finite, 24):
        rows = np.stack([finite, np.full_like(finite, other)], axis=1)
        got = mlx_lite.cumsum(rows, axis=1)[:, 1]
        want = (finite.astype(np.float32) + np.float32(other)).astype(np.float16)
        same = (got.view(np.uint16) == want.view(np.uint16)) | (np.isnan(got) & np.isnan(want))
        assert same.all(), (other, finite[~same][:5], got[~same][:5], want[~same][:5])
    print("ok")
""")


@pytest.mark.parametrize("build", BUILDS)
def test_each_build_converts_float16_exactly(build):
    result = run_with(build, HALF_CHECKS.format(build=build))
    assert result.returncode == 0 and "ok" in result.stdout, result.stderr[-4000:]


def test_an_unknown_cpu_choice_is_refused_by_name():
    result = run_with("pentium", "import mlx_lite")
    assert result.returncode != 0
    assert "MLX_LITE_CPU must be auto, baseline or haswell" in result.stderr
