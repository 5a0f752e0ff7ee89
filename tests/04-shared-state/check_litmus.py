"""Output check of litmus: sequentially consistent accesses and fences never let both threads read 0."""
import re


def check(output, args):
    rows = dict(re.findall(r"^\s+(relaxed|release/acquire|seq_cst|relaxed\+fence)\s+both old:\s+(\d+) of", output, re.M))
    assert len(rows) == 4, f"expected four variants, got {sorted(rows)}"
    assert rows["seq_cst"] == "0", "seq_cst must forbid the both-old outcome"
    assert rows["relaxed+fence"] == "0", "seq_cst fences must forbid the both-old outcome"
    aligned = re.findall(r"^\s+(relaxed|release/acquire|seq_cst|relaxed\+fence)\s+aligned:\s+(\d+) of (\d+)", output, re.M)
    assert len(aligned) == 4, f"expected the overlap of four variants, got {aligned}"
    for variant, count, total in aligned:
        assert int(count) <= int(total), f"{variant}: more aligned rounds than rounds"
