"""Output check of chapter 7's guard: the overflow is reported by the handler, naming green
thread 2, and the child dies of SIGSEGV; green thread 1 ran normally."""


def check(output, args):
    assert "green thread 1: a shallow call, then done" in output
    assert "green thread 2 overflowed its stack (touched the guard page at 0x" in output, \
        "no overflow report"
    assert "returned" not in output, "the deep recursion returned: no overflow happened"
    assert "parent: the child was ended by signal 11" in output, "the child did not die of SIGSEGV"
