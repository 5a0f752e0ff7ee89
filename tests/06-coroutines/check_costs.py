"""Output check of chapter 6's costs program: every contender is reported, and the memory facts hold (no timings checked)."""
import re


def check(output, args):
    for name in ("for loop", "function call", "hand-written iterator", "generator (resume+yield)",
                 "fill vector then loop", "plain function call", "create+run+destroy coroutine"):
        assert re.search(r"^" + re.escape(name) + r"\s+[\d.]+ ns \[[\d.]+\.\.[\d.]+\]\s+x[\d.]+$", output, re.M), \
            f"measurement line for '{name}' missing or malformed"
    m = re.search(r"heap allocations per coroutine created: ([\d.]+)", output)
    assert m, "allocation count missing"
    assert float(m.group(1)) in (0.0, 1.0), "a coroutine frame is allocated once or elided, never anything else"
    if float(m.group(1)) == 1.0:  # the cost file's coroutine.frame is this size
        assert re.search(r"^size of one frame of one_value\(\): \d+ bytes$", output, re.M), \
            "an allocated frame without its size"
    assert re.search(r"the vector holds \d+ bytes", output), "memory comparison missing"
    assert re.search(r"^== generator against the hand-written iterator\n"
                     r"generator / iterator, median over median: [\d.]+(e[+-]\d+)?$", output, re.M), \
        "the generator/iterator ratio (the cost file's iterator.hand_written comparison) is missing"


def expectations(output, args):
    """What the text says a quiet machine shows (the x column, ratio to the for loop): the hand-written
    iterator costs what the loop costs (within 1.5x), the generator costs more than the iterator, and
    the generator is in the same range as a call to a function that is not inlined (within a factor of
    2 of it, either way)."""
    ratio = {m.group(1).strip(): float(m.group(2)) for m in
             re.finditer(r"^(.{26}) +[\d.]+ ns \[[\d.]+\.\.[\d.]+\]  x([\d.]+)$", output, re.M)}
    out = []
    if "hand-written iterator" in ratio:
        out.append(("the hand-written iterator costs what the for loop costs (x within 1.5)",
                    ratio["hand-written iterator"] <= 1.5, f"hand-written iterator x{ratio['hand-written iterator']}",
                    "== consuming"))
    m = re.search(r"^generator / iterator, median over median: ([\d.e+-]+)$", output, re.M)
    if m:
        out.append(("the generator costs more per value than the hand-written iterator doing the same "
                    "work (ratio above 1)", float(m.group(1)) > 1.0, m.group(0),
                    "== generator against"))
    gen, call = ratio.get("generator (resume+yield)"), ratio.get("function call")
    if gen and call:
        out.append(("the generator costs about what a call to a function that is not inlined costs "
                    "(within 2x of it)", 0.5 <= gen / call <= 2.0,
                    f"generator x{gen}, function call x{call}", "== consuming"))
    return out
