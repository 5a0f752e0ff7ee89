#!/usr/bin/env python3
"""Every chapter program rejects bad arguments the same way: usage on stderr and exit status 2.

The cases are derived from each program's own --help (the book::cli usage format): for every option an
unknown spelling, a missing value, a non-number, a negative count, a count above the documented maximum
and a fraction where a whole number is due; for every flag a value it must not take. --help itself must
exit 0 with the usage on stdout. No case may crash, hang or produce a sanitizer report.
"""
import json
import os
import re
import subprocess
import sys

SANITIZER = re.compile(r"(ERROR: \w+Sanitizer|WARNING: ThreadSanitizer|runtime error: )")
OPTION = re.compile(r"^\s+--([\w-]+)(?: (N|X|TEXT))?\s.*?(?:\((-?[\d.e+]+)\.\.(-?[\d.e+]+)\))?\s*$")


def run(exe, args, timeout):
    try:
        p = subprocess.run([exe, *args], capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return "hang", "", ""


def cases_for(usage):
    """(description, arguments) for every bad input the usage text implies."""
    cases = [("unknown option", ["--no-such-option"]), ("stray argument", ["stray"]),
             ("unknown option with a value", ["--no-such-option=3"])]
    for line in usage.splitlines():
        m = OPTION.match(line)
        if not m:
            continue
        name, kind, lo, hi = m.groups()
        opt = f"--{name}"
        if kind is None:
            cases.append((f"{opt} given a value", [f"{opt}=yes"]))
            continue
        cases.append((f"{opt} without its value", [opt]))
        cases.append((f"{opt} with an empty value", [f"{opt}="]))
        if kind in ("N", "X"):
            cases.append((f"{opt} not a number", [opt, "abc"]))
            cases.append((f"{opt} number with trailing junk", [opt, "12abc"]))
        if kind == "N":
            cases.append((f"{opt} a fraction", [opt, "1.5"]))
        if lo is not None and kind in ("N", "X"):
            low, high = float(lo), float(hi)
            if low >= 0:
                cases.append((f"{opt} negative", [opt, "-1"]))
            if low > 0:
                cases.append((f"{opt} below its minimum", [opt, repr(low - 1) if kind == "X" else str(int(low) - 1)]))
            above = high + 1 if kind == "N" else high * 2 + 1
            cases.append((f"{opt} above its maximum", [opt, str(int(above)) if kind == "N" else repr(above)]))
    return cases


def main():
    manifest = json.load(open(sys.argv[1]))
    scale = float(os.environ.get("BOOK_TIMEOUT_SCALE", "1"))
    timeout = 30 * scale
    passed = failed = 0
    for slug, ch in manifest["chapters"].items():
        for prog in ch["programs"]:
            label = f"{slug}/{prog['name']}"
            exe = prog["exe"]
            code, out, err = run(exe, ["--help"], timeout)
            if code != 0 or not out.startswith("usage: "):
                print(f"FAIL {label}: --help exited {code} and printed {out[:80]!r}")
                failed += 1
                continue
            passed += 1
            for what, args in cases_for(out):
                code, o, e = run(exe, args, timeout)
                problems = []
                if code != 2:
                    problems.append(f"exit status {code}, expected 2")
                if "usage: " not in e:
                    problems.append("no usage line on stderr")
                if SANITIZER.search(e):
                    problems.append("sanitizer report")
                if problems:
                    print(f"FAIL {label}: {what} ({' '.join(args)}): {'; '.join(problems)}")
                    failed += 1
                else:
                    passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
