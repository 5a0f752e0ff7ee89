"""Output check of chapter 7's blocking: no tick while the blocking read() holds the OS
thread; at least --wait-ticks ticks while the polling reader waits."""
import re
from checklib import int_option  # book/tools/checklib.py


def _ticks_during_read(section):
    inside = False
    ticks = 0
    saw_return = False
    for line in section.splitlines():
        if "read() on the empty pipe" in line:
            inside = True
        elif "read() returned 5 bytes" in line:
            inside = False
            saw_return = True
        elif inside and re.search(r"ticker\s+tick \d+", line):
            ticks += 1
    assert saw_return, "the reader never got its bytes"
    return ticks


def check(output, args):
    blocking, polling = output.split("== non-blocking read + epoll")
    assert _ticks_during_read(blocking) == 0, "a green thread ran while read() blocked the OS thread"
    want = int_option(args, "--wait-ticks", 3)
    assert _ticks_during_read(polling) >= want, "the ticker did not run while the reader waited"
