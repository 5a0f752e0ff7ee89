#!/usr/bin/env python3
"""The book's build itself fails, with one line naming the chapter and the program, when a chapter's
program crashes, hangs, exits with an unexpected status or prints nothing.

Configures a scratch build of this repository with one extra chapter (99-fault-chapter, four misbehaving
programs) and builds that chapter's captures with ninja -k 0, so that all four failures are reported."""
import os
import shutil
import subprocess
import sys

root, scratch = sys.argv[1], sys.argv[2]
chapter_dir = os.path.join(root, "tests", "pipeline", "99-fault-chapter")
shutil.rmtree(scratch, ignore_errors=True)
subprocess.run(["cmake", "-S", root, "-B", scratch, "-G", "Ninja", "-DBOOK_RENDER=ON",
                f"-DBOOK_EXTRA_CHAPTER_DIRS={chapter_dir}", "-DBOOK_CHAPTERS=99-fault-chapter"],
               check=True, capture_output=True, text=True)
proc = subprocess.run(["cmake", "--build", scratch, "--target", "ch99_book", "--", "-k", "0"],
                      capture_output=True, text=True, timeout=600)
log = proc.stdout + proc.stderr
expected = {
    "crashes": "crashed with signal 11 (SIGSEGV)",
    "hangs": "hung: still running after its time limit of 2.0 s",
    "exits-3": "exited unexpectedly with status 3 (expected 0)",
    "silent": "printed nothing",
}
failures = 0
print(f"build exit status: {proc.returncode} (must be non-zero)")
failures += proc.returncode == 0
for program, why in expected.items():
    line = f"BOOK CAPTURE FAILED: chapter 99-fault-chapter, program {program}: {why}"
    ok = line in log
    print(f"{'ok  ' if ok else 'FAIL'} {line}")
    failures += not ok
if failures:
    print(log[-5000:])
else:
    shutil.rmtree(scratch, ignore_errors=True)
print(f"{5 - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
