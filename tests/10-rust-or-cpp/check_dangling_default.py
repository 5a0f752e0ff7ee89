"""Output check of dangling_default: without fake stacks, the same bug runs to the end
with no report (what it read is whatever the dead frame held)."""


def check(output, args):
    assert "AddressSanitizer" not in output, "unexpected ASan report without fake stacks"
    assert "the worker read " in output, "the program did not finish"
