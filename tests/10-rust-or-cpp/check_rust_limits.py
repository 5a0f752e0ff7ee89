"""Output check of rust_limits: the check-then-act race pays twice, the fix once; the
unsafe counter can only lose increments; the opposite lock orders deadlock."""
import re

from checklib import section_lines


def check(output, args):
    two = " ".join(section_lines(output, "check-then-act (two lock scopes)"))
    assert "withdrawals paid 2 final balance -100" in two, f"race not shown: {two}"
    one = " ".join(section_lines(output, "check-then-act (one lock scope)"))
    assert "withdrawals paid 1 final balance 0" in one, f"fix failed: {one}"
    race = " ".join(section_lines(output, "data race inside unsafe"))
    m = re.search(r"expected (\d+) got (\d+) lost (\d+)", race)
    assert m, "no unsafe counter line"
    e, g, lost = map(int, m.groups())
    assert 0 < g <= e and lost == e - g, f"a racy counter can only lose: {m.groups()}"
    dead = " ".join(section_lines(output, "two locks in opposite orders"))
    assert "deadlock detected" in dead, "the forced deadlock was not detected"


def expectations(output, args):
    m = re.search(r"expected \d+ got \d+ lost (\d+)", output)
    lost = int(m[1]) if m else 0
    return [("the unsafe counter loses updates", lost > 0, f"lost {lost}")]
