"""Output check of chapter 7's schedule: the cooperative scheduler's order is deterministic,
so the interleaving is asserted exactly (for the captured arguments)."""
import re
from checklib import int_option  # book/tools/checklib.py


def check(output, args):
    steps = int_option(args, "--steps", 3)
    levels = int_option(args, "--levels", 3)
    sleepers = int_option(args, "--sleepers", 3)
    events = re.findall(r"^\s*(\d+)  (\S+)\s+(.*)$", output, re.M)
    numbers = [int(n) for n, _, _ in events]
    assert numbers == list(range(1, len(events) + 1)), "steps are not numbered 1, 2, 3, ..."
    lines = [f"{who} {what}" for _, who, what in events]
    if (steps, levels) == (3, 3):
        first = [
            "counter step 1 of 3", "parent spawns child", "parent joins child",
            "nested yields from depth 3", "counter step 2 of 3", "child starts, yields",
            "nested resumed at depth 3", "counter step 3 of 3", "child finishes",
            "parent joined child",
        ]
        assert lines[:10] == first, f"interleaving differs: {lines[:10]}"
        assert "switches: 20 (two per resumption)" in output
    sleeps = [l for l in lines if l.startswith("sleep")]
    names = [f"sleep{2 * (sleepers - i)}" for i in range(sleepers)]
    expected = [f"{n} sleeps {n[5:]} ms" for n in names] + [f"{n} wakes" for n in reversed(names)]
    assert sleeps == expected, f"sleepers out of deadline order: {sleeps}"
    assert "every sleeper woke no earlier than its deadline: yes" in output
