"""Output check of async_timers (C++) and rust_timers: nothing starts before it is
driven, every download starts before it finishes, and the sum is exact."""
import re


def check(output, args):
    lines = output.splitlines()
    created = next((i for i, l in enumerate(lines) if "none has started" in l), None)
    assert created is not None, "no 'none has started' line"
    for name in "abc":
        started = [i for i, l in enumerate(lines) if l == f"{name}: started"]
        finished = [i for i, l in enumerate(lines) if l.startswith(f"{name}: finished")]
        assert len(started) == 1 and len(finished) == 1, f"{name} must start and finish once"
        assert created < started[0] < finished[0], f"{name}: lazy start order broken"
    assert re.search(r"^sum 600 bytes$", output, re.M), "the sum must be 600 bytes"
    counts = [int(n) for n in re.findall(r"after (\d+) (?:polls|resumptions)", output)]
    assert len(counts) == 3 and all(c >= 2 for c in counts), \
        f"each download is driven at least twice (start, after its timer): {counts}"
