#!/usr/bin/env python3
"""Expectations, notices, BOOK_STRICT, cost files, stamps and sanitizer exemptions, end to end.

Builds the captures of a scratch chapter (tests/pipeline/98-expect-chapter) whose fixture prints what its
expectation reads (a counter file in its working directory, never a time):
  - flaky: fails its expectation in the first attempt only, so it is rerun and shows no notice;
  - never: always fails it, so the build passes with a notice in capture.json and the build log, and the
    notice renders; with BOOK_STRICT=ON the build fails naming chapter, program and expectation;
  - every stamp carries the contention figures and its reading, and the runtimes it declared;
  - costly: its cost file is validated, given the machine's verdict, gathered and indexed;
  - exempted / contender: under the address preset, both exemptions are listed with their reasons.
The wait for quiet is switched off (BOOK_QUIET_BUDGET=0): what is tested is the mechanism, not the machine.

Usage: test_expectations.py REPO_ROOT SCRATCH_DIR
"""
import glob
import json
import os
import shutil
import subprocess
import sys

root, scratch = sys.argv[1], sys.argv[2]
chapter = "98-expect-chapter"
chapter_dir = os.path.join(root, "tests", "pipeline", chapter)
build, asan = os.path.join(scratch, "default"), os.path.join(scratch, "asan")
sys.path.insert(0, os.path.join(root, "book", "_ext"))
sys.path.insert(0, os.path.join(root, "book", "tools"))
results = []


def claim(ok, text):
    results.append(bool(ok))
    print(f"{'ok  ' if ok else 'FAIL'} {text}")
    return ok


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900, **kw)


def configure(where, *extra):
    p = run(["cmake", "-S", root, "-B", where, "-G", "Ninja", f"-DBOOK_EXTRA_CHAPTER_DIRS={chapter_dir}",
             f"-DBOOK_CHAPTERS={chapter}", *extra])
    if p.returncode != 0:
        print(p.stdout[-3000:], p.stderr[-3000:])
        sys.exit("configure failed")


def record(name):
    with open(os.path.join(build, "captures", chapter, name, "capture.json")) as f:
        return json.load(f)


shutil.rmtree(scratch, ignore_errors=True)
configure(build, "-DBOOK_RENDER=ON", "-DBOOK_QUIET_BUDGET=0", "-DBOOK_CAPTURE_RERUNS=1", "-DBOOK_STRICT=OFF")
p = run(["cmake", "--build", build, "--target", "ch98_book", "costs/index.json"])
log = p.stdout + p.stderr
claim(p.returncode == 0, "the build passes although an expectation failed (BOOK_STRICT=OFF)")

flaky, never = record("flaky"), record("never")
claim(len(flaky["attempts"]) == 2 and not flaky["notices"] and "BOOK RERUN: chapter 98-expect-chapter, "
      "program flaky" in log, "an expectation that fails once: rerun, then held, no notice")
notice = never["notices"][0] if never["notices"] else {}
claim(len(never["attempts"]) == 2 and notice.get("description") == "the fixture shows it"
      and notice.get("observed") == ["shows it: no"] and notice.get("contention"),
      "an expectation that always fails: a notice with what was expected, observed and the contention")
claim('BOOK NOTICE: chapter 98-expect-chapter, program never: expected "the fixture shows it"' in log,
      "the build log says the same as the notice")

import bookext  # noqa: E402  (Sphinx's extension: the notice is pure HTML)
html = bookext.notice_html(never, never["notices"], 0)
claim('class="book-notice"' in html and "the fixture shows it" in html and "shows it: no" in html
      and never["stamp"]["contention_reading"] in html and "<script" not in html,
      "the notice renders as HTML: expectation, observation, contention, no script")

every = [json.load(open(p)) for p in glob.glob(os.path.join(build, "captures", chapter, "*", "capture.json"))]
claim(len(every) >= 4 and all(
    r["stamp"].get("contention") and "others_cpus" in r["stamp"]["contention"]
    and r["stamp"]["contention_reading"] and r["stamp"]["compiler"]
    and all("contention" in run_ for run_ in r["runs"]) for r in every),
    f"contention figures, their reading and the compiler in every stamp ({len(every)} captures)")
claim(flaky["stamp"]["runtimes"].get("python", "").startswith("Python 3."),
      "the declared runtime's version, read from the tool, is in the stamp")
from stamp import stamp_line  # noqa: E402
claim("competition: " in stamp_line(flaky["stamp"]) and "Python 3." in stamp_line(flaky["stamp"]),
      "stamp_line names the competition and the runtime")

gathered = os.path.join(build, "costs", chapter, "costly.json")
index = os.path.join(build, "costs", "index.json")
ok = os.path.exists(gathered) and os.path.exists(index)
if ok:
    doc, idx = json.load(open(gathered)), json.load(open(index))
    ok = ("quiet" in doc.get("machine", {}) and doc["costs"][0]["ratio"] == 3
          and doc["costs"][0]["goal_met"] is True
          and {c["key"] for c in idx["costs"]} == {"fixture.slow", "fixture.fast"})
claim(ok, "the cost file is validated, gets the machine's verdict, and is gathered into costs/index.json")

configure(build, "-DBOOK_STRICT=ON")
p = run(["cmake", "--build", build, "--target", "ch98_book", "--", "-k", "0"])
log = p.stdout + p.stderr
claim(p.returncode != 0 and 'BOOK STRICT: chapter 98-expect-chapter, program never: expectation "the fixture '
      'shows it" did not hold' in log, "BOOK_STRICT=ON fails the build naming chapter, program, expectation")

configure(asan, "-DBOOK_RENDER=OFF", "-DBOOK_SANITIZER=address")
p = run(["cmake", "--build", asan, "--target", "ch98_fixture"])
claim(p.returncode == 0, "the fixture builds under the address preset")
p = run(["ctest", "--test-dir", asan, "-V", "-R", f"^(run:{chapter}/(exempted|contender)|sanitizers:exemptions)$"])
log = p.stdout + p.stderr
claim(p.returncode == 0 and f"BOOK EXEMPTION (address): {chapter}/exempted is not run: a fake production "
      "library that cannot run clean under ASan" in log, "a whole program's exemption is reported with its reason")
claim("BOOK EXEMPTION (address): fake production library: it cannot run clean under this sanitizer" in log
      and "Sanitizer exemptions of the address preset: 2" in log,
      "an exempted contender is reported with its reason, and the listing names both")

failed = results.count(False)
if not failed:
    shutil.rmtree(scratch, ignore_errors=True)
print(f"{len(results) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
