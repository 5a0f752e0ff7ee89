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
    assert re.search(r"the vector holds \d+ bytes", output), "memory comparison missing"
