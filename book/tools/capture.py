#!/usr/bin/env python3
"""Runs one chapter program for the book and records what it printed, with a stamp.

Usage: capture.py --chapter NN-slug --name NAME --workdir DIR --out capture.json [--runs N]
                  [--timeout S] [--expect-exit N] [--expect-text REGEX] [--data "a.csv;b.json"]
                  [--compiler TEXT] [--flags TEXT] [--check check_NAME.py] [--costs FILE --costs-out PATH]
                  [--runtimes "node;uv"] [--wait-budget S --budget-ledger PATH] [--max-wait S]
                  [--reruns N] [--strict] -- EXECUTABLE [ARGS...]

Each run gets stdout and stderr on one pipe (the order a terminal shows) and a time limit. Run 1 runs
in DIR (its data files are the ones the book uses); later runs in scratch folders. A run that crashes,
exceeds the limit, exits with another status than expected, lacks the expected text, or prints nothing
fails the capture with one line naming the chapter and the program, and no capture.json is left behind.
Captures take a lock, so that two never run at once, whatever the build tool does.

Every run is measured for competition (contention.py: the CPU other programs took from the CPUs in our
mask while it ran, steal, cgroup throttling); the stamp carries the reading ("quiet", "busy: other
programs used 0.8 of 2 CPUs"). A measurement capture (its output check defines expectations(), or it
writes a cost file) first waits, bounded by the build's budget, until the machine is quiet. When an
expectation (what the prose says a quiet machine shows) fails in a run, the whole capture is rerun, up to
--reruns times, waiting for quiet first; if it still fails, capture.json records the notice the page shows
beside that output, the build log says the same, and with --strict (BOOK_STRICT) the capture fails.
A cost file is validated (costs.py), given the machine's verdict and copied to --costs-out.
"""
import argparse
import fcntl
import importlib.util
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import contention  # noqa: E402
import costs as costfiles  # noqa: E402
from stamp import make_stamp, runtime_versions, stamp_line  # noqa: E402
from scrub import sanitizer_environment, scrub_record  # noqa: E402

MAX_OUTPUT = 2_000_000


class CaptureError(Exception):
    pass


def describe_status(code):
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = "unknown signal"
        return f"crashed with signal {-code} ({name})"
    return f"exited with status {code}"


def run_once(cmd, cwd, timeout, window=None):
    """Runs cmd once; returns (status, output, seconds). With a contention.Window, it is started just
    before the program and stopped once the program has been reaped (stop() is left to the caller)."""
    if window is not None:
        window.start()
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True, env=sanitizer_environment())
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        raise CaptureError(f"hung: still running after its time limit of {timeout} s (killed)",
                           out.decode("utf-8", "replace")) from None
    seconds = time.monotonic() - start
    text = out.decode("utf-8", "replace")
    if len(text) > MAX_OUTPUT:
        text = text[:MAX_OUTPUT] + "\n[output cut at 2 MB]\n"
    return proc.returncode, text, seconds


def check_run(code, text, args, run, runs):
    where = f" in run {run} of {runs}" if runs > 1 else ""
    if code != args.expect_exit:
        if code < 0:
            raise CaptureError(f"{describe_status(code)}{where}", text)
        raise CaptureError(f"exited unexpectedly with status {code}{where} (expected {args.expect_exit})", text)
    if not text.strip():
        raise CaptureError(f"printed nothing{where}", text)
    if args.expect_text and not re.search(args.expect_text, text, re.M):
        raise CaptureError(f"output lacks the expected text /{args.expect_text}/{where}", text)


def load_expectations(path):
    """The expectations(output, args) function of a check file, or None."""
    if not path or not os.path.exists(path):
        return None
    spec = importlib.util.spec_from_file_location("book_check_for_capture", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, "expectations", None)


def evaluate(expectations, text, args, run, label):
    """The expectation results of one run: a list of dicts (description, held, observed, section)."""
    try:
        results = list(expectations(text, args))
    except Exception as e:  # a broken expectation is a bug of the check, never a notice
        raise CaptureError(f"its output check's expectations() failed in run {run}: "
                           f"{type(e).__name__}: {e}", text) from None
    out = []
    for r in results:
        if not isinstance(r, (tuple, list)) or len(r) not in (3, 4):
            raise CaptureError(f"expectations() must return (description, held, observed[, section]) "
                               f"tuples, got {r!r}", text)
        out.append({"description": str(r[0]), "held": bool(r[1]), "observed": str(r[2]),
                    "section": str(r[3]) if len(r) == 4 and r[3] else ""})
    return out


