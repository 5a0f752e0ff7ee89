"""Output check of chapter 2's creation-cost program: every contender measured, summaries consistent (no times asserted)."""
import re

def check(output, args):
    reps = int(args[args.index("--reps") + 1]) if "--reps" in args else 15
    assert re.search(rf"^{reps} rounds after \d+ warm-up", output, re.M), "the header line does not match --reps"
    assert re.search(r"median \(min\.\.max\), microseconds$", output, re.M), "the table header is missing"
    for name in ("fork + waitpid", "std::thread + join", "std::jthread (scope)"):
        row = re.search(rf"^{re.escape(name)}\s+([\d.]+) \(([\d.]+)\.\.([\d.]+)\)$", output, re.M)
        assert row, f"row '{name}' is missing"
        med, lo, hi = (float(row.group(k)) for k in (1, 2, 3))
        assert lo <= med <= hi, f"{name}: the median is not between min and max"
        assert lo > 0, f"{name}: a creation took no time at all"
    assert re.search(r"^fork \+ waitpid / std::thread \+ join\s*: [\d.]+x", output, re.M), "the ratio line is missing"
    assert re.search(r"^std::jthread / std::thread\s*: [\d.]+x", output, re.M), "the jthread ratio line is missing"
