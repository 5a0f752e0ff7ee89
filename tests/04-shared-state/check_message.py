"""Output check of message: with release/acquire every message arrives intact."""
import re


def check(output, args):
    m = re.search(r"order (\w+): (\d+) messages passed, (\d+) read a value other", output)
    assert m, "no summary line"
    if m[1] == "release":
        assert m[3] == "0", "release/acquire must deliver every message intact"
