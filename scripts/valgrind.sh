#!/usr/bin/env bash
# Runs the parity sweep tests/native/parity_core.py under valgrind's memcheck,
# against the normally installed package (.venv, statically linked Swift runtime).
#
#   scripts/valgrind.sh [--quick]
#
# Leaks are not errors (Python keeps interned objects, module state and arena
# memory alive until exit). PYTHONMALLOC=malloc makes every Python allocation a
# plain malloc, so memcheck sees object bounds instead of pymalloc arenas.
# Exits non-zero if memcheck reports any error or the sweep fails; prints the
# error counts: all, invalid reads/writes, and those with a frame in mlx_lite's
# extension (_core*.so).
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${PY:-$ROOT/.venv/bin/python}"
command -v valgrind >/dev/null || { echo "error: valgrind not found" >&2; exit 2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mlx_lite-valgrind.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$ROOT/.build-valgrind"
LOG="$ROOT/.build-valgrind/memcheck.log"  # kept for inspection (git ignores .build-*/)

# Known reports from ld.so and CPython 3.11 itself (see the file), then
# CPython's suppression file (Misc/valgrind-python.supp, or Debian's copy) if present.
SUPP=(--suppressions="$ROOT/tests/native/valgrind.supp")
for f in "$("$PY" -c 'import sysconfig; print(sysconfig.get_config_var("srcdir") or "")')/Misc/valgrind-python.supp" \
         /usr/lib/valgrind/python3.supp /usr/lib/valgrind/python.supp; do
    if [[ -f "$f" ]]; then SUPP+=(--suppressions="$f"); break; fi
done
echo "== valgrind $(valgrind --version) memcheck; suppressions: ${SUPP[*]:-none}"

export PYTHONMALLOC=malloc
export MLX_LITE_NUM_THREADS="${MLX_LITE_NUM_THREADS:-2}"
start=$SECONDS
# cwd outside the repo, so `import mlx_lite` is the installed package
(cd "$WORK" && valgrind --tool=memcheck --error-exitcode=99 --errors-for-leak-kinds=none \
    --leak-check=no --track-origins=yes --num-callers=40 "${SUPP[@]}" \
    --log-file="$LOG" "$PY" "$ROOT/tests/native/parity_core.py" "$@")
rc=$?
elapsed=$((SECONDS - start))

errors=$(grep -oE "ERROR SUMMARY: [0-9]+ errors" "$LOG" | grep -oE "[0-9]+" | head -n1)
invalid=$(grep -cE "Invalid (read|write|free)" "$LOG")
uninit=$(grep -cE "Conditional jump or move depends on uninitialised|Use of uninitialised value|Syscall param .* uninitialised" "$LOG")
suppressed=$(grep -oE "suppressed: [0-9]+" "$LOG" | grep -oE "[0-9]+" | tail -n1)
# errors with a frame (or an origin) in the extension: memcheck separates reports by "==PID== " blank lines
ours=$(awk '/^==[0-9]+== $/ { if (blk ~ /_core\.cpython|MLXLiteCore|\/SwiftScan\/|\/CBridge\// && blk ~ /(Invalid|uninitialised|Mismatched|overlap)/) n++; blk=""; next }
            { blk = blk "\n" $0 } END { print n+0 }' "$LOG")
echo "== summary: parity_core exit ${rc} in ${elapsed} s; memcheck errors: ${errors:-?} (invalid read/write/free: $invalid, uninitialised: $uninit, in mlx_lite frames: $ours; suppressed: ${suppressed:-0}); log: $LOG"
if [[ $rc -ne 0 ]]; then
    grep -E "^==[0-9]+== (Invalid|Conditional|Use of)" -A12 "$LOG" | head -n 80
    exit 1
fi
