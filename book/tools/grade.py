#!/usr/bin/env python3
"""Grades the exercises: builds each one's tests against the code in starter/, runs them, and
prints a table (exercise, test cases passed of total, the failing test cases).

  grade.py [--exercise NN-slug/name ...] [--junit FILE] [--timeout S] [--build DIR]

Run it from the top of the student pack (./grade does) or of the repository (target `grade`).
An exercise counts as solved only when every one of its test cases passes. A test binary that
crashes or hangs is reported as such for that exercise, within the time limit, and the others
still run. The build folder is kept, so grading again recompiles only what changed. Exit status:
0 when every graded exercise is solved, 1 otherwise, 2 for bad arguments or a failed configure.
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from xml.sax.saxutils import quoteattr

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def c_identifier(text):
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


def exercises(root):
    """Every exercise of the tree: (NN-slug, name, folder), in chapter order."""
    found = []
    code = os.path.join(root, "code")
    for chapter in sorted(os.listdir(code)):
        ex_dir = os.path.join(code, chapter, "exercises")
        if not re.match(r"^\d\d-", chapter) or not os.path.isdir(ex_dir):
            continue
        for name in sorted(os.listdir(ex_dir)):
            if os.path.isfile(os.path.join(ex_dir, name, "test.cpp")):
                found.append((chapter, name, os.path.join(ex_dir, name)))
    return found


def target_of(chapter, name):
    return c_identifier(f"ch{chapter[:2]}_ex_{name}") + "_starter"


def requirement_missing(folder):
    """An exercise may declare tools its tests need in a file `requires` (one per line)."""
    path = os.path.join(folder, "requires")
    if not os.path.exists(path):
        return ""
    from shutil import which
    with open(path) as f:
        tools = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    missing = [t for t in tools if not which(t)]
    return ", ".join(missing)


def configure(root, build):
    if os.path.exists(os.path.join(build, "CMakeCache.txt")):
        return True
    cmd = ["cmake", "-S", root, "-B", build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
           "-DBOOK_RENDER=OFF", "-DBOOK_STUDENT=ON"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        print(proc.stdout[-3000:] + proc.stderr[-3000:], file=sys.stderr)
        return False
    return True


def build_targets(build, targets):
    """Builds each target; returns {target: compiler output} for those that failed."""
    failed = {}
    proc = subprocess.run(["cmake", "--build", build, "--target", *targets, "--", "-k", "0"],
                          capture_output=True, text=True)
    if proc.returncode == 0:
        return failed
    # Find out which ones failed: rebuild each alone (the others are up to date, so it is quick).
    for t in targets:
        one = subprocess.run(["cmake", "--build", build, "--target", t], capture_output=True,
                             text=True)
        if one.returncode != 0:
            failed[t] = one.stdout[-4000:]
    return failed


def find_binary(build, target):
    for dirpath, _, files in os.walk(build):
        if target in files:
            path = os.path.join(dirpath, target)
            if os.access(path, os.X_OK):
                return path
    return None


def list_cases(binary, timeout):
    proc = subprocess.run([binary, "--list-test-cases", "--no-version"], capture_output=True,
                          text=True, timeout=timeout)
    names = []
    for line in proc.stdout.splitlines():
        line = line.strip()
        if not line or line.startswith("[doctest]") or set(line) <= {"=", "-"}:
            continue
        names.append(line)
    return names


def run_cases(binary, timeout, scratch):
    """Runs the binary with doctest's XML reporter: (verdict, {case: passed}, output tail)."""
    xml_path = os.path.join(scratch, os.path.basename(binary) + ".xml")
    if os.path.exists(xml_path):
        os.remove(xml_path)
    env = dict(os.environ, BOOK_WATCHDOG_SECONDS=str(max(1, int(timeout))))
    proc = subprocess.Popen([binary, "-r=xml", f"--out={xml_path}", "--no-version"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True, env=env)
    verdict = ""
    try:
        out, _ = proc.communicate(timeout=timeout + 5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        verdict = f"hung: killed after {timeout:.0f} s"
    text = out.decode("utf-8", "replace")
    if not verdict and proc.returncode == 124 and "WATCHDOG" in text:
        verdict = f"hung: the watchdog stopped it after {timeout:.0f} s"
    elif not verdict and proc.returncode < 0:
        verdict = f"crashed with signal {-proc.returncode} ({signal.Signals(-proc.returncode).name})"
    results = {}
    try:
        tree = ET.parse(xml_path)
        for case in tree.iter("TestCase"):
            res = case.find("OverallResultsAsserts")
            ok = res is not None and res.get("test_case_success") == "true"
            results[case.get("name")] = ok
    except (ET.ParseError, FileNotFoundError):
        # A crash or a hang leaves the XML unfinished: salvage the cases it finished.
        if os.path.exists(xml_path):
            with open(xml_path, errors="replace") as f:
                raw = f.read()
            for m in re.finditer(r'<TestCase name="([^"]*)".*?test_case_success="(true|false)"',
                                 raw, re.S):
                results[m.group(1)] = m.group(2) == "true"
    if not verdict and proc.returncode != 0 and not results:
        verdict = f"exited with status {proc.returncode} without reporting its tests"
    return verdict, results, text[-2000:]


def grade(root, build, selected, timeout, junit):
    all_ex = exercises(root)
    if selected:
        wanted = set(selected)
        unknown = wanted - {f"{c}/{n}" for c, n, _ in all_ex}
        if unknown:
            print(f"grade: no such exercise: {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        all_ex = [e for e in all_ex if f"{e[0]}/{e[1]}" in wanted]
    if not configure(root, build):
        print("grade: configuring the build failed", file=sys.stderr)
        return 2
    targets = [target_of(c, n) for c, n, _ in all_ex]
    started = time.monotonic()
    failed_builds = build_targets(build, targets)
    scratch = os.path.join(build, "grade")
    os.makedirs(scratch, exist_ok=True)

    rows = []
    for (chapter, name, folder), target in zip(all_ex, targets):
        ident = f"{chapter}/{name}"
        missing = requirement_missing(folder)
        if missing:
            rows.append({"id": ident, "passed": 0, "total": 0, "failing": [],
                         "verdict": f"not graded: needs {missing}, not installed"})
            continue
        if target in failed_builds:
            rows.append({"id": ident, "passed": 0, "total": 0, "failing": [],
                         "verdict": "does not compile", "log": failed_builds[target]})
            continue
        binary = find_binary(build, target)
        if binary is None:
            rows.append({"id": ident, "passed": 0, "total": 0, "failing": [],
                         "verdict": "test binary not found"})
            continue
        try:
            names = list_cases(binary, timeout)
        except subprocess.TimeoutExpired:
            names = []
        verdict, results, tail = run_cases(binary, timeout, scratch)
        names = names or list(results)
        failing = [n for n in names if not results.get(n, False)]
        rows.append({"id": ident, "passed": len(names) - len(failing), "total": len(names),
                     "failing": failing, "verdict": verdict, "log": tail,
                     "cases": [(n, results.get(n, False)) for n in names]})

    solved = [r for r in rows if r["total"] and r["passed"] == r["total"] and not r["verdict"]]
    width = max([len(r["id"]) for r in rows] + [8])
    print(f"{'exercise':<{width}}  tests   result")
    for r in rows:
        ok = r in solved
        score = f"{r['passed']}/{r['total']}" if r["total"] else "-"
        result = "solved" if ok else (r["verdict"] or "not solved")
        print(f"{r['id']:<{width}}  {score:<6}  {result}")
        for n in r["failing"]:
            print(f"{'':<{width}}          failing: {n}")
    graded = [r for r in rows if not r["verdict"].startswith("not graded")]
    print(f"\n{len(solved)} of {len(graded)} exercises solved "
          f"({time.monotonic() - started:.0f} s)")
    if junit:
        write_junit(junit, rows, solved)
    return 0 if len(solved) == len(graded) and graded else 1


def write_junit(path, rows, solved):
    """One testsuite per exercise, one testcase per doctest test case; a crash, a hang or a
    compile error is one more failed testcase named by its verdict."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<testsuites>"]
    for r in rows:
        cls = quoteattr(r["id"])
        cases = [f"    <testcase classname={cls} name={quoteattr(n)}>"
                 + ("" if ok else "<failure message=\"test case failed\"/>") + "</testcase>"
                 for n, ok in r.get("cases", [])]
        failures = len(r["failing"])
        skipped = 0
        if r["verdict"]:
            kind = "skipped" if r["verdict"].startswith("not graded") else "failure"
            skipped += kind == "skipped"
            failures += kind == "failure"
            cases.append(f"    <testcase classname={cls} name={quoteattr(r['verdict'])}>"
                         f"<{kind} message={quoteattr(r['verdict'])}/></testcase>")
        lines.append(f"  <testsuite name={cls} tests=\"{len(cases)}\" failures=\"{failures}\" "
                     f"skipped=\"{skipped}\">")
        lines += cases
        lines.append("  </testsuite>")
    lines.append("</testsuites>")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--exercise", action="append", default=[],
                    help="grade only this exercise (NN-slug/name); repeatable")
    ap.add_argument("--junit", default="", help="also write JUnit XML to this file")
    ap.add_argument("--timeout", type=float, default=60, help="seconds per exercise (default 60)")
    ap.add_argument("--build", default="", help="build folder (default build-grade)")
    ap.add_argument("--root", default=ROOT, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.timeout <= 0:
        ap.error("--timeout must be positive")
    build = os.path.abspath(args.build or os.path.join(args.root, "build-grade"))
    return grade(os.path.abspath(args.root), build, args.exercise, args.timeout, args.junit)


if __name__ == "__main__":
    sys.exit(main())
