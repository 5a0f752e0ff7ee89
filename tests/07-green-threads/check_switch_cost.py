"""Output check of chapter 7's switch_cost: every contender measured (or declared exempt) in
one interleaved run, and the goal line's verdict follows its own ratio. Never a bound on a ratio:
that is for the cost file, the expectations and the prose."""
import re

# The goal line: the ratio as the cost file writes it (six significant digits) and the verdict
# that the same rule gives (met when that ratio is at most the goal), so page and file agree.
GOAL = re.compile(r"^goal: book switch at most ([\d.]+)x Boost\.Context: ratio ([\d.e+-]+), (met|not met)$",
                  re.M)


def check(output, args):
    for name in ("book switch (pop + jmp)", "OS threads, one CPU (futex)"):
        assert name in output, f"{name} missing"
    for name in ("Boost.Context fiber", "swapcontext"):
        assert name in output or f"BOOK EXEMPTION" in output, f"{name} neither measured nor exempt"
    assert "interleaved" in output
    if "Boost.Context fiber" in output:
        m = GOAL.search(output)
        assert m, "the goal line (ratio and verdict) is missing"
        goal, ratio, verdict = float(m.group(1)), float(m.group(2)), m.group(3)
        assert (verdict == "met") == (ratio <= goal), \
            f"the verdict '{verdict}' does not follow the ratio {ratio} against {goal}"


def _medians(output):
    import re
    rows = {}
    for line in output.splitlines():
        m = re.match(r"^(.+?)\s{2,}([\d.]+) (ns|us|ms)\s", line)
        if m:
            scale = {"ns": 1, "us": 1e3, "ms": 1e6}[m.group(3)]
            rows[m.group(1).strip()] = float(m.group(2)) * scale
    return rows


def expectations(output, args):
    """What a quiet machine shows: the book's switch at most 1.0x Boost.Context's time, the
    ret ending clearly slower, and each heavier mechanism slower than the one before."""
    r = _medians(output)
    book, ret = r.get("book switch (pop + jmp)"), r.get("book switch (ret)")
    boost, uc = r.get("Boost.Context fiber"), r.get("swapcontext")
    os_ = r.get("OS threads, one CPU (futex)")
    out = []
    goal = GOAL.search(output)
    if goal:
        # Judged exactly as the cost file's goal_met: the ratio as written, at most the goal.
        out.append((f"the book's switch takes at most {goal.group(1)}x Boost.Context's time "
                    "(the ratio to six digits, as the cost file holds it)", goal.group(3) == "met",
                    goal.group(0), "goal:"))
    if book and ret:
        out.append(("the ret ending is slower than pop + jmp", ret > book, f"{ret / book:.2f}x"))
    if uc and os_ and boost:
        out.append(("Boost.Context < swapcontext < OS threads", boost < uc < os_,
                    f"{boost:.0f} ns, {uc:.0f} ns, {os_:.0f} ns"))
    return out
