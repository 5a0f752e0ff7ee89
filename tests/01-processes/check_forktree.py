"""Output check of forktree: one line per process, every path of the tree once, and each process's line
after the lines of all its descendants (it waited for its children, which waited for theirs)."""
from itertools import combinations

from checklib import int_option  # book/tools/checklib.py


def check(output, args):
    forks = int_option(args, "--forks", 3)
    lines = [l for l in output.splitlines() if l.startswith("p")]
    expected = {"-".join(["p"] + [str(i) for i in combo])
                for k in range(forks + 1) for combo in combinations(range(forks), k)}
    assert len(lines) == 2 ** forks, f"{len(lines)} lines, expected 2^{forks} = {2 ** forks}"
    assert set(lines) == expected, f"unexpected paths: {sorted(set(lines) ^ expected)}"
    position = {path: i for i, path in enumerate(lines)}
    for path in lines:
        for other in lines:
            if other.startswith(path + "-"):
                assert position[other] < position[path], f"{path} printed before its descendant {other}"
    assert lines[-1] == "p", "the original process prints last"
