"""Output check of chapter 2's creation-cost program: every contender measured, summaries consistent (no times asserted)."""
import re

UNITS = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}


def _ns(text):
    value, unit = text.split()
    return float(value) * UNITS[unit]


def check(output, args):
    reps = int(args[args.index("--reps") + 1]) if "--reps" in args else 15
    assert re.search(rf"^{reps} rounds after \d+ warm-up", output, re.M), "the header line does not match --reps"
    for name in ("fork + waitpid", "std::thread + join", "std::jthread (scope)"):
        row = re.search(rf"^{re.escape(name)}\s+([\d.]+ \w+)\s+([\d.]+ \w+)\s+([\d.]+ \w+)$", output, re.M)
        assert row, f"row '{name}' is missing"
        med, lo, hi = (_ns(row.group(k)) for k in (1, 2, 3))
        assert lo <= med <= hi, f"{name}: the median is not between min and max"
        assert lo > 0, f"{name}: a creation took no time at all"
    assert re.search(r"^fork \+ waitpid / std::thread \+ join\s*: [\d.]+x", output, re.M), "the ratio line is missing"
    assert re.search(r"^std::jthread / std::thread\s*: [\d.]+x", output, re.M), "the jthread ratio line is missing"
