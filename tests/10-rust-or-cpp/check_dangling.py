"""Output check of dangling: with fake stacks, ASan reports the read of a dead frame."""


def check(output, args):
    assert "ERROR: AddressSanitizer: stack-use-after-return" in output, "no ASan report"
    assert "dangling.cpp" in output, "the report does not point into dangling.cpp"
    assert "this run: detect_stack_use_after_return=1 (set in ASAN_OPTIONS)" in output, \
        "the run has fake stacks on, set explicitly"
