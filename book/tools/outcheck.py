#!/usr/bin/env python3
"""Checks a chapter program's output against the invariants its prose relies on.

Two modes:
  outcheck.py --chapter C --name P --check tests/C/check_P.py --capture capture.json
      applies check(output, args) to every captured run (the default preset);
  outcheck.py --chapter C --name P [--check FILE] --workdir DIR [--timeout S] [--expect-exit N]
              [--expect-text RE] -- EXE ARGS...
      runs the program once (the sanitizer presets run it with small arguments), checks its exit
      status, that it printed something, the expected text, then the invariants if a check is given.
"""
import argparse
import importlib.util
import json
import os
import re
import signal
import subprocess
import sys


def load_check(path):
    spec = importlib.util.spec_from_file_location("book_check", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not hasattr(module, "check"):
        sys.exit(f"{path}: defines no check(output, args)")
    return module.check


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chapter", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--check")
    ap.add_argument("--capture")
    ap.add_argument("--workdir")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--expect-exit", type=int, default=0)
    ap.add_argument("--expect-text", default="")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    label = f"chapter {a.chapter}, program {a.name}"
    check = load_check(a.check) if a.check else None

    if a.capture:
        with open(a.capture) as f:
            record = json.load(f)
        args = record["command"][1:]
        for i, run in enumerate(record["runs"], 1):
            try:
                check(run["output"], args)
            except AssertionError as e:
                print(f"OUTPUT CHECK FAILED: {label}, captured run {i}: {e}")
                return 1
        print(f"{label}: {len(record['runs'])} captured run(s) hold every invariant")
        return 0

    cmd = a.command[1:] if a.command[:1] == ["--"] else a.command
    os.makedirs(a.workdir or ".", exist_ok=True)
    proc = subprocess.Popen(cmd, cwd=a.workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=a.timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        print(out.decode("utf-8", "replace")[-4000:])
        print(f"RUN FAILED: {label}: hung past {a.timeout} s")
        return 1
    text = out.decode("utf-8", "replace")
    print(text[-20000:])
    if proc.returncode != a.expect_exit:
        print(f"RUN FAILED: {label}: exit status {proc.returncode}, expected {a.expect_exit}")
        return 1
    if not text.strip():
        print(f"RUN FAILED: {label}: printed nothing")
        return 1
    if a.expect_text and not re.search(a.expect_text, text, re.M):
        print(f"RUN FAILED: {label}: output lacks /{a.expect_text}/")
        return 1
    # A sanitizer finding in a program that does not declare one is a failure even if it exited 0.
    if not a.expect_text and re.search(r"^(==\d+==ERROR: \w+Sanitizer|WARNING: ThreadSanitizer|.*runtime error: )", text, re.M):
        print(f"RUN FAILED: {label}: sanitizer report in the output")
        return 1
    if check:
        try:
            check(text, cmd[1:])
        except AssertionError as e:
            print(f"OUTPUT CHECK FAILED: {label}: {e}")
            return 1
    print(f"{label}: ran cleanly" + (" and holds every invariant" if check else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
