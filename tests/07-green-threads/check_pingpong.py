"""Output check of chapter 7's pingpong (x86-64 and AArch64): values travel both ways, the
fresh stack is aligned, and the deep suspension resumes where it left off."""
import re
from checklib import int_option  # book/tools/checklib.py


def check(output, args):
    rounds = int_option(args, "--rounds", 3)
    depth = int_option(args, "--depth", 4)
    assert re.search(r"^architecture: (x86-64|AArch64)", output, re.M), "no architecture line"
    for r in range(1, rounds + 1):
        assert f"ping: round {r}, got {r} from main" in output, f"ping did not get {r}"
        assert f"main: got {r + 100} back" in output, f"main did not get {r + 100} back"
    assert "stack 16-byte aligned at entry: yes" in output, "fresh stack misaligned"
    lines = [l for l in output.splitlines() if l.startswith(("green:", "main: green"))]
    expected = [
        f"green: descending through {depth} ordinary calls",
        f"green: at depth {depth}, switching to main",
        f"main: green thread suspended at depth {depth}, its frames on its own stack",
        f"green: resumed at depth {depth}, returning",
        f"green: back at the entry, sum of levels = {depth * (depth + 1) // 2}",
        "main: green thread finished (-1)",
    ]
    assert lines == expected, f"deep suspension out of order: {lines}"
