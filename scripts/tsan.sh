#!/usr/bin/env bash
# Runs mlx_lite's threaded tests under ThreadSanitizer: the engine's own
# threaded XCTests, then the Python tests that scan from several threads at
# once, nest fork-joins, fork, and change the result cache's limit under load.
#
#   scripts/tsan.sh [extra pytest args]
#   TSAN_XCTEST=0 scripts/tsan.sh ...   (the Python part alone)
#
# Needs .venv with the package installed (scripts/test.sh makes it).
#
# 1. `swift test --sanitize=thread` (its own scratch folder, .build-tsan-xctest)
#    runs ParallelTests (1 to 4 engine threads, every parallel path) and
#    WorkerPoolTests (back-to-back jobs of changing sizes, several callers at
#    once, nested fork-joins). Here the whole test binary is instrumented.
# 2. `swift build -c release` of the extension into .build-tsan:
#      Swift: -sanitize=thread     C (bridge, ABI shim): -fsanitize=thread
#    The Swift runtime is linked dynamically (no -static-stdlib), as in
#    scripts/sanitize.sh. A shared library does not carry the TSan runtime:
#    it is preloaded into the (uninstrumented) Python interpreter.
# 3. A private copy of the installed package gets the instrumented library as
#    its _core*.so (the Haswell build is dropped); PYTHONPATH puts it first.
#
# Python and NumPy are not instrumented. TSan still intercepts their malloc,
# free, memcpy and pthread calls, and without help reports races inside them
# (e.g. NumPy filling an array on one thread and freeing it on another, ordered
# by the GIL's atomics, which TSan cannot see). ignore_noninstrumented_modules=1
# makes TSan ignore the memory accesses of interceptors called from modules that
# were not built with -fsanitize=thread (libpython, NumPy, libc's callers), while
# it still follows their pthread synchronisation (the GIL is a mutex and a
# condition variable in CPython 3.11), so every access in mlx_lite's code is
# checked and ordered by the locks the interpreter really takes. This is what
# worked here: with it, no suppressions are needed (tests/native/tsan.supp
# explains the rule for adding one). Also:
#   die_after_fork=0   a forked child of this multi-threaded process starts
#                      threads (the engine's pool); TSan's default is to abort.
#   PYTHONMALLOC=malloc  Python objects come from malloc, which TSan tracks,
#                      not from pymalloc arenas it cannot see being reused.
#
# Exits non-zero on any test failure or TSan report; prints a summary.
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${PY:-$ROOT/.venv/bin/python}"
SWIFT_BIN="${SWIFT_BIN:-/opt/swift/usr/bin}"
SCRATCH="$ROOT/.build-tsan"
PRODUCT=MLXLiteCore
SUPP="$ROOT/tests/native/tsan.supp"
export PATH="$SWIFT_BIN:$PATH"
cd "$ROOT"
begin=$SECONDS

source "$ROOT/scripts/sanitizer_runtime.sh"  # sanitizer_runtime, SWIFT_LIBS
TSAN_RT="$(sanitizer_runtime tsan)" || exit 2

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mlx_lite-tsan.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
LOG="$WORK/tsan"  # reports go to $LOG.<pid> (subprocesses and forked children included)
OPTIONS="ignore_noninstrumented_modules=1:die_after_fork=0:halt_on_error=0:second_deadlock_stack=1"
OPTIONS+=":suppressions=$SUPP:log_path=$LOG"
export TSAN_SYMBOLIZER_PATH="${TSAN_SYMBOLIZER_PATH:-$SWIFT_BIN/llvm-symbolizer}"
export MLX_LITE_C_INCLUDES="$("$PY" -c 'import numpy, sysconfig; print(sysconfig.get_paths()["include"] + ":" + numpy.get_include())')"

# --- 1. the engine's threaded XCTests ----------------------------------------------
xrc=0 xsummary="skipped"
if [[ "${TSAN_XCTEST:-1}" != 0 ]]; then
    echo "== swift test --sanitize=thread (ParallelTests, WorkerPoolTests)"
    start=$SECONDS
    TSAN_OPTIONS="$OPTIONS" swift test --sanitize=thread --scratch-path "$ROOT/.build-tsan-xctest" \
        --disable-swift-testing --filter 'ParallelTests|WorkerPoolTests' >"$WORK/xctest.log" 2>&1
    xrc=$?
    grep -E "error:|failed" "$WORK/xctest.log" | tail -n 5
    xsummary="$(grep -E "Executed [0-9]+ tests" "$WORK/xctest.log" | tail -n1 | sed 's/^[[:space:]]*//;s/ (.*//') in $((SECONDS - start)) s"
    echo "   $xsummary"
fi

