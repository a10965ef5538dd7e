"""Builds the Swift product with SwiftPM and installs it as mlx_lite/_core<EXT_SUFFIX>.

The extension module is not compiled by setuptools: `swift build` compiles the
Swift engine and the C bridge and links them, with the Swift runtime linked
statically, into one shared library, which is then copied to where setuptools
expects the extension. Python's and NumPy's include directories reach the C
target through MLX_LITE_C_INCLUDES (read by Package.swift).

On x86-64 the product is built twice: `_core` for baseline x86-64 (SSE2, runs
anywhere) and `_core_haswell` for CPUs with AVX2, FMA and F16C (Intel since
2013, AMD since 2015), where half-precision conversions are single
instructions. `mlx_lite._native` imports the one the CPU can run.
"""

import os
import platform
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
PRODUCT = "MLXLiteCore"
# A scratch folder of its own per build, so `swift test` (which links the
# runtime dynamically) and these builds do not keep invalidating each other.
SCRATCH = ROOT / ".build-python"

# Extension name -> (scratch folder, extra `swift build` arguments).
BUILDS = {
    "mlx_lite._core": (SCRATCH, []),
    "mlx_lite._core_haswell": (ROOT / ".build-python-haswell", [
        "-Xswiftc", "-target-cpu", "-Xswiftc", "haswell", "-Xswiftc", "-DMLX_LITE_HASWELL",
        "-Xcc", "-march=haswell", "-Xcc", "-DMLXL_MODULE=_core_haswell",
    ]),
}


def c_includes() -> str:
    import numpy

    return os.pathsep.join([sysconfig.get_paths()["include"], numpy.get_include()])


class SwiftExtension(Extension):
    def __init__(self, name: str) -> None:
        super().__init__(name, sources=[])


class BuildSwift(build_ext):
    def build_extension(self, ext: Extension) -> None:
        swift = shutil.which("swift")
        if swift is None:
            sys.exit(
                "error: building mlx_lite needs the Swift toolchain (swift 6.0 or newer) on PATH; "
                "see https://www.swift.org/install/")
        env = dict(os.environ, MLX_LITE_C_INCLUDES=c_includes())
        scratch, extra = BUILDS[ext.name]
        command = [
            swift, "build", "-c", "release", "--product", PRODUCT,
            "--scratch-path", str(scratch), *extra,
            # The Swift runtime goes into the extension: importing it needs no toolchain.
            "-Xswiftc", "-static-stdlib",
            # Drop unused sections and symbols: the runtime is large.
            "-Xlinker", "--gc-sections", "-Xlinker", "-s",
        ]
        subprocess.run(command, cwd=ROOT, env=env, check=True)
        built = scratch / "release" / f"lib{PRODUCT}.so"
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)


names = ["mlx_lite._core"]
if platform.machine().lower() in ("x86_64", "amd64"):
    names.append("mlx_lite._core_haswell")
setup(ext_modules=[SwiftExtension(name) for name in names], cmdclass={"build_ext": BuildSwift})
