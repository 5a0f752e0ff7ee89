#!/usr/bin/env python3
"""A hanging doctest binary is ended by the book's watchdog with status 124 and the test case's name."""
import os
import subprocess
import sys

env = dict(os.environ, BOOK_WATCHDOG_SECONDS="1", BOOK_TIMEOUT_SCALE="1")
proc = subprocess.run([sys.argv[1]], capture_output=True, text=True, timeout=60, env=env)
ok = proc.returncode == 124 and 'test case running: "a test that waits for a notification that never comes"' in proc.stderr
print(proc.stderr.strip())
print("1 passed, 0 failed" if ok else "0 passed, 1 failed")
sys.exit(0 if ok else 1)