def notices_of(runs):
    """Every expectation that failed in some run: one notice each, with the runs it failed in."""
    notices = {}
    for i, run in enumerate(runs, 1):
        for e in run.get("expectations", []):
            if e["held"]:
                continue
            n = notices.setdefault(e["description"], {"description": e["description"], "section": e["section"],
                                                      "runs": [], "observed": []})
            n["runs"].append(i)
            n["observed"].append(e["observed"])
    return list(notices.values())


def capture_runs(cmd, args, data, costs_file):
    """One attempt: every run of the capture, each with its contention window. Raises CaptureError."""
    runs = []
    for run in range(1, args.runs + 1):
        cwd = args.workdir if run == 1 else os.path.join(args.workdir, f".run-{run}")
        os.makedirs(cwd, exist_ok=True)
        window = contention.Window()
        try:
            code, text, seconds = run_once(cmd, cwd, args.timeout, window)
            competition = window.stop(args.quiet_below)
        finally:
            if run > 1:
                shutil.rmtree(cwd, ignore_errors=True)
        check_run(code, text, args, run, args.runs)
        if run == 1:
            for d in data + ([costs_file] if costs_file else []):
                if not os.path.exists(os.path.join(args.workdir, d)):
                    raise CaptureError(f"did not write its data file {d}", text)
        runs.append({"output": text, "exit": code, "seconds": round(seconds, 3), "contention": competition})
    return runs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chapter", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--expect-exit", type=int, default=0)
    ap.add_argument("--expect-text", default="")
    ap.add_argument("--data", default="")
    ap.add_argument("--compiler", default="")
    ap.add_argument("--flags", default="")
    ap.add_argument("--check", default="", help="the output check file, whose expectations() are read")
    ap.add_argument("--costs", default="", help="the cost file the program writes in its working directory")
    ap.add_argument("--costs-out", default="", help="where the validated cost file is gathered")
    ap.add_argument("--runtimes", default="", help="external runtimes the stamp names, ;-separated")
    ap.add_argument("--runtimes-cache", default="", help="per-build cache of runtime versions (JSON)")
    ap.add_argument("--wait-budget", type=float, default=0,
                    help="seconds the whole build may wait for quiet (0: never wait)")
    ap.add_argument("--budget-ledger", default="", help="file holding the seconds this build has waited")
    ap.add_argument("--max-wait", type=float, default=30, help="longest wait before one attempt")
    ap.add_argument("--quiet-below", type=float, default=contention.QUIET_BELOW,
                    help="other programs' CPUs below which the machine counts as quiet")
    ap.add_argument("--reruns", type=int, default=2, help="reruns when an expectation fails")
    ap.add_argument("--strict", action="store_true", help="a failed expectation fails the capture")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    began = time.monotonic()
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not cmd:
        ap.error("no command to run")
    data = [d for d in args.data.split(";") if d and d != args.costs]
    label = f"chapter {args.chapter}, program {args.name}"
    try:
        expectations = load_expectations(args.check)
    except Exception as e:  # noqa: BLE001 - a check file that does not load is reported, not a traceback
        print(f"BOOK CAPTURE FAILED: {label}: its output check {args.check} does not load: {e}", file=sys.stderr)
        return 1
    measurement = expectations is not None or bool(args.costs)

    if os.path.exists(args.out):
        os.remove(args.out)
    os.makedirs(args.workdir, exist_ok=True)
    for d in data + ([args.costs] if args.costs else []):
        if os.path.exists(os.path.join(args.workdir, d)):
            os.remove(os.path.join(args.workdir, d))
    if args.costs_out and os.path.exists(args.costs_out):
        os.remove(args.costs_out)
    lock_path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(args.workdir))), ".capture.lock")
    budget = contention.Budget(args.budget_ledger, args.wait_budget) if args.budget_ledger else None
    runtimes = runtime_versions([r for r in args.runtimes.split(";") if r], args.runtimes_cache or None)
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        attempts = []
        try:
            for attempt in range(1, args.reruns + 2):
                wait = None
                if measurement and args.wait_budget > 0:
                    wait = contention.wait_for_quiet(budget, max_wait=args.max_wait, threshold=args.quiet_below)
                    if attempt > 1 and not wait["quiet"] and budget.remaining() <= 0:
                        # Still busy and the build's budget for waiting is spent: another attempt would
                        # meet the same competition, so the notice goes out now (the build stays short).
                        attempts[-1]["rerun_skipped"] = "still busy, and the build's wait budget is spent"
                        print(f"BOOK RERUN SKIPPED: {label}: the machine is still busy "
                              f"({wait['last_window']['reading']}) and the build's wait budget is spent",
                              file=sys.stderr)
                        break
                runs = capture_runs(cmd, args, data, args.costs)
                if expectations:
                    for i, run in enumerate(runs, 1):
                        run["expectations"] = evaluate(expectations, run["output"], cmd[1:], i, label)
                failed = notices_of(runs)
                attempts.append({"attempt": attempt, "wait": wait,
                                 "runs_s": round(sum(r["seconds"] for r in runs), 2),
                                 "contention": contention.combine([r["contention"] for r in runs]),
                                 "expectations_held": not failed,
                                 "failed": [n["description"] for n in failed]})
                if not failed:
                    break
                if attempt <= args.reruns:
                    print(f"BOOK RERUN: {label}: attempt {attempt} did not show what a quiet machine shows "
                          f"({'; '.join(n['description'] for n in failed)}); competition: "
                          f"{attempts[-1]['contention']['reading']}; rerunning", file=sys.stderr)
            costs_doc = None
            if args.costs:
                try:
                    costs_doc = costfiles.load(os.path.join(args.workdir, args.costs), args.chapter, args.name)
                except costfiles.CostFileError as e:
                    raise CaptureError(f"its cost file {args.costs} is invalid: {e}", runs[0]["output"]) from None
        except CaptureError as e:
            why, text = e.args
            print(f"BOOK CAPTURE FAILED: {label}: {why}", file=sys.stderr)
            tail = text.strip().splitlines()[-15:]
            if tail:
                print("  last lines of its output:\n" + "\n".join("  | " + line for line in tail), file=sys.stderr)
            return 1
        except OSError as e:
            print(f"BOOK CAPTURE FAILED: {label}: could not run {cmd[0]}: {e}", file=sys.stderr)
            return 1

    competition = contention.combine([r["contention"] for r in runs])
    stamp = make_stamp(args.compiler, args.flags, runtimes, competition)
    notices = notices_of(runs)
    for n in notices:
        n["contention"] = competition["reading"]
        n["attempts"] = len(attempts)
        where = f"run{'s' if len(n['runs']) > 1 else ''} {', '.join(map(str, n['runs']))} of {len(runs)}"
        print(f"BOOK NOTICE: {label}: expected \"{n['description']}\", but {where} showed "
              f"{' / '.join(n['observed'])} (after {len(attempts)} attempt(s); competition: "
              f"{competition['reading']})", file=sys.stderr)
    if notices and args.strict:
        for n in notices:
            print(f"BOOK STRICT: {label}: expectation \"{n['description']}\" did not hold "
                  f"(BOOK_STRICT=ON fails the build)", file=sys.stderr)
        return 1
    waited = sum((a["wait"] or {}).get("waited_s", 0) for a in attempts)
    if measurement and (waited >= 1 or len(attempts) > 1):
        print(f"book capture {args.chapter}/{args.name}: {len(attempts)} attempt(s), waited {waited:.1f} s "
              f"for quiet, {'no notice' if not notices else f'{len(notices)} notice(s)'}", file=sys.stderr)

    shown = [os.path.basename(cmd[0])] + cmd[1:]
    # As a reader would type it: ./program for what the build made, a tool's bare name otherwise.
    build_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(args.workdir))))
    # A bare name (gdb, node) is a tool found on the PATH, not a file of the build.
    built = os.sep in cmd[0] and os.path.abspath(cmd[0]).startswith(build_root + os.sep)
    display = shlex.join([("./" if built else "") + shown[0]] + shown[1:])
    record = {"chapter": args.chapter, "name": args.name, "command": shown, "display": display,
              "expect_exit": args.expect_exit, "measurement": measurement,
              "runs": runs, "stamp": stamp, "attempts": attempts, "notices": notices,
              "waited_s": round(waited, 2),
              # What the capture step cost beside the program's own runs: waiting, probes, stamp, checks.
              "capture_s": round(time.monotonic() - began, 2),
              "runs_s": round(sum(r["seconds"] for a in [runs] for r in a), 2)}
    if costs_doc is not None:
        annotated = costfiles.annotate(costs_doc, runs[0]["contention"]["quiet"], runs[0]["contention"]["reading"],
                                       stamp_line(stamp), not notices)
        costfiles.write_json(os.path.join(args.workdir, args.costs), annotated)
        if args.costs_out:
            costfiles.write_json(args.costs_out, annotated)
    record = scrub_record(record, args.workdir)  # no path of the build machine reaches the book
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(record, f, indent=1)
    os.replace(tmp, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
