"""Output check of lockorder: the acquire/release spinlock loses no increment."""
import re


def check(output, args):
    assert re.search(r"^\d+ threads x \d+ increments", output, re.M), "the header line is missing"
    m = re.search(r"^acquire-release: (\d+) increments lost", output, re.M)
    assert m, "the acquire-release line is missing"
    assert m.group(1) == "0", "the acquire/release spinlock lost increments"
    if "relaxed" not in args and "acquire-release" not in args:
        assert re.search(r"^relaxed:\s+\d+ increments lost", output, re.M), "the relaxed line is missing"
