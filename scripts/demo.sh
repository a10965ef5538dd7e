#!/usr/bin/env bash
# Builds and installs mlx_lite (with MLX and matplotlib to compare and plot)
# into .venv, then runs the main job: a side-by-side demo and the benchmark.
source "$(dirname "$0")/venv.sh"
cd "$ROOT"
"$PY" -m pip install --quiet "$ROOT[bench]"
# OpenBLAS (loaded by NumPy) keeps idle threads spinning on the other core:
# one thread keeps every peer's turn fair on a small machine.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
"$PY" -m mlx_lite.bench "$@"
