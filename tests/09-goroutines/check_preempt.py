"""Output check of chapter 9's preempt: on the cooperative scheduler the ticker never runs
while the loop computes without yielding; with yields it may (an expectation)."""
import re


def _runs(output):
    return re.findall(r"ticks during the spin: (\d+)\nlongest gap between ticks: ([\d.]+) ms",
                      output)


def check(output, args):
    r = _runs(output)
    assert len(r) == 2, "two experiments expected"
    assert int(r[0][0]) == 0, "the ticker ran while a loop that never yields computed"


def expectations(output, args):
    r = _runs(output)
    if len(r) != 2:
        return []
    return [("the ticker runs while the yielding loop computes", int(r[1][0]) > 0,
             f"{r[1][0]} ticks", "== spin")]
