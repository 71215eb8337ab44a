#!/usr/bin/env bash
# Incremental developer build: compiles csrc/ and the Cython modules with
# CMake+Ninja into build/dev and copies the extension modules into
# src/fastml/_kernels/, so `PYTHONPATH=src python -m pytest` runs on them.
# Serialised with flock so concurrent invocations do not trip over each other.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
exec 9>build/.dev-build.lock
flock 9
if [ ! -f build/dev/build.ninja ]; then
  cmake -S . -B build/dev -G Ninja -DCMAKE_BUILD_TYPE=Release -DFASTML_DEV_INPLACE=ON \
        -DPython_EXECUTABLE="$(command -v python3)" >/dev/null
fi
cmake --build build/dev "$@"
