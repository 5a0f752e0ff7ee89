"""Output check of chapter 7's switch_cost: every contender measured (or declared exempt) in
one interleaved run. Never a ratio: that is for the cost file and the prose."""


def check(output, args):
    for name in ("book switch (pop + jmp)", "OS threads, one CPU (futex)"):
        assert name in output, f"{name} missing"
    for name in ("Boost.Context fiber", "swapcontext"):
        assert name in output or f"BOOK EXEMPTION" in output, f"{name} neither measured nor exempt"
    assert "interleaved" in output


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
    if book and boost:
        out.append(("the book's switch takes at most 1.0x Boost.Context's time", book <= boost,
                    f"{book / boost:.2f}x"))
    if book and ret:
        out.append(("the ret ending is slower than pop + jmp", ret > book, f"{ret / book:.2f}x"))
    if uc and os_ and boost:
        out.append(("Boost.Context < swapcontext < OS threads", boost < uc < os_,
                    f"{boost:.0f} ns, {uc:.0f} ns, {os_:.0f} ns"))
    return out
