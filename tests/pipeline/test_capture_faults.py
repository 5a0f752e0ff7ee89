#!/usr/bin/env python3
"""The capture step fails the build, with one line naming the chapter and the program, when a program
crashes, hangs past its limit, exits with an unexpected status, or prints nothing; and succeeds otherwise."""
import json
import os
import subprocess
import sys

capture, fixture, scratch = sys.argv[1:4]
CHAPTER = "99-fault-fixture"
cases = [
    ("crash", [], "crashed with signal 11 (SIGSEGV)"),
    ("hang", ["--timeout", "2"], "hung: still running after its time limit of 2.0 s"),
    ("exit3", [], "exited unexpectedly with status 3 (expected 0)"),
    ("silent", [], "printed nothing"),
    ("ok", ["--expect-exit", "3"], "exited unexpectedly with status 0 (expected 3)"),
    ("ok", ["--expect-text", "sanitizer report"], "output lacks the expected text"),
]
failures = 0
for mode, extra, why in cases:
    out = os.path.join(scratch, mode, "capture.json")
    cmd = [sys.executable, capture, "--chapter", CHAPTER, "--name", f"fixture-{mode}",
           "--workdir", os.path.dirname(out), "--out", out, *extra, "--", fixture, mode]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    first = proc.stderr.splitlines()[0] if proc.stderr else ""
    expected = f"BOOK CAPTURE FAILED: chapter {CHAPTER}, program fixture-{mode}: {why}"
    ok = proc.returncode != 0 and first.startswith(expected) and not os.path.exists(out)
    print(f"{'ok  ' if ok else 'FAIL'} {mode:7} {' '.join(extra):32} -> {first}")
    failures += not ok

# And a good run is captured, with its stamp.
out = os.path.join(scratch, "good", "capture.json")
proc = subprocess.run([sys.executable, capture, "--chapter", CHAPTER, "--name", "fixture-ok", "--runs", "2",
                       "--workdir", os.path.dirname(out), "--out", out, "--", fixture, "ok"],
                      capture_output=True, text=True, timeout=60)
record = json.load(open(out)) if proc.returncode == 0 else {}
good = proc.returncode == 0 and len(record.get("runs", [])) == 2 and record["runs"][0]["output"] == "all is well\n" \
    and record["stamp"]["cpus_available"] >= 1
print(f"{'ok  ' if good else 'FAIL'} a good program is captured twice with a stamp")
failures += not good
print(f"{len(cases) + 1 - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
