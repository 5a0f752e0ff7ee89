#!/usr/bin/env bash
# The README's second command: build what the tests read (both editions of the book, the student pack),
# then run every test: unit tests, exercise tests both ways, output checks, pipeline fault tests and
# book checks. With --sanitizers (CI sets it), also build and test under ASan+UBSan, TSan, clang and
# AArch64 (cross-compiled; its unit and exercise tests run under qemu-aarch64), and build and run the
# benchmarks of bench/ once.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

sanitizers=0
for arg in "$@"; do
  case "$arg" in
    --sanitizers) sanitizers=1 ;;
    -h|--help) echo "usage: ./run-tests.sh [--sanitizers]"; exit 0 ;;
    *) echo "usage: ./run-tests.sh [--sanitizers]" >&2; exit 2 ;;
  esac
done

[ -f build/CMakeCache.txt ] || cmake --preset default
cmake --build --preset default --target all book-instructor student-pack
ctest --preset default

if ((sanitizers)); then
  for preset in asan tsan clang aarch64; do
    echo "=== preset $preset ==="
    cmake --preset "$preset"
    cmake --build --preset "$preset"
    ctest --preset "$preset"
  done
  # Benchmarks are not tests: built and run once, as briefly as Google Benchmark allows, so that they
  # keep compiling and running as the headers change (their times mean nothing here).
  echo "=== bench (built and run once, minimal time) ==="
  cmake --preset bench
  cmake --build --preset bench
  ./build-bench/bench/book_bench --benchmark_min_time=0.001
fi
