#!/usr/bin/env python3
"""Runs ucontext_pingpong under strace and counts the system calls each switch makes."""
import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--program", required=True, help="path of ucontext_pingpong")
    ap.add_argument("--rounds", type=int, default=1000, help="round trips per variant")
    a = ap.parse_args()
    if a.rounds < 1 or a.rounds > 100000:
        ap.error("--rounds must lie in [1, 100000]")
    strace = shutil.which("strace")
    if strace is None:
        print("SKIPPED: strace is not installed")
        return 0
    # [probe]
    # strace needs ptrace(2), which some containers deny: try it on /bin/true first.
    probe = subprocess.run([strace, "-o", os.devnull, "/bin/true"], capture_output=True)
    if probe.returncode != 0:
        print("SKIPPED: ptrace is not allowed here (strace /bin/true failed: "
              + probe.stderr.decode(errors="replace").strip().splitlines()[-1] + ")")
        return 0
    # [/probe]
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "trace")
        cmd = [strace, "-o", log, a.program, "--impl", "both", "--rounds", str(a.rounds)]
        print("$ strace -o trace ucontext_pingpong --impl both --rounds", a.rounds)
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            print(run.stdout + run.stderr)
            return 1
        lines = open(log).read().splitlines()
    counts = {}
    sample = {}
    current = None
    for line in lines:
        m = re.search(r'write\(1, "MARK (begin|end) (\w+)', line)
        if m:
            current = m.group(2) if m.group(1) == "begin" else None
            counts.setdefault(m.group(2), collections.Counter())
            continue
        if current is not None:
            call = re.match(r"(\w+)\(", line)
            if call:
                counts[current][call.group(1)] += 1
                sample.setdefault(current, []).append(line)
    for impl in ("ucontext", "book"):
        c = counts.get(impl, collections.Counter())
        switches = 2 * a.rounds
        n = c["rt_sigprocmask"]
        other = sum(v for k, v in c.items() if k != "rt_sigprocmask")
        print(f"{impl:9s}: {switches} switches, rt_sigprocmask calls: {n} "
              f"({n / switches:.2f} per switch), other system calls: {other}")
    print("first system calls traced during the ucontext ping-pong:")
    for line in sample.get("ucontext", [])[:4]:
        print("   ", line)
    print("system calls traced during the book's ping-pong:", len(sample.get("book", [])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
