#!/usr/bin/env bash
# Builds and installs mlx_lite with its test extra into .venv, then runs every
# test: the Swift kernel tests (swift test) and the Python suite (pytest).
source "$(dirname "$0")/venv.sh"
cd "$ROOT"
"$PY" -m pip install --quiet "$ROOT[test]"
export MLX_LITE_C_INCLUDES="$("$PY" -c 'import numpy, sysconfig; print(sysconfig.get_paths()["include"] + ":" + numpy.get_include())')"
echo "== Swift kernel tests"
# XCTest only: the Swift Testing runner would close with a line about zero tests.
swift test --disable-swift-testing 2>&1 | tail -n 25
echo "== Python tests"
"$PY" -m pytest "$@"
