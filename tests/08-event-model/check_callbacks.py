"""Output check of chapter 8's callbacks program: both loops ran every contender and the table is complete.
Times and ratios are never asserted; expectations() says what a quiet machine shows."""
import re

ROW = re.compile(r"^(book loop: immediate queues|libuv: check callback|book loop: all queued)"
                 r".*?\s([\d.]+) ns \(\s*([\d.]+)-\s*([\d.]+)\)$")


def rows(output):
    return {m.group(1): [float(m.group(i)) for i in (2, 3, 4)] for m in map(ROW.match, output.splitlines()) if m}


def check(output, args):
    assert "== one callback queued and dispatched" in output, "no table"
    r = rows(output)
    assert len(r) == 3, f"expected three rows, found {sorted(r)}"
    for name, (med, lo, hi) in r.items():
        assert 0 < lo <= med <= hi, f"{name}: median {med} outside its own min {lo} and max {hi}"
    assert re.search(r"^book loop / libuv, chained: [\d.]+x$", output, re.M), "no ratio line"


def expectations(output, args):
    r = rows(output)
    chained, batch = r.get("book loop: immediate queues"), r.get("book loop: all queued")
    if not (chained and batch):
        return []
    return [("a callback queued by the one before (a whole turn each) costs more than one of a batch run in one "
             "turn", chained[0] > batch[0], f"chained {chained[0]:.1f} ns, batch {batch[0]:.1f} ns")]
