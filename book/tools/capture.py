#!/usr/bin/env python3
"""Runs one chapter program for the book and records what it printed, with a stamp.

Usage: capture.py --chapter NN-slug --name NAME --workdir DIR --out capture.json [--runs N]
                  [--timeout S] [--expect-exit N] [--expect-text REGEX] [--data "a.csv;b.json"]
                  [--compiler TEXT] [--flags TEXT] -- EXECUTABLE [ARGS...]

Each run gets stdout and stderr on one pipe (the order a terminal shows) and a time limit. Run 1 runs
in DIR (its data files are the ones the book uses); later runs in scratch folders. A run that crashes,
exceeds the limit, exits with another status than expected, lacks the expected text, or prints nothing
fails the capture with one line naming the chapter and the program, and no capture.json is left behind.
Captures take a lock, so that two never run at once, whatever the build tool does.
"""
import argparse
import fcntl
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
from stamp import make_stamp  # noqa: E402
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


def run_once(cmd, cwd, timeout):
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
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not cmd:
        ap.error("no command to run")
    data = [d for d in args.data.split(";") if d]
    label = f"chapter {args.chapter}, program {args.name}"

    if os.path.exists(args.out):
        os.remove(args.out)
    os.makedirs(args.workdir, exist_ok=True)
    for d in data:
        if os.path.exists(os.path.join(args.workdir, d)):
            os.remove(os.path.join(args.workdir, d))
    lock_path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(args.workdir))), ".capture.lock")
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = make_stamp(args.compiler, args.flags)
        runs = []
        try:
            for run in range(1, args.runs + 1):
                cwd = args.workdir if run == 1 else os.path.join(args.workdir, f".run-{run}")
                os.makedirs(cwd, exist_ok=True)
                try:
                    code, text, seconds = run_once(cmd, cwd, args.timeout)
                finally:
                    if run > 1:
                        shutil.rmtree(cwd, ignore_errors=True)
                check_run(code, text, args, run, args.runs)
                if run == 1:
                    for d in data:
                        if not os.path.exists(os.path.join(args.workdir, d)):
                            raise CaptureError(f"did not write its data file {d}", text)
                runs.append({"output": text, "exit": code, "seconds": round(seconds, 3)})
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

    shown = [os.path.basename(cmd[0])] + cmd[1:]
    # As a reader would type it: ./program for what the build made, a tool's bare name otherwise.
    build_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(args.workdir))))
    built = os.path.abspath(cmd[0]).startswith(build_root + os.sep)
    display = shlex.join([("./" if built else "") + shown[0]] + shown[1:])
    record = {"chapter": args.chapter, "name": args.name, "command": shown, "display": display,
              "expect_exit": args.expect_exit,
              "runs": runs, "stamp": stamp}
    record = scrub_record(record, args.workdir)  # no path of the build machine reaches the book
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(record, f, indent=1)
    os.replace(tmp, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
