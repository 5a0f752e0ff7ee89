"""Output check of timeline: every task completes, the one-CPU run stayed on its CPU, the trace is valid.

Asserts only what holds on any machine and under any load: nothing about time, ratios or interleavings.
"""
import json
import os
import re
import sys

from checklib import int_option  # book/tools/checklib.py


def _trace_name(args, default="trace.json"):
    """The file name given with --trace (a text option, which int_option does not read)."""
    for i, a in enumerate(args):
        if a == "--trace" and i + 1 < len(args):
            return args[i + 1]
        if a.startswith("--trace="):
            return a.split("=", 1)[1]
    return default


def _trace_dir():
    # check(output, args) receives no directory; the data file lies in the capture's working directory, which
    # outcheck.py was given as --capture DIR/capture.json (captured runs) or --workdir DIR (sanitizer runs).
    argv = sys.argv
    for i, a in enumerate(argv[:-1]):
        if a == "--capture":
            return os.path.dirname(argv[i + 1])
        if a == "--workdir":
            return argv[i + 1]
    return None


def _sections(output):
    parts, name = {}, None
    for line in output.splitlines():
        m = re.match(r"^== (one CPU|all CPUs): (\d+) tasks", line)
        if m:
            name = m.group(1)
            parts[name] = {"tasks": int(m.group(2)), "lines": []}
        elif line.startswith("=="):
            name = None
        elif name:
            parts[name]["lines"].append(line)
    return parts


def check(output, args):
    tasks = int_option(args, "--tasks", 4)
    m = re.search(r"^one-CPU run confined to: CPU (\d+)$", output, re.M)
    assert m, "the program names the CPU of the one-CPU run"
    cpu = m.group(1)
    parts = _sections(output)
    assert set(parts) == {"one CPU", "all CPUs"}, f"both runs are reported, got {sorted(parts)}"
    for name, part in parts.items():
        body = "\n".join(part["lines"])
        assert part["tasks"] == tasks, f"{name}: {tasks} tasks"
        assert re.search(rf"^tasks completed: {tasks} of {tasks}$", body, re.M), f"{name}: every task completes"
        rows = [l for l in part["lines"] if re.match(r"^task \d+: \d+ stretches, CPUs used \d+,", l)]
        assert len(rows) == tasks, f"{name}: one row per task, got {len(rows)}"
        for row in rows:
            assert int(row.split()[2]) >= 1, f"{name}: every task ran at least once: {row}"
        assert re.search(r"samples taken: \d+, of which outside CPUs \S+: 0$", body, re.M), f"{name}: no sample outside the run's CPUs"
        assert re.search(rf"^most tasks in progress at one instant: [1-{tasks}]$", body, re.M), f"{name}: in-progress count reported"
    one_rows = [l for l in parts["one CPU"]["lines"] if l.startswith("task ")]
    for row in one_rows:
        assert ", CPUs used 1," in row, f"one CPU: every task used exactly one CPU: {row}"
    assert re.search(rf"samples taken: \d+, of which outside CPUs \{{{cpu}\}}: 0$", "\n".join(parts["one CPU"]["lines"]), re.M), \
        f"one CPU: every sample on CPU {cpu}"
    assert "checksums of the two runs agree: yes" in output, "both runs computed the same results"

    name = _trace_name(args)
    directory = _trace_dir()
    assert directory is not None, "the trace file's directory is known (outcheck.py passes --capture or --workdir)"
    path = os.path.join(directory, name)
    assert os.path.exists(path), f"the trace file {path} exists"
    with open(path) as f:
        trace = json.load(f)  # raises on invalid JSON, which fails the check
    events = trace["traceEvents"]
    pids = sorted({e["pid"] for e in events})
    assert pids == [1, 2], f"two runs (processes) in the trace, got {pids}"
    for pid in pids:
        tracks = sorted(e["tid"] for e in events if e["pid"] == pid and e.get("name") == "thread_name" and e["ph"] == "M")
        assert tracks == list(range(1, tasks + 1)), f"run {pid}: one named track per task, got {tracks}"
        spans = [e for e in events if e["pid"] == pid and e["ph"] == "X"]
        assert {e["tid"] for e in spans} == set(range(1, tasks + 1)), f"run {pid}: every task has a stretch"
        for e in spans:
            assert e["dur"] >= 0 and e["ts"] >= 0 and isinstance(e["args"]["cpu"], int), f"run {pid}: well-formed event {e}"
    assert all(str(e["args"]["cpu"]) == cpu for e in events if e["pid"] == 1 and e["ph"] == "X"), "one-CPU run: every stretch on that CPU"


def expectations(output, args):
    """What the prose says a quiet machine shows (capture.py reruns, then notices, when a run does not)."""
    parts = _sections(output)
    m = re.search(r"^CPUs in this process's affinity mask: (\d+)", output, re.M)
    cpus = int(m.group(1)) if m else 1
    if cpus < 2 or "all CPUs" not in parts:
        return []
    body = "\n".join(parts["all CPUs"]["lines"])
    peak = re.search(r"^most tasks executing at one instant: (\d+)$", body, re.M)
    observed = f"most tasks executing at one instant: {peak.group(1) if peak else '?'}"
    return [("with two or more CPUs in the mask, at least two tasks execute at one instant in the all-CPUs run",
             bool(peak) and int(peak.group(1)) >= 2, observed, "== all CPUs")]
