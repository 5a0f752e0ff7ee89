"""Output check of threads: every coroutine resumed on the worker, and its thread_local
counter there is the worker's, not the one it used before the co_await."""
import re


def check(output, args):
    first = re.search(r"^hop 1: before co_await on (\S+), after on (.+?);", output, re.M)
    assert first, "the line of the first hop is missing"
    assert first.group(1) == "main" and first.group(2) == "the worker", \
        "the first coroutine must start on main and resume on the worker"
    moved = re.search(r"^(\d+) of (\d+) coroutines resumed on a different thread", output, re.M)
    assert moved and moved.group(1) == moved.group(2), "every coroutine must resume on the worker"
    kept = re.search(r"^(\d+) of (\d+) saw their thread_local counter continue", output, re.M)
    assert kept and kept.group(1) == "0", "a thread_local seemed to follow the coroutine"
    event = re.search(r"^event: (\d+) coroutines waited, a third thread set it, (\d+) resumed on the worker",
                      output, re.M)
    assert event, "the event line is missing"
    assert event.group(1) == event.group(2), "every waiter of the event must be resumed on the worker"
    assert "event: a coroutine that awaited it after set() went on at once, on main" in output, \
        "awaiting a set event must not suspend"
    ids = re.search(r"^(\d+) of (\d+) saw std::this_thread::get_id\(\) change", output, re.M)
    assert ids, "the get_id() line is missing"
