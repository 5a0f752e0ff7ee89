#!/usr/bin/env python3
"""Book check: the capture step's scrubber (book/tools/scrub.py) leaves no path of the build machine.

Feeds it the kinds of text the book captures (a ThreadSanitizer report, a gdb backtrace, a compiler
diagnostic, a Node.js stack trace with a file:// URL, a command line) with a made-up source root and a
build tree inside it, and asserts the repository-relative result; and that the sanitizers' options gain
strip_path_prefix without losing the options already set.

usage: test_scrub.py ROOT
"""
import os
import sys

sys.path.insert(0, os.path.join(sys.argv[1] if len(sys.argv) > 1 else ".", "book", "tools"))
import scrub  # noqa: E402

SOURCE = "/home/ci/work/book"
WORKDIR = SOURCE + "/build/captures/04-shared-state/race_tsan"
CASES = [
    ("    #0 plain_increments /home/ci/work/book/code/04-shared-state/race.cpp:22 (race_tsan+0x12a4)",
     "    #0 plain_increments code/04-shared-state/race.cpp:22 (race_tsan+0x12a4)"),
    ("#6  0x000055 in main () at /home/ci/work/book/code/04-shared-state/deadlock.cpp:40",
     "#6  0x000055 in main () at code/04-shared-state/deadlock.cpp:40"),
    ("/home/ci/work/book/code/06-coroutines/tasks.cpp:31:5: warning: unused variable",
     "code/06-coroutines/tasks.cpp:31:5: warning: unused variable"),
    ("    at Object.<anonymous> (file:///home/ci/work/book/code/08-event-model/order.cjs:3:9)",
     "    at Object.<anonymous> (code/08-event-model/order.cjs:3:9)"),
    ("$ taskset -c 0 /home/ci/work/book/build/code/03-concurrency-vs-parallelism/timeline --tasks 2",
     "$ taskset -c 0 build/code/03-concurrency-vs-parallelism/timeline --tasks 2"),
    ("cwd is /home/ci/work/book", "cwd is ."),
    ("/home/ci/work/bookshelf/other.cpp stays", "/home/ci/work/bookshelf/other.cpp stays"),
]


def main():
    failures = []
    for given, want in CASES:
        got = scrub.scrub_paths(given, WORKDIR, source_root=SOURCE)
        if got != want:
            failures.append(f"scrub_paths({given!r}) gave {got!r}, not {want!r}")
    record = {"runs": [{"output": CASES[0][0], "exit": 0}], "display": CASES[4][0]}
    scrubbed = scrub.scrub_record(record, WORKDIR, source_root=SOURCE)
    if scrubbed["display"] != CASES[4][1] or scrubbed["runs"][0]["output"] != CASES[0][1]:
        failures.append("scrub_record left the source root in the record")
    env = scrub.sanitizer_environment({"TSAN_OPTIONS": "halt_on_error=0"}, source_root=SOURCE)
    if env["TSAN_OPTIONS"] != f"halt_on_error=0:strip_path_prefix={SOURCE}/":
        failures.append(f"TSAN_OPTIONS became {env['TSAN_OPTIONS']!r}")
    if env["ASAN_OPTIONS"] != f"strip_path_prefix={SOURCE}/":
        failures.append(f"ASAN_OPTIONS became {env['ASAN_OPTIONS']!r}")
    for f in failures:
        print("FAIL:", f)
    print(f"{len(CASES) + 2 - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
