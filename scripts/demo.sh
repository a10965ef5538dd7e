#!/usr/bin/env bash
# Builds and installs mlx_lite (with MLX and matplotlib to compare and plot)
# into .venv, then runs the main job: a side-by-side demo and the benchmark.
source "$(dirname "$0")/venv.sh"
cd "$ROOT"
"$PY" -m pip install --quiet "$ROOT[bench]"
"$PY" -m mlx_lite.bench "$@"
