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
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import capture  # noqa: E402


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
    ap.add_argument("--exemptions-out", help="where to list the contenders the run declared exempt")
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
    # The same run and the same verdicts (status, empty output, expected text) as a capture.
    try:
        code, text, _ = capture.run_once(cmd, a.workdir, a.timeout)
    except capture.CaptureError as e:  # hung: killed at the limit
        why, text = e.args
        print(text[-4000:])
        print(f"RUN FAILED: {label}: {why}")
        return 1
    print(text[-20000:])
    # Contenders a program left out under this sanitizer (book::sanitizers::exempt), listed with their
    # reason at the end of the test's output and for the sanitizers:exemptions test.
    exempt = [line for line in text.splitlines() if line.startswith("BOOK EXEMPTION (")]
    if a.exemptions_out:
        os.makedirs(os.path.dirname(a.exemptions_out), exist_ok=True)
        with open(a.exemptions_out, "w") as f:
            f.write("".join(line + "\n" for line in exempt))
    for line in exempt:
        print(f"{label}: declared exemption: {line}")
    try:
        capture.check_run(code, text, a, 1, 1)
    except capture.CaptureError as e:
        print(f"RUN FAILED: {label}: {e.args[0]}")
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
