"""Output check of costs: every way of counting was exact, and all four were measured."""
import re


def check(output, args):
    assert "every total was exact" in output, "a counter lost updates"
    for way in ("mutex + lock_guard", "mutex + scoped_lock", "atomic fetch_add", "per-thread count"):
        assert re.search(re.escape(way) + r"\s+[\d.]+ [num]?s\s+[\d.]+ [num]?s\s+[\d.]+ [num]?s", output), f"no row for {way}"
