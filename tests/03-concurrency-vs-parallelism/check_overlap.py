"""Output check of overlap: every request and slice completes, everything ran on one CPU, the results agree."""
import re

from checklib import int_option  # book/tools/checklib.py


def check(output, args):
    tasks, requests = int_option(args, "--tasks", 4), int_option(args, "--requests", 10)
    total = tasks * requests
    done = re.findall(r"^(.+?)\s+(\d+) of (\d+) requests or slices completed$", output, re.M)
    assert len(done) == 7, f"seven ways reported, got {len(done)}"
    for way, n, of in done:
        assert int(n) == total and int(of) == total, f"{way.strip()}: all {total} completed, got {n}"
    m = re.search(r"everything below is confined to CPU (\d+)$", output, re.M)
    assert m, "the program names its CPU"
    assert re.search(r"^CPUs the tasks ran on: \{" + m.group(1) + r"\}$", output, re.M), "every task ran on that one CPU"
    assert "CPU-bound checksums agree: yes" in output, "the CPU-bound results do not depend on how the tasks were run"
    rows = re.findall(r"^(I/O-bound|CPU-bound|one serial device), .+?\s+\d+\.\d\s+\(\d+\.\d\.\.\d+\.\d\)\s+\d+\.\d$", output, re.M)
    assert len(rows) == 7, f"a timing row for each way, got {len(rows)}"
    # A device that serves one request at a time cannot finish them all sooner than the
    # sum of their latencies (its timers never fire early), however the tasks overlap.
    floor = re.search(r"^one serial device, least possible wall time: ([\d.]+) ms", output, re.M)
    assert floor, "the serial device's least possible wall time is missing"
    latency_ms = int_option(args, "--latency-us", 2000) / 1e3
    assert abs(float(floor.group(1)) - total * latency_ms) < 0.06, "the least possible wall time is wrong"
    for how in ("one after another", "a thread per task"):
        m = re.search(rf"^one serial device, {how}\s+[\d.]+\s+\(([\d.]+)\.\.", output, re.M)
        assert m and float(m.group(1)) >= total * latency_ms - 0.06, \
            f"the serial device finished {how} sooner than its requests' latencies allow"
    assert "a regular file, polled without waiting: ready for reading and writing" in output, \
        "POSIX: regular files always poll true for reading and writing"
