"""Output check of predict: the deferred task never runs; the async task and the jthread each print once,
in any order relative to the end of the scope; the line after the scope comes last."""


def check(output, args):
    lines = [l for l in output.splitlines() if l]
    assert "deferred task" not in lines, "a deferred task ran although nobody called get() or wait()"
    assert sorted(lines) == sorted(["async task", "jthread", "end of scope", "after the scope"]), \
        f"unexpected lines: {lines}"
    assert lines[-1] == "after the scope", "both destructors wait, so the line after the scope is last"