# --- 2. the instrumented extension ---------------------------------------------------
echo "== building $PRODUCT with TSan into ${SCRATCH#$ROOT/}"
start=$SECONDS
swift build -c release --product "$PRODUCT" --scratch-path "$SCRATCH" \
    -Xswiftc -sanitize=thread -Xswiftc -g \
    -Xcc -fsanitize=thread -Xcc -fno-omit-frame-pointer -Xcc -g \
    2>&1 | grep -E "error|Compiling|Linking|Build" | grep -v "warning"
[[ ${PIPESTATUS[0]} -eq 0 ]] || { echo "error: TSan build failed" >&2; exit 2; }
LIB="$SCRATCH/release/lib$PRODUCT.so"
echo "   built in $((SECONDS - start)) s: $LIB"
nm -D "$LIB" | grep "__tsan_init" >/dev/null || { echo "error: $LIB is not TSan-instrumented" >&2; exit 2; }

# --- 3. private copy of the installed package -----------------------------------------
SITE="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
mkdir -p "$WORK/site"
cp -r "$SITE/mlx_lite" "$WORK/site/"
rm -rf "$WORK/site/mlx_lite/__pycache__"
CORE="$(ls "$WORK"/site/mlx_lite/_core.*.so)"
cp "$LIB" "$CORE"
rm -f "$WORK"/site/mlx_lite/_core_haswell.*.so
export MLX_LITE_CPU=baseline
export PYTHONPATH="$WORK/site${PYTHONPATH:+:$PYTHONPATH}"
# The toolchain's TSan runtime also intercepts libdispatch, and refers to its
# symbols: libdispatch must be loaded with it. Only the Python processes (and
# the subprocesses they start) get the preload, not this script's own tools.
PRELOAD="$TSAN_RT $SWIFT_LIBS/libdispatch.so"
RUN=(env LD_PRELOAD="$PRELOAD")
export LD_LIBRARY_PATH="$SWIFT_LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PYTHONMALLOC=malloc
export TSAN_OPTIONS="$OPTIONS"

echo "== checking that the instrumented module is the one imported"
"${RUN[@]}" "$PY" -c 'import mlx_lite._native as n, sys, numpy as np, mlx_lite
print("   mlx_lite._core:", n.core.__file__, mlx_lite.cumsum(np.arange(5)).tolist())
sys.exit(0 if n.core.__file__ == sys.argv[1] else 1)' "$CORE" \
    || { echo "error: mlx_lite._core is not the instrumented copy" >&2; exit 1; }

# --- 4. the threaded Python tests ------------------------------------------------------
TESTS=(
    tests/python/test_threads.py      # Python threads at once, engine threads 1/2/all, fork mid-scan
    tests/python/test_cache.py        # threads taking and returning cached blocks, limit changes under load
    tests/python/test_fork.py         # fork while threads allocate and free large results
    tests/python/test_reliability.py::test_eight_threads_match_single_threaded
    tests/python/test_reliability.py::test_gil_is_released_during_one_long_scan
    tests/python/test_interrupt.py    # Ctrl-C reaching a multi-threaded scan
    # Only its latency bound fails here: TSan runs a signal's handler at the
    # thread's next intercepted call, which a scan's kernel rarely makes (the
    # interrupt took 8.9 s to arrive in a 10.9 s scan). Its KeyboardInterrupt
    # and no-result checks passed in that run; the file's other test runs.
    --deselect tests/python/test_interrupt.py::test_ctrl_c_interrupts_a_long_scan
)
# Not here: test_memory.py (its child strips PYTHON* and so imports the
# uninstrumented package; TSan's shadow memory breaks its RSS budgets anyway).
echo "== pytest under TSan (TSAN_RT=$TSAN_RT)"
start=$SECONDS
"${RUN[@]}" "$PY" -m pytest -q -p no:cacheprovider "$@" "${TESTS[@]}" 2>&1 | tee "$WORK/pytest.log" | tail -n 15
rc=${PIPESTATUS[0]}
elapsed=$((SECONDS - start))

reports=0
for f in "$LOG".* "$WORK/xctest.log"; do
    [[ -e "$f" ]] || continue
    n=$(grep -c "WARNING: ThreadSanitizer" "$f")
    if [[ $n -ne 0 ]]; then echo "== TSan reports in $f"; cat "$f"; reports=$((reports + n)); fi
done
inline=$(grep -c "WARNING: ThreadSanitizer" "$WORK/pytest.log")
reports=$((reports + inline))
summary="$(grep -E "[0-9]+ (passed|failed)" "$WORK/pytest.log" | tail -n1)"
echo "== summary: XCTest: ${xsummary:-no XCTest summary}; pytest: ${summary:-no pytest summary} in ${elapsed} s;" \
     "TSan reports: $reports; total $((SECONDS - begin)) s"
if [[ $xrc -ne 0 || $rc -ne 0 || $reports -ne 0 ]]; then
    exit 1
fi
