"""Output check of the expectation fixture: the line the expectation reads is there (any machine)."""
import re


def check(output, args):
    assert re.search(r"^shows it: (yes|no)$", output, re.M), "the fixture says whether it shows it"


def expectations(output, args):
    m = re.search(r"^shows it: (yes|no)$", output, re.M)
    return [("the fixture shows it", bool(m) and m.group(1) == "yes", m.group(0) if m else "no line",
             "== demo")]
