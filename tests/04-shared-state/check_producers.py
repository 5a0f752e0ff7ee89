"""Output check of producers: no item lost or duplicated, each producer's order kept."""
import re


def check(output, args):
    m = re.search(r"sent (\d+), received (\d+), out of order per producer (\d+), checksum (\w+)", output)
    assert m, "no summary line"
    assert m[1] == m[2], f"sent {m[1]} but received {m[2]}"
    assert m[3] == "0", "items of one producer arrived out of order"
    assert m[4] == "ok", "the checksum of received items is wrong"
    per_consumer = [int(x) for x in re.findall(r"consumer \d+ received\s+(\d+) items", output)]
    assert sum(per_consumer) == int(m[2]), "per-consumer counts do not add up"
