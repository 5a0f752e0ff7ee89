"""Output check of clang_tsa: the thread-safety analysis rejects both seeded bugs."""


def check(output, args):
    assert "exit status: 1" in output, "clang must reject the file"
    assert "reading variable 'balance_' requires holding mutex 'mutex_'" in output, \
        "the unguarded read is not reported"
    assert "calling function 'add_locked' requires holding mutex 'mutex_'" in output, \
        "the call without the lock is not reported"
    assert "-Werror,-Wthread-safety-analysis" in output, "not reported as an error"
