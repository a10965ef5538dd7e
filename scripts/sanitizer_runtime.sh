# Sourced by scripts/sanitize.sh and scripts/tsan.sh (not run on its own):
# where the Swift toolchain keeps a sanitizer's runtime library and the Swift
# runtime, which both scripts preload or put on LD_LIBRARY_PATH around an
# uninstrumented Python.
#
#   source "$ROOT/scripts/sanitizer_runtime.sh"   # needs SWIFT_BIN
#   ASAN_RT="$(sanitizer_runtime asan)" || exit 2
#
# SWIFT_BIN is the toolchain's bin folder (/opt/swift/usr/bin); SWIFT_LIBS is
# set to its Swift runtime folder.

SWIFT_LIBS="$(dirname "$SWIFT_BIN")/lib/swift/linux"

# sanitizer_runtime NAME: prints the path of libclang_rt.NAME-x86_64.so (NAME: asan,
# tsan...), as the toolchain's clang reports it or else from the toolchain's
# lib/clang/<version>/lib/linux; returns 2 with a message if there is none.
sanitizer_runtime() {
    local file="libclang_rt.$1-x86_64.so" path
    path="$("$SWIFT_BIN/clang" -print-file-name="$file" 2>/dev/null)"
    if [[ ! -f "$path" ]]; then
        path="$(ls "$(dirname "$SWIFT_BIN")"/lib/clang/*/lib/linux/"$file" 2>/dev/null | head -n1)"
    fi
    [[ -f "$path" ]] || { echo "error: $file not found" >&2; return 2; }
    printf '%s\n' "$path"
}
