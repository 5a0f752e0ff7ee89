"""Output check of costs: every way of counting was exact, and all four were measured."""
import re


def check(output, args):
    assert "every total was exact" in output, "a counter lost updates"
    for way in ("mutex + lock_guard", "mutex + scoped_lock", "atomic fetch_add", "per-thread count"):
        assert re.search(re.escape(way) + r"\s+[\d.]+ [num]?s\s+[\d.]+ [num]?s\s+[\d.]+ [num]?s", output), f"no row for {way}"


def _ns(text):
    value, unit = text.split()
    return float(value) * {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[unit]


def expectations(output, args):
    """What a quiet machine shows: the mechanisms' order, mutex above atomic above per-thread counts (the
    median column). On a busy machine the threads rarely overlap and the contended costs collapse toward
    the uncontended ones (capture.py reruns, then shows a notice)."""
    medians = {}
    for m in re.finditer(r"^  (mutex \+ lock_guard|atomic fetch_add|per-thread count)\s+"
                         r"([\d.]+ [nmu]?s)\s", output, re.M):
        medians[m.group(1)] = _ns(m.group(2))
    if len(medians) < 3:
        return []
    mutex, atomic, own = (medians[k] for k in ("mutex + lock_guard", "atomic fetch_add", "per-thread count"))
    return [("a contended mutex costs more per increment than a contended atomic, which costs more than a "
             "per-thread count (the median column)", mutex > atomic > own,
             f"medians: mutex {mutex:.1f} ns, atomic {atomic:.1f} ns, per-thread {own:.1f} ns")]
