"""Output check of lockfree: exact CAS-loop result, the ABA replay word for word, a stack that loses and duplicates nothing."""
import re

from checklib import section_lines  # book/tools/checklib.py

NAIVE = """start:     stack (top first) = A B C
thread 1:  pop_begin reads head A, next B; paused before its compare-and-swap
thread 2:  pop -> A
thread 2:  pop -> B (thread 2 now owns B)
thread 2:  push A (the node is recycled); stack = A C
thread 1:  compare-and-swap(head: expect A, new B) SUCCEEDS
end:       stack = B C; node B is on the stack AND owned by thread 2: it will be used twice"""

TAGGED = """start:     stack (top first) = A B C
thread 1:  pop_begin reads head A/tag 3, next B; paused before its compare-and-swap
thread 2:  pop -> A
thread 2:  pop -> B (thread 2 now owns B)
thread 2:  push A (the node is recycled); stack = A C
thread 1:  compare-and-swap(head: expect A/tag 3, new B) fails (head is now A/tag 6)
thread 1:  retries: pop -> A
end:       stack = C; consistent"""


def _section(output, title):
    return "\n".join(line for line in section_lines(output, title) if line.strip())


def check(output, args):
    cas = _section(output, "CAS loop")
    assert re.search(r"final value equals 3\^\d+ \(mod 2\^64\): no update lost", cas), "the CAS loop lost an update"
    assert _section(output, "ABA, untagged head") == NAIVE, "the untagged ABA replay differs from the script"
    assert _section(output, "ABA, tagged head") == TAGGED, "the tagged ABA replay differs from the script"
    assert "lost items: 0; duplicated items: 0" in _section(output, "Treiber stack (tagged)"), "the stack lost or duplicated items"
    timing = _section(output, "push+pop pair")
    assert re.search(r"^threads=1: ", timing, re.M), "the one-thread timing is missing"


def expectations(output, args):
    """What a quiet machine shows: under contention (two threads or more) the Treiber stack is slower than
    the mutex-protected vector (3-9x on an idle 2-CPU VM), since each pair does four compare-and-swaps on
    two heads while the unfair mutex grants long single-owner runs."""
    out = []
    for m in re.finditer(r"^threads=(\d+): Treiber .*ratio ([\d.]+)$", output, re.M):
        n, ratio = int(m.group(1)), float(m.group(2))
        if n >= 2:
            out.append((f"with {n} threads the Treiber stack is slower than mutex + vector (ratio above 1)",
                        ratio > 1.0, f"threads={n}: ratio {ratio:.2f}", "== push+pop pair"))
    return out
