"""Builds the Swift product with SwiftPM and installs it as mlx_lite/_core<EXT_SUFFIX>.

The extension module is not compiled by setuptools: `swift build` compiles the
Swift engine and the C bridge and links them, with the Swift runtime linked
statically, into one shared library, which is then copied to where setuptools
expects the extension. Python's and NumPy's include directories reach the C
target through MLX_LITE_C_INCLUDES (read by Package.swift).
"""

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
PRODUCT = "MLXLiteCore"
# A scratch folder of its own, so `swift test` (which links the runtime
# dynamically) and this build do not keep invalidating each other.
SCRATCH = ROOT / ".build-python"


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
                "error: building mlx_lite needs the Swift toolchain (swift 5.9 or newer) on PATH; "
                "see https://www.swift.org/install/")
        env = dict(os.environ, MLX_LITE_C_INCLUDES=c_includes())
        command = [
            swift, "build", "-c", "release", "--product", PRODUCT,
            "--scratch-path", str(SCRATCH),
            # The Swift runtime goes into the extension: importing it needs no toolchain.
            "-Xswiftc", "-static-stdlib",
            # Drop unused sections and symbols: the runtime is large.
            "-Xlinker", "--gc-sections", "-Xlinker", "-s",
        ]
        subprocess.run(command, cwd=ROOT, env=env, check=True)
        built = SCRATCH / "release" / f"lib{PRODUCT}.so"
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)


setup(ext_modules=[SwiftExtension("mlx_lite._core")], cmdclass={"build_ext": BuildSwift})
