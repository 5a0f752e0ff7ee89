#!/usr/bin/env python3
"""Passes when a doctest binary fails by its assertions (an unsolved exercise's starter code).

A crash, a hang or a pass all fail this check: the starter must compile, run, and be told by the
tests what is missing.
"""
import signal
import subprocess
import sys

if len(sys.argv) != 2:
    sys.exit("usage: expect_test_failure.py TEST_BINARY")
try:
    proc = subprocess.run([sys.argv[1]], capture_output=True, text=True, timeout=300)
except subprocess.TimeoutExpired:
    sys.exit("the starter code's tests hung; they must fail by assertion instead")
out = proc.stdout + proc.stderr
if proc.returncode == 0:
    print(out[-3000:])
    sys.exit("the tests PASS against the starter code: the exercise is already solved, or its tests test nothing")
if proc.returncode < 0:
    print(out[-3000:])
    sys.exit(f"the tests crashed against the starter code ({signal.Signals(-proc.returncode).name}); they must fail by assertion")
if "Status: FAILURE!" not in out:
    print(out[-3000:])
    sys.exit(f"the tests exited with {proc.returncode} without doctest's failure summary")
print("the tests fail against the starter code, as they must until the exercise is solved")
