"""Output check of compare: every contender of a workload computed the exact result."""
import re

from checklib import int_option as arg


def check(output, args):
    threads = arg(args, "--threads", 2)
    counter, channel, n = (arg(args, "--counter-n", 500000), arg(args, "--channel-n", 100000),
                           arg(args, "--sum-n", 4000000))
    expected = {
        "mutex counter": threads * counter,
        "atomic counter": threads * counter,
        "mutex on one CPU": threads * counter,
        "atomic on one CPU": threads * counter,
        "bounded channel": channel * (channel + 1) // 2,
        "parallel sum": sum((i * 7) % 1000 for i in range(n)),
    }
    rows = re.findall(r"^(mutex counter|atomic counter|mutex on one CPU|atomic on one CPU|"
                      r"bounded channel|parallel sum)\s+"
                      r"(.+?)\s{2,}.*\s(\d+)$", output, re.M)
    assert rows, "no result rows"
    seen = set()
    for group, label, result in rows:
        assert int(result) == expected[group], f"{label}: {result} != {expected[group]}"
        seen.add(group)
    assert seen == set(expected), f"missing workloads: {set(expected) - seen}"
    if "--rust" in args:
        assert sum(1 for g, _, _ in rows if g == "parallel sum") >= 3
        assert "ratio C++ / Rust" in output, "no ratio table"


def expectations(output, args):
    """What a quiet machine shows: the same design costs about the same in both languages."""
    ratios = {(m[0], m[1]): float(m[2]) for m in
              re.findall(r"^\s+(\S+)\s+/\s+(\S+)\s+([\d.]+)$", output, re.M)}
    out = []
    for a, b in (("cpp.mutex_counter", "rust.mutex_counter"),
                 ("cpp.atomic_counter", "rust.atomic_counter")):
        r = ratios.get((a, b))
        if r is not None:
            out.append((f"{a} / {b} lies between 0.5 and 2 (the same design in both)",
                        0.5 <= r <= 2.0, f"{r:.2f}"))
    return out
