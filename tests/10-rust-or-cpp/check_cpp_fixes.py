"""Output check of cpp_fixes (and rust_fixes): every fix counts every increment."""
import re


def check(output, args):
    m = re.search(r"^(\d+) threads x (\d+) increments", output, re.M)
    assert m, "no header line"
    expected = int(m[1]) * int(m[2])
    rows = re.findall(r"^(.+?)\s+expected (\d+) got (\d+) lost (\d+)$", output, re.M)
    assert len(rows) == 4, f"four fixes expected, found {len(rows)}"
    for name, e, g, lost in rows:
        assert int(e) == expected and int(g) == expected and int(lost) == 0, \
            f"{name.strip()} lost updates: {e} {g} {lost}"
