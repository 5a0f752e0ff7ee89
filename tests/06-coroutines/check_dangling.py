"""Output check of chapter 6's dangling demonstration: AddressSanitizer names the bug and the coroutine."""


def check(output, args):
    assert "ERROR: AddressSanitizer: heap-use-after-free" in output, "AddressSanitizer did not report a use after free"
    assert "vowels" in output, "the report does not point into the coroutine that read the dead string"
    assert "vowels counted" not in output, "the program went on after the bad read"
