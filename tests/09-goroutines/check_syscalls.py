"""Output check of chapter 9's syscalls: on one P, nothing runs while the only M sleeps in
read(2); go::blocking() hands the P to a second M; go::wait_readable() parks the goroutine
and its M runs the ticker. Every scenario's read returns the writer's byte."""
import re

from checklib import int_option, section_lines


def _scenario(output, title):
    text = "\n".join(section_lines(output, title))
    m = re.fullmatch(r"read returned (-?\d+) byte\(s\) after [\d.]+ ms\n"
                     r"ticks before the wait: (\d+)\n"
                     r"ticks during the wait: (\d+)\n"
                     r"OS threads \(Ms\) the runtime used: (\d+)", text)
    assert m, f"section '{title}' is malformed:\n{text}"
    read, before, during, threads = (int(g) for g in m.groups())
    return read, before, during, threads


def check(output, args):
    procs = int_option(args, "--procs", 1)
    warm = int_option(args, "--warm", 100)
    plain = _scenario(output, "1. read(2)")
    handed = _scenario(output, "2. go::blocking")
    parked = _scenario(output, "3. go::wait_readable")
    for name, (read, before, _, threads) in (("read(2)", plain), ("blocking", handed),
                                             ("wait_readable", parked)):
        assert read == 1, f"{name}: the reader's read returned {read}, not the byte"
        assert before >= warm, f"{name}: the reader waited after {before} < {warm} ticks"
        assert threads >= 1, f"{name}: no M counted"
    if procs != 1:
        return  # the claims below are about one P
    # The reader's M holds the only P while it sleeps in the kernel: nobody else can tick.
    assert plain[2] == 0, f"the ticker ticked {plain[2]} times while the only M blocked"
    assert plain[3] == 1, f"a plain read(2) on one P used {plain[3]} Ms"
    # The P went to a second M, which ran the ticker while the first slept in read(2).
    assert handed[2] > 0, "the ticker never ran while the reader blocked in blocking()"
    assert handed[3] >= 2, f"blocking() on one P used {handed[3]} M(s), not a second one"
    # The reader parked; its M ran the ticker and polled the pipe between two ticks.
    assert parked[2] > 0, "the ticker never ran while the reader waited in wait_readable"
    # Nothing started a second M: the only P was never idle and the poller is no thread.
    assert parked[3] == 1, f"wait_readable on one P used {parked[3]} Ms"
