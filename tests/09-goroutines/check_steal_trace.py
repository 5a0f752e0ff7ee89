"""Output check of chapter 9's steal_trace: every goroutine ran to completion and was seen
in the trace; every steal took at least one goroutine from a queue that held as many."""
import re

from checklib import int_option


def check(output, args):
    n = int_option(args, "--goroutines", 64)
    assert f"goroutines that ran to completion: {n} of {n}" in output
    assert f"goroutines seen running in the trace: {n + 1} (main included)" in output
    m = re.search(r"(\d+) steals moved (\d+) goroutines; steals from an empty queue: (\d+)", output)
    assert m, "the steal summary is missing"
    assert int(m[3]) == 0, "a steal took from an empty queue"
    assert int(m[2]) >= int(m[1]), "a steal moved no goroutine"
    runs = [int(x) for x in re.findall(r"^P\d+: (\d+) runs", output, re.M)]
    rounds = int_option(args, "--rounds", 3)
    assert sum(runs) >= n * rounds + 1, "fewer runs than the goroutines' slices"


def expectations(output, args):
    m = re.search(r"(\d+) steals moved", output)
    steals = int(m[1]) if m else 0
    runs = [int(x) for x in re.findall(r"^P\d+: (\d+) runs", output, re.M)]
    procs = int_option(args, "--procs", 4)
    return [("idle Ps steal work spawned on main's P (at least one steal)", steals > 0,
             f"{steals} steals", "== steals"),
            ("every P runs some goroutines", len(runs) == procs and min(runs) > 0,
             f"runs per P: {runs}", "== runs per P")]
