"""Output check of dangling_off: with fake stacks switched off explicitly (whatever this
compiler's ASan does by default), the same bug runs to the end with no report (what it
read is whatever the dead frame held)."""
import re


def check(output, args):
    assert re.search(r"^this build's ASan, by default: detect_stack_use_after_return=[01]$",
                     output, re.M), "the program names this build's default"
    assert "this run: detect_stack_use_after_return=0 (set in ASAN_OPTIONS)" in output, \
        "the run has fake stacks off, set explicitly"
    assert "ERROR: AddressSanitizer" not in output, "unexpected ASan report without fake stacks"
    assert "the worker read " in output, "the program did not finish"
