"""Output check of explore: the exact schedule counts and outcomes (the explorer is deterministic)."""
import re
from math import factorial


def value(args, name, default):
    for i, a in enumerate(args):
        if a == f"--{name}" and i + 1 < len(args):
            return int(args[i + 1])
        if a.startswith(f"--{name}="):
            return int(a.split("=", 1)[1])
    return default


def check(output, args):
    racy = output.split("== two threads, each: fetch_add")[0]
    assert re.search(r"counter=1\s+18 of 20 schedules", racy), "two racy increments: 18 of 20 must lose an update"
    assert re.search(r"counter=2\s+2 of 20 schedules", racy), "two racy increments: 2 of 20 must be right"
    assert re.search(r"fetch_add.*\n\s+counter=2\s+2 of 2 schedules", output), "fetch_add: both schedules give 2"
    sb = output.split("== store buffering")[1].split("== schedules")[0]
    assert re.search(r"A\.r=0 B\.r=1\s+1 of 6", sb) and re.search(r"A\.r=1 B\.r=0\s+1 of 6", sb), "SB one-sided outcomes"
    assert re.search(r"A\.r=1 B\.r=1\s+4 of 6", sb), "SB: both see 1 in 4 of 6 schedules"
    assert not re.search(r"A\.r=0 B\.r=0\s+\d+ of", sb), "SB: both-zero must be impossible under sequential consistency"
    assert "DIFFERENT" not in output, "an enumerated count differs from the closed form"
    rows = re.findall(r"^\s+(\d+)\s+(\d+)\s+(\d+|-)\s+(\d+)", output, re.M)
    n_max, k_max = value(args, "max-threads", 3), value(args, "max-steps", 4)
    assert len(rows) == (n_max - 1) * k_max, f"expected {(n_max - 1) * k_max} table rows, got {len(rows)}"
    for n, k, counted, formula in rows:
        n, k = int(n), int(k)
        closed = factorial(n * k) // factorial(k) ** n
        assert int(formula) == closed, f"closed form for {n} threads x {k} steps should be {closed}"
        assert counted == "-" or int(counted) == closed, f"enumeration for {n} x {k} gave {counted}"
