"""Output check of chapter 2's tour program: the invariants the prose relies on (no interleaving, no time)."""
import re

from checklib import section_lines  # book/tools/checklib.py


def _section(output, title):
    return "\n".join(section_lines(output, title))


def check(output, args):
    shared = _section(output, "shared address space")
    m = re.search(r"^main  : shared_value at (0x[0-9a-f]+) = 1, on_main_stack = 7$", shared, re.M)
    t = re.search(r"^thread: shared_value at (0x[0-9a-f]+) = 1, writes 42", shared, re.M)
    assert m and t, "shared address space: main or thread line missing"
    assert m.group(1) == t.group(1), "the thread saw the global at a different address"
    assert "after join, shared_value = 42, on_main_stack = 8" in shared, "main did not see the thread's writes"

    contrast = _section(output, "contrast")
    c = re.search(r"^child : shared_value at (0x[0-9a-f]+) = 42$", contrast, re.M)
    p = re.search(r"^parent: shared_value at (0x[0-9a-f]+) = 1 ", contrast, re.M)
    assert c and p, "contrast: child or parent line missing"
    assert c.group(1) == p.group(1) == m.group(1), "the address differs between parent and child"

    policies = _section(output, "std::async: launch policies")
    assert "deferred, before get(): ran = no" in policies, "a deferred task ran before get()"
    assert "deferred, get() ran it on the calling thread: yes" in policies
    assert "async, ran on another thread: yes" in policies
    assert re.search(r"^two futures dropped at once: task A steps 0\.\.1, task B steps 2\.\.3: "
                     r"one after the other$", policies, re.M), \
        "a dropped std::async future did not wait for its task"
    assert "two kept futures: both tasks were running at once" in policies

    attributes = _section(output, "per-thread attributes")
    assert re.search(r"^thread: blocks SIGUSR1 yes, its nice value (above|equal to)", attributes, re.M), \
        "the thread's own signal mask or nice value did not change"
    assert "main  : blocks SIGUSR1 no, its nice value unchanged: yes" in attributes, \
        "a thread's signal mask or nice value leaked to main"

    joining = _section(output, "joining")
    assert "std::thread joinable after start : yes" in joining
    assert "std::thread joinable after join  : no" in joining
    assert "std::jthread joinable after start: yes" in joining
    assert re.search(r"a joinable std::thread destroyed: child killed by signal 6 ", joining), \
        "destroying a joinable std::thread did not abort the child"

    arguments = _section(output, "arguments")
    assert "total = 5" in arguments, "std::ref did not pass a reference"
    assert 'caller still sees "hello"' in arguments, "the string was not copied"
    assert "caller's pointer is now null" in arguments, "the unique_ptr was not moved"

    results = _section(output, "results")
    assert "std::async result: 500500" in results
    assert "promise result    : made on another thread" in results

    exc = _section(output, "exceptions")
    assert "future rethrew in main: bad input" in exc
    assert "exception_ptr rethrown in main: index 7 of 3" in exc
    assert re.search(r"an exception escapes a thread: child killed by signal 6 ", exc), \
        "an escaping exception did not abort the child"
    assert "nobody catches me" in output, "std::terminate's message about the exception is missing"

    tls = _section(output, "thread-local storage")
    for i, n in enumerate((10, 20, 30)):
        assert f"thread {i}: calls = {n}" in tls, f"thread {i} did not count its own calls"
    assert "main    : calls = 1" in tls
    assert "four different addresses of 'calls': yes" in tls

    detach = _section(output, "detaching")
    assert "after detach, joinable: no" in detach
    assert "the detached thread reported that it finished" in detach
    assert "the detached thread has exited (its /proc/self/task entry is gone): yes" in detach

    stop = _section(output, "stop tokens")
    assert "polling jthread stopped by its destructor" in stop
    assert "worker handled 3 jobs" in stop, "the worker did not drain the queue before stopping"
    assert "request_stop: yes" in stop, "the stop callback ran on another thread"
