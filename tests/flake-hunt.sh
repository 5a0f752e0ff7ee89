#!/usr/bin/env bash
# Flake hunt: rerun the test suite many times while every CPU is kept busy, and report every failure.
# Not part of CI (it takes long); run it after changing any concurrent code or test:
#
#   tests/flake-hunt.sh [--preset default|asan|tsan|clang] [--reps N] [--exclude REGEX]
#
# The load generator is one busy process per CPU (plus one), so that threads in the tests are preempted
# at unlucky moments, as on a loaded CI machine. A test that fails even once is flaky (or wrong): fix it
# at its cause, never by retrying it or loosening its check.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

preset=default reps=30 exclude=""
while (($#)); do
  case "$1" in
    --preset) preset=${2:?}; shift 2 ;;
    --reps) reps=${2:?}; shift 2 ;;
    --exclude) exclude=${2:?}; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "usage: tests/flake-hunt.sh [--preset P] [--reps N] [--exclude REGEX]" >&2; exit 2 ;;
  esac
done
[[ "$reps" =~ ^[0-9]+$ ]] && ((reps >= 1)) || { echo "flake-hunt: --reps must be a positive whole number" >&2; exit 2; }

cmake --build --preset "$preset" >/dev/null
load_pids=()
cleanup() { ((${#load_pids[@]})) && kill "${load_pids[@]}" 2>/dev/null; true; }
trap cleanup EXIT
for _ in $(seq 0 "$(nproc)"); do
  ( while :; do :; done ) &
  load_pids+=($!)
done
echo "flake hunt: $reps repetitions of the $preset tests under a load of $(( $(nproc) + 1 )) busy processes"

log=$(mktemp -d)
failures=0
declare -A failed_tests=()
for i in $(seq 1 "$reps"); do
  args=(--preset "$preset" --output-on-failure)
  [ -n "$exclude" ] && args+=(-E "$exclude")
  if ctest "${args[@]}" >"$log/run-$i.txt" 2>&1; then
    echo "run $i/$reps: all passed"
  else
    failures=$((failures + 1))
    names=$(grep -E '^\s+[0-9]+ - ' "$log/run-$i.txt" | sed -E 's/^\s+[0-9]+ - ([^ ]+).*/\1/' | tr '\n' ' ')
    for n in $names; do failed_tests[$n]=$(( ${failed_tests[$n]:-0} + 1 )); done
    echo "run $i/$reps: FAILED: $names (log: $log/run-$i.txt)"
  fi
done
echo
echo "flake hunt: $reps runs, $failures with failures"
for n in "${!failed_tests[@]}"; do echo "  $n failed ${failed_tests[$n]} time(s)"; done
echo "$((reps - failures)) passed, $failures failed"
((failures == 0))
