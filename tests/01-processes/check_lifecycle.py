"""Output check of chapter 1's lifecycle program: the states, the shared open file description, and
every child reaped (never the number of SIGCHLD deliveries, which depends on scheduling)."""
import re

from checklib import int_option, section_lines  # book/tools/checklib.py


def check(output, args):
    states = "\n".join(section_lines(output, "process states"))
    assert "/proc/PID/stat says: spinning R, reading S, stopped T, ended Z\n" in states + "\n", \
        "the four children were not in the states R, S, T and Z"
    if "ps is not installed" not in states:
        for name, letter in (("spinning", "R"), ("reading", "S"), ("stopped", "T"), ("ended", "Z")):
            assert re.search(rf"^\s*\d+ {letter}\S*\s+{name}\b", states, re.M), \
                f"ps did not show {name} in state {letter}"

    ofd = "\n".join(section_lines(output, "one open file, two descriptors"))
    assert "parent before fork: offset 0, O_NONBLOCK clear, FD_CLOEXEC clear" in ofd
    assert "parent after the child wrote 6 bytes: offset 6, O_NONBLOCK set, FD_CLOEXEC clear" in ofd, \
        "the offset and status flags are shared, the descriptor flag is not"
    assert "a second open of the same file: offset 0" in ofd
    assert 'the file now holds: "AGAIN|parent|"' in ofd, "the writes did not land where the offsets say"

    children = int_option(args, "--children", 5)
    sig = "\n".join(section_lines(output, "reaping without blocking: SIGCHLD and WNOHANG"))
    m = re.search(r"^(\d+) children reaped; SIGCHLD handled (\d+) times for (\d+) exits", sig, re.M)
    assert m, "the SIGCHLD summary is missing"
    reaped, handled, exits = (int(v) for v in m.groups())
    assert reaped == exits == children, f"{reaped} of {children} children reaped"
    assert 1 <= handled <= children, f"SIGCHLD handled {handled} times for {children} exits"

    pidfd = "\n".join(section_lines(output, "reaping without blocking: a pidfd in poll"))
    if "not known" not in pidfd and "pidfd_open:" not in pidfd:
        assert "before the child exits, pidfd readable: no" in pidfd
        assert "after it exits, pidfd readable: yes; the child exited with code 7" in pidfd

    orphan = "\n".join(section_lines(output, "an orphan adopted by a subreaper"))
    me = re.search(r"^this process: (\d+); the middle process: (\d+), which exited$", orphan, re.M)
    parents = re.search(r"^the orphan's parent, before and after: (\d+) (\d+)$", orphan, re.M)
    assert me and parents, "the subreaper lines are missing"
    assert parents.group(1) == me.group(2), "the orphan's first parent was not the middle process"
    assert parents.group(2) == me.group(1), "the orphan was not adopted by the subreaper"
    assert "this process reaped the orphan: yes" in orphan
