"""Output check of chapter 7's switch_cost: every contender measured (or declared exempt) in
one interleaved run. Never a ratio: that is for the cost file and the prose."""


def check(output, args):
    for name in ("book switch (pop + jmp)", "OS threads, one CPU (futex)"):
        assert name in output, f"{name} missing"
    for name in ("Boost.Context fiber", "swapcontext"):
        assert name in output or f"BOOK EXEMPTION" in output, f"{name} neither measured nor exempt"
    assert "interleaved" in output
