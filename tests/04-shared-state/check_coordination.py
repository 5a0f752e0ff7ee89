"""Output check of coordination: the latch released main only after everyone, the barrier ran each phase once
after all parts were in, and the semaphore never let more threads in than it had permits."""
import re


def value(args, name, default):
    for i, a in enumerate(args):
        if a == f"--{name}" and i + 1 < len(args):
            return int(args[i + 1])
    return default


def check(output, args):
    workers, phases, permits = value(args, "workers", 4), value(args, "phases", 3), value(args, "permits", 2)
    m = re.search(r"latch: main saw (\d+) of (\d+)", output)
    assert m and m[1] == m[2] == str(workers), "the latch released main before every worker was set up"
    sums = [(int(p), int(s)) for p, s in re.findall(r"barrier: phase (\d+) complete, sum of this phase's parts = (\d+)", output)]
    assert [p for p, _ in sums] == list(range(phases)), "the completion function must run once per phase, in order"
    for p, s in sums:
        assert s == (p + 1) * workers * (workers + 1) // 2, f"phase {p}: a part was missing when the phase completed"
    m = re.search(r"at most (\d+) inside at once", output)
    assert m and 1 <= int(m[1]) <= min(permits, workers), "the semaphore admitted more threads than permits"
