"""Output check of lostwake: the scripted interleaving loses the wake-up, every time."""

EXPECTED = [
    "main: holds the mutex",
    "waiter: found the mutex held, is about to sleep",
    "main: unlocked; sleepers was 0, so no futex_wake was made",
    "lost wake-up: the waiter sleeps in futex_wait while the mutex is free",
    "main: waking it by hand, so that the program ends",
    "waiter: got the mutex after the rescue",
]


def check(output, args):
    lines = [line for line in output.splitlines() if line.strip()]
    assert lines == EXPECTED, f"the script's trace differs: {lines}"
