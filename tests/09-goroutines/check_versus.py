"""Output check of chapter 9's versus: every workload ran on the book's runtime (and on Go's
when given) with the right results; the table has one row per workload."""
import re


def check(output, args):
    assert "sum=" in output and "last=" in output
    for s in re.findall(r"sum=(\d+)", output):
        assert int(s) > 0
    book = re.findall(r"^book: result (\w+) ", output, re.M)
    assert sorted(book) == sorted(["pingpong", "skynet", "buffered", "sieve", "spawn", "memory"]), book
    if "--go" in args:
        go = re.findall(r"^go:   result (\w+) ", output, re.M)
        assert sorted(go) == sorted(book), go
        skynet = re.findall(r"result skynet \S+ ms .*sum=(\d+)", output)
        assert len(set(skynet)) == 1, "the two skynets disagree"
        last = re.findall(r"result sieve \S+ ms .*last=(\d+)", output)
        assert len(set(last)) == 1, "the two sieves disagree"
    rows = re.findall(r"^(unbuffered ping-pong|skynet|buffered producer/consumer|prime sieve|"
                      r"spawn and wait|memory per parked goroutine) n=\d+", output, re.M)
    assert len(rows) == 6, rows


def _medians(output):
    rows = {}
    names = {"unbuffered ping-pong": "pingpong", "buffered producer/consumer": "buffered",
             "prime sieve": "sieve"}
    for label, key in names.items():
        m = re.search(r"^" + re.escape(label) + r" n=\d+ .* ([\d.]+)x$", output, re.M)
        if m:
            rows[key] = float(m[1])
    return rows


def expectations(output, args):
    if "--go" not in args:
        return []
    out = []
    for key, ratio in _medians(output).items():
        what = "on a quiet machine"
        out.append((f"the book's {key} is at or below Go's time (ratio at most 1.0): {what}",
                    ratio <= 1.0, f"{key}: {ratio:.2f}x", "== medians"))
    return out
