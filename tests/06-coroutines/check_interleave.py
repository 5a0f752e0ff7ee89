"""Output check of chapter 6's interleave program: each task's own steps in order, all on one thread (never one interleaving)."""
import re

from checklib import int_option  # book/tools/checklib.py


def check(output, args):
    requests = int_option(args, "--requests", 3)
    slices = int_option(args, "--slices", 8)
    events = {}
    times = []
    for line in output.splitlines():
        m = re.match(r"^\s*([\d.]+) ms  (download A|download B|checksum)\s+(.*)$", line)
        if m:
            times.append(float(m.group(1)))
            events.setdefault(m.group(2), []).append(m.group(3))
    assert times == sorted(times), "timeline lines are not in time order"

    def downloads(n):
        out = []
        for i in range(1, n + 1):
            out += [f"sends request {i}", f"got reply {i * 100}"]
        return out + ["done"]

    b_requests = requests - 1 if requests > 1 else requests
    assert events.get("download A") == downloads(requests), "download A's own steps are out of order"
    assert events.get("download B") == downloads(b_requests), "download B's own steps are out of order"
    ck = events.get("checksum", [])
    assert ck[:-1] == [f"computed slice {s} of {slices}" for s in range(1, slices + 1)], "checksum's slices are out of order"
    assert ck and ck[-1].startswith("done, hash "), "checksum did not finish"

    assert "tasks finished: 3 of 3" in output
    assert "threads used: 1" in output, "a task ran on a second thread"
    assert "every sleep lasted at least as long as asked: yes" in output, "a sleeper woke before its deadline"
    # Concurrency without parallelism, counted by the program from its own intervals.
    assert "most tasks in progress at once: 3" in output, "the three tasks were not all in progress together"
    assert "most tasks running at once: 1" in output, "two tasks ran at the same instant on one thread"
    assert "most tasks asleep at once: 2" in output, "the two downloaders' waits did not overlap"
    resumes = int(re.search(r"times a task was resumed: (\d+)", output).group(1))
    # Each task is resumed once to start and once after every suspension.
    assert resumes == (1 + requests) + (1 + b_requests) + (1 + slices), f"unexpected number of resumes: {resumes}"
