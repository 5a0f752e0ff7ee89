"""Output check of dangling: with fake stacks, ASan reports the read of a dead frame."""


def check(output, args):
    assert "ERROR: AddressSanitizer: stack-use-after-return" in output, "no ASan report"
    assert "dangling.cpp" in output, "the report does not point into dangling.cpp"
