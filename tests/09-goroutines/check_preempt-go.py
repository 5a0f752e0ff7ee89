"""Output check of chapter 9's Go preemption captures: the program ran its loop on
GOMAXPROCS=1 and reported the ticks; with asynchronous preemption on, a quiet machine shows
ticks during the loop (an expectation); with it off (GODEBUG=asyncpreemptoff=1), none can
happen, since the loop has no preemption point."""
import re


def check(output, args):
    assert "GOMAXPROCS=1" in output
    m = re.search(r"ticks during the spin: (\d+)", output)
    assert m, "no tick count"
    assert re.search(r"longest gap between ticks: [\d.]+ ms", output)


def expectations(output, args):
    m = re.search(r"ticks during the spin: (\d+)", output)
    if not m or "asyncpreemptoff" in " ".join(args):
        return []
    return [("Go preempts the loop: the ticker ticks during it", int(m[1]) > 0,
             f"{m[1]} ticks")]
