"""The installed package: a self-contained extension that needs no Swift
runtime, importable from anywhere without the Swift toolchain."""

import os
import platform
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import pytest

import mlx_lite
import mlx_lite._core

# Every build of the extension that is installed (setup.py: baseline, and Haswell on x86-64).
EXTENSIONS = sorted(
    os.path.join(os.path.dirname(mlx_lite._core.__file__), name)
    for name in os.listdir(os.path.dirname(mlx_lite._core.__file__))
    if name.startswith("_core") and name.endswith(".so"))

REPO = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
SWIFT_BIN = "/opt/swift/usr/bin"


def test_extension_is_a_shared_object():
    path = mlx_lite._core.__file__
    assert os.path.isfile(path)
    assert path.endswith(".so")
    assert os.path.basename(path).startswith("_core")


def test_both_builds_are_installed_on_x86_64():
    names = [os.path.basename(path).split(".")[0] for path in EXTENSIONS]
    expected = ["_core", "_core_haswell"] if platform.machine().lower() in ("x86_64", "amd64") else ["_core"]
    assert names == expected


@pytest.mark.skipif(shutil.which("ldd") is None, reason="ldd not available")
@pytest.mark.parametrize("path", EXTENSIONS)
def test_extension_needs_no_swift_libraries(path):
    out = subprocess.run(["ldd", path], capture_output=True, text=True, check=True,
                         env={**os.environ, "LD_LIBRARY_PATH": ""}).stdout
    assert out.strip()
    offending = [line for line in out.splitlines() if "swift" in line.lower()]
    assert not offending, offending
    assert "not found" not in out, out


@pytest.mark.skipif(shutil.which("readelf") is None, reason="readelf not available")
@pytest.mark.parametrize("path", EXTENSIONS)
def test_extension_has_no_swift_rpath_or_needed(path):
    out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        if "NEEDED" in line or "RPATH" in line or "RUNPATH" in line:
            assert "swift" not in line.lower(), line


def _clean_env():
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "LD_", "SWIFT", "MLX_LITE"))}
    env["LD_LIBRARY_PATH"] = ""
    env["PATH"] = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                                  if p and "swift" not in p.lower() and os.path.realpath(p) != SWIFT_BIN)
    return env


SCRIPT = r"""
import os, sys
import numpy as np
import mlx_lite
print(mlx_lite.__file__)
print(mlx_lite.cumsum(np.array([1, 2, 3, 4], dtype=np.int32)).tolist())
print(mlx_lite.cumsum([1, 2, 3, 4], reverse=True, inclusive=False).tolist())
print(repr(mlx_lite.logcumsumexp(np.array([1000.0, 1000.0]))[1]))
print(mlx_lite.__version__)
"""


def test_import_from_outside_the_repo_without_swift():
    env = _clean_env()
    assert SWIFT_BIN not in env["PATH"].split(os.pathsep)
    with tempfile.TemporaryDirectory() as tmp:
        assert not os.path.realpath(tmp).startswith(REPO + os.sep)
        result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=tmp, env=env, capture_output=True,
                                text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    imported_from = os.path.realpath(lines[0])
    # the installed copy, not the source tree
    assert not imported_from.startswith(os.path.join(REPO, "python") + os.sep), imported_from
    assert lines[1] == "[1, 3, 6, 10]"
    assert lines[2] == "[9, 7, 4, 0]"
    assert abs(float(lines[3].replace("np.float64(", "").rstrip(")")) - (1000 + np.log(2))) < 1e-9
    assert lines[4] == mlx_lite.__version__


def test_import_without_mlx_or_ml_dtypes_importable():
    """mlx_lite does not import MLX (SPEC section 5) nor need ml_dtypes."""
    script = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('mlx', 'ml_dtypes'):\n"
        "            raise ImportError('blocked ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import numpy as np, mlx_lite\n"
        "print(mlx_lite.cumsum(np.ones(3, np.float16)).tolist())\n"
        "print(mlx_lite.cumsum([1, 2], stream=mlx_lite.cpu).tolist())\n"
        "try:\n"
        "    mlx_lite.cumsum([1], stream=mlx_lite.gpu)\n"
        "except ValueError as e:\n"
        "    print(e)\n"
        "print(any(m.split('.')[0] == 'mlx' for m in sys.modules))\n"
    )
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run([sys.executable, "-c", script], cwd=tmp, env=_clean_env(), capture_output=True,
                                text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "[1.0, 2.0, 3.0]", "[1, 3]", "[default_stream] Cannot get gpu stream without gpu backend.", "False"]


def test_import_does_not_import_mlx():
    script = "import sys, mlx_lite; print(any(m.split('.')[0] == 'mlx' for m in sys.modules))"
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run([sys.executable, "-c", script], cwd=tmp, env=_clean_env(), capture_output=True,
                                text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_py_typed_is_installed():
    assert os.path.isfile(os.path.join(os.path.dirname(mlx_lite.__file__), "py.typed"))


def test_scan_stub_is_installed():
    """The scans' overloads are in ``_scan.pyi`` (package data), beside the module."""
    assert os.path.isfile(os.path.join(os.path.dirname(mlx_lite.__file__), "_scan.pyi"))
