"""Output check of escape: ThreadSanitizer reports the race through the escaped pointer."""


def check(output, args):
    assert "WARNING: ThreadSanitizer: data race" in output, "no data race report"
    assert "escape.cpp" in output, "the report does not point into escape.cpp"
    assert "expected " in output and " got " in output, "the program did not finish"
