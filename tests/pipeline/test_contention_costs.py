#!/usr/bin/env python3
"""The pieces of the capture step that need no build: the contention window and its reading, the budget
for waiting, and the cost-file validator (every rule it enforces rejects a file that breaks it)."""
import copy
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, sys.argv[1])
import contention  # noqa: E402
import costs  # noqa: E402

results = []


def claim(ok, text):
    results.append(bool(ok))
    print(f"{'ok  ' if ok else 'FAIL'} {text}")


# A window around a child that does a fixed amount of work counts the child's CPU time as our own.
w = contention.Window()
subprocess.run([sys.executable, "-c", "sum(i * i for i in range(2_000_000))"], check=True)
c = w.stop()
claim(c["own_cpus"] > 0 and c["others_cpus"] >= 0 and c["measured"] and c["cpus_in_mask"] >= 1
      and c["reading"] in ("quiet",) + tuple([c["reading"]] if c["reading"].startswith("busy: ") else []),
      f"a window counts the reaped child as our own CPU time and reads '{c['reading']}'")
busy = dict(c, quiet=False, others_cpus=0.8, steal_cpus=0.0, throttled_s=0.0, tolerance_cpus=0.25,
            cpus_in_mask=2)
claim(contention.reading(busy) == "busy: other programs used 0.8 of 2 CPUs", "the one-line busy reading")
claim(contention.reading(dict(busy, others_cpus=0.0, throttled_s=1.5)).startswith(
      "busy: the CPU quota throttled"), "cgroup throttling makes a window busy")
quiet = dict(busy, quiet=True, others_cpus=0.1)
claim(contention.combine([quiet, quiet])["reading"] == "quiet"
      and contention.combine([quiet, busy])["quiet"] is False, "several runs: quiet only if every run was")

with tempfile.TemporaryDirectory() as d:
    b = contention.Budget(os.path.join(d, "ledger"), 5)
    b.charge(2)
    b.charge(2.5)
    claim(abs(b.remaining() - 0.5) < 1e-9, "the build's wait budget is shared through its ledger")
    z = contention.Budget(os.path.join(d, "zero"), 0)
    r = contention.wait_for_quiet(z, window_s=0.05)
    claim(r["charged_s"] <= 0.05 + r["waited_s"] and "quiet" in r, "with no budget left, one probe and no wait")

good = {"format": "book-costs/1", "chapter": "01-processes", "program": "processes", "costs": [
    {"key": "thread.create_join", "label": "thread", "includes": "create and join", "unit": "us",
     "median": 20.0, "min": 18.0, "max": 30.0, "runs": 11},
    {"key": "process.fork_wait", "label": "fork", "includes": "fork and wait", "unit": "us",
     "median": 100.0, "min": 90.0, "max": 140.0, "runs": 11, "compared_with": "thread.create_join",
     "ratio": 5.0, "goal_max_ratio": 10.0, "goal": "at most 10x a thread", "goal_met": True}]}
costs.validate(good, "01-processes", "processes")
claim(True, "a well-formed cost file is valid")
broken = {
    "a wrong format": lambda d: d.update(format="book-costs/0"),
    "another chapter": lambda d: d.update(chapter="02-threads"),
    "no costs": lambda d: d.update(costs=[]),
    "a missing field": lambda d: d["costs"][0].pop("includes"),
    "an unknown field": lambda d: d["costs"][0].update(speed="fast"),
    "a key with capitals": lambda d: d["costs"][0].update(key="Thread.Create"),
    "a duplicate key": lambda d: d["costs"][1].update(key="thread.create_join"),
    "min above the median": lambda d: d["costs"][0].update(min=25.0),
    "a ratio that is not median/median": lambda d: d["costs"][1].update(ratio=4.0),
    "a comparison with no such cost": lambda d: d["costs"][1].update(compared_with="green.switch"),
    "a goal without goal_met": lambda d: d["costs"][1].pop("goal_met"),
    "runs of zero": lambda d: d["costs"][0].update(runs=0),
}
for what, breaking in broken.items():
    doc = copy.deepcopy(good)
    breaking(doc)
    try:
        costs.validate(doc, "01-processes", "processes")
        claim(False, f"a cost file with {what} is rejected")
    except costs.CostFileError as e:
        claim(True, f"a cost file with {what} is rejected: {e}")

failed = results.count(False)
print(f"{len(results) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
