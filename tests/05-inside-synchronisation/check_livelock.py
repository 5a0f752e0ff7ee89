"""Output check of livelock: the lockstep run is detected as a livelock, the randomised run finishes every task."""
import re

from checklib import int_option  # book/tools/checklib.py


def check(output, args):
    budget = int_option(args, "--rounds", 10000)
    tasks = int_option(args, "--tasks", 3)
    fixed, _, randomised = output.partition("== randomised")
    m = re.search(r"rounds played: (\d+); tasks done: (\d+) and (\d+); first locks taken: (\d+); polite releases: (\d+)", fixed)
    assert m, "fixed-backoff result line missing"
    rounds, done0, done1, taken, released = map(int, m.groups())
    assert rounds == budget, "the lockstep run did not use its whole budget"
    assert done0 == 0 and done1 == 0, "the lockstep run made progress: it was not a livelock"
    assert taken == 2 * budget and released == 2 * budget, "each thread must take and politely release once per round"
    assert f"LIVELOCK detected: {budget} rounds" in fixed, "the livelock was not reported"
    m = re.search(r"rounds played: (\d+); tasks done: (\d+) and (\d+)", randomised)
    assert m, "randomised-backoff result line missing"
    assert int(m.group(2)) == tasks and int(m.group(3)) == tasks, "randomised backoff did not finish every task"
    assert int(m.group(1)) < budget, "randomised backoff needed the whole budget"
    assert "PROGRESS: both threads finished all their tasks" in randomised
