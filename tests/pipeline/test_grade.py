#!/usr/bin/env python3
"""The student pack's autograder, in four scenarios on one unpacked pack (one build folder, so
each scenario recompiles only the exercises it changed):

1. the fresh pack scores 0 of N;
2. with every reference solution copied in, N of N;
3. with one exercise put back to its starter, N-1, and that exercise is named;
4. with one more exercise crashing and one hanging, N-3, each reported as such, within the
   time limit, while the others are still graded.

usage: test_grade.py PACK.tar.gz REPO_ROOT SCRATCH_DIR
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET


def run_grade(top, junit, timeout):
    proc = subprocess.run([os.path.join(top, "grade"), "--junit", junit, "--timeout",
                           str(timeout)], capture_output=True, text=True, cwd=top)
    print(proc.stdout[-6000:] + proc.stderr[-3000:])
    m = re.search(r"^(\d+) of (\d+) exercises solved", proc.stdout, re.M)
    assert m, "the grader printed no summary line"
    ET.parse(junit)  # the JUnit XML is well-formed
    return int(m.group(1)), int(m.group(2)), proc.stdout, proc.returncode


def row(out, ident):
    for line in out.splitlines():
        if line.startswith(ident + " "):
            return line
    raise AssertionError(f"no row for {ident}")


def main():
    pack, root, scratch = sys.argv[1:4]
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    with tarfile.open(pack) as tar:
        tar.extractall(scratch)
    top = os.path.join(scratch, "book-code")
    assert os.access(os.path.join(top, "grade"), os.X_OK), "the pack's ./grade is not executable"
    assert not glob.glob(os.path.join(top, "code", "*", "exercises", "*", "solution")), \
        "the pack contains a solution"
    junit = os.path.join(scratch, "results.xml")
    timeout = 20

    print("== scenario 1: the fresh pack")
    solved, total, out, code = run_grade(top, junit, timeout)
    assert total > 0 and solved == 0, f"a fresh pack must score 0 of N, got {solved} of {total}"
    assert code == 1, "the grader must exit non-zero when exercises are unsolved"

    print("== scenario 2: every reference solution copied in")
    exercises = sorted(glob.glob(os.path.join(root, "code", "*", "exercises", "*", "solution")))
    for sol in exercises:
        rel = os.path.relpath(sol, root)
        dest = os.path.join(top, os.path.dirname(rel), "starter")
        for f in os.listdir(sol):
            shutil.copy(os.path.join(sol, f), os.path.join(dest, f))
    solved, total2, out, code = run_grade(top, junit, timeout)
    assert total2 == total and solved == total, f"expected {total} of {total}, got {solved}"
    assert code == 0, "the grader must exit 0 when everything is solved"

    def ident(sol):
        parts = os.path.relpath(sol, root).split(os.sep)
        return f"{parts[1]}/{parts[3]}"

    print("== scenario 3: one exercise back to its starter")
    first = exercises[0]
    rel = os.path.relpath(first, root)
    starter_src = os.path.join(root, os.path.dirname(rel), "starter")
    for f in os.listdir(starter_src):
        shutil.copy(os.path.join(starter_src, f), os.path.join(top, os.path.dirname(rel),
                                                               "starter", f))
    solved, _, out, code = run_grade(top, junit, timeout)
    assert solved == total - 1, f"expected {total - 1} of {total}, got {solved}"
    assert "not solved" in row(out, ident(first)), "the unsolved exercise is not named"

    print("== scenario 4: one more crashes, one more hangs")
    crash, hang = exercises[1], exercises[2]
    for sol, code_text in ((crash, "static const int book_grade_crash = (std::abort(), 0);"),
                           (hang, "static const int book_grade_hang = [] { for (;;) "
                                  "std::this_thread::sleep_for(std::chrono::seconds(1)); "
                                  "return 0; }();")):
        starter = os.path.join(top, os.path.dirname(os.path.relpath(sol, root)), "starter")
        header = sorted(glob.glob(os.path.join(starter, "*.hpp")))[0]
        with open(header, "a") as f:
            f.write("\n#include <chrono>\n#include <cstdlib>\n#include <thread>\n"
                    f"{code_text}\n")
    solved, _, out, code = run_grade(top, junit, timeout)
    assert solved == total - 3, f"expected {total - 3} of {total}, got {solved}"
    assert "crashed with signal 6 (SIGABRT)" in row(out, ident(crash)), "the crash is not named"
    assert "hung" in row(out, ident(hang)), "the hang is not named"
    print(f"grader: 0/{total}, {total}/{total}, {total - 1}/{total}, {total - 3}/{total} as "
          "expected")


if __name__ == "__main__":
    main()
