#!/usr/bin/env bash
# The README's second command: build what the tests read (both editions of the book, the student pack),
# then run every test: unit tests, exercise tests both ways, output checks, pipeline fault tests and
# book checks. With --sanitizers (CI sets it), also build and test under ASan+UBSan, TSan, clang and
# AArch64 (every chapter cross-compiled, its unit and exercise tests run under qemu-aarch64, plainly and
# with ASan+UBSan: aarch64-asan builds only the test binaries), and build and run the benchmarks of
# bench/ once.
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
  for preset in asan tsan clang aarch64 aarch64-asan; do
    echo "=== preset $preset ==="
    start=$SECONDS
    cmake --preset "$preset"
    cmake --build --preset "$preset"
    ctest --preset "$preset"
    if [[ $preset == aarch64* ]]; then
      # What the cross-build leaves out, and why (tests labelled "skipped").
      ctest --preset "$preset" -L '^skipped$' -V | sed -nE 's/^[0-9]+: (BOOK SKIP)/\1/p'
    fi
    echo "=== preset $preset: $((SECONDS - start)) s (configure, build, tests) ==="
  done
  # Benchmarks are not tests: built and run once, as briefly as Google Benchmark allows, so that they
  # keep compiling and running as the headers change (their times mean nothing here).
  echo "=== bench (built and run once, minimal time) ==="
  cmake --preset bench
  cmake --build --preset bench
  ./build-bench/bench/book_bench --benchmark_min_time=0.001
fi
