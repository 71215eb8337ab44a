#!/usr/bin/env bash
# Builds the kernels and Cython modules with AddressSanitizer + UBSan
# (-DFASTML_SANITIZE=ON) into build/sanitize, stages a copy of src/fastml with
# those modules in build/sanitize/stage, and runs pytest on it with the ASan
# runtime preloaded (Python itself is not instrumented). Any ASan or UBSan
# report aborts the process, so a clean run means no report.
#
#   tools/sanitize-test.sh                      # tests/kernels tests/neighbors tests/core
#   tools/sanitize-test.sh tests/nn -k conv     # any pytest arguments
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bdir=build/sanitize
if [ ! -f "$bdir/build.ninja" ]; then
  cmake -S . -B "$bdir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFASTML_SANITIZE=ON \
        -DPython_EXECUTABLE="$(command -v python3)" >/dev/null
fi
cmake --build "$bdir"
stage=$bdir/stage
rm -rf "$stage" && mkdir -p "$stage"
cp -r src/fastml "$stage/"
find "$stage/fastml/_kernels" -name '*.so' -delete
cp "$bdir"/fastml/_kernels/*.so "$stage/fastml/_kernels/"
asan=$(gcc -print-file-name=libasan.so)
ubsan=$(gcc -print-file-name=libubsan.so)
[ $# -gt 0 ] || set -- tests/kernels tests/neighbors tests/core
# leaks: CPython's own allocations are not freed at exit; only errors count here
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:halt_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# the fuzz workers' address-space cap cannot coexist with ASan's shadow memory
export FASTML_FUZZ_MEM_CAP=0
cd "$root"
LD_PRELOAD="$asan $ubsan" PYTHONPATH="$root/$stage" \
  python -m pytest -q -p no:cacheprovider --benchmark-disable "$@"
