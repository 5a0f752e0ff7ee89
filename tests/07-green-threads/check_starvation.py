"""Output check of chapter 7's starvation: the ticker never runs while the hog computes
without yielding; the polite hog yields. (That the ticker then runs during the hog is what a
machine shows unless the process is descheduled for the hog's whole run: an expectation.)"""
import re


def _rounds(output):
    return re.findall(r"yielding (\d+) times\n.*?\nticks while the hog computed: (\d+)", output, re.S)


def check(output, args):
    r = _rounds(output)
    assert len(r) == 2, "two rounds expected"
    (y0, t0), (y1, _) = r
    assert int(y0) == 0 and int(t0) == 0, "the ticker ran while a hog that never yields computed"
    assert int(y1) > 0, "the polite hog never yielded"


def expectations(output, args):
    r = _rounds(output)
    if len(r) != 2:
        return []
    t1 = int(r[1][1])
    return [("the ticker runs while the polite hog computes", t1 > 0, f"{t1} ticks")]
