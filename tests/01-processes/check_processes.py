"""Output check of chapter 1's program: the invariants the prose relies on, never a duration or a ratio."""
import re

from checklib import int_option, section_lines  # book/tools/checklib.py


def _section(output, title):
    return section_lines(output, title)


def check(output, args):
    # identity: the child's parent is the parent process.
    ident = "\n".join(_section(output, "identity"))
    parent = re.search(r"^parent: pid (\d+)", ident, re.M)
    child = re.search(r"^child:  pid (\d+), its parent (\d+)", ident, re.M)
    assert parent and child, "identity lines missing"
    assert child.group(2) == parent.group(1), "the child's parent pid is not the parent's pid"
    assert child.group(1) != parent.group(1), "the child has the parent's pid"
    assert re.search(r"fork returned " + child.group(1) + r"; the child exited with code 0", ident), \
        "fork's return value in the parent is not the child's pid"

    # separate address spaces: same address, child saw its own value, parent kept its own.
    spaces = "\n".join(_section(output, "separate address spaces"))
    before = re.search(r"before fork: counter = (\d+) at (0x[0-9a-f]+)", spaces)
    in_child = re.search(r"child:  counter = (\d+) at (0x[0-9a-f]+)", spaces)
    in_parent = re.search(r"parent: counter = (\d+) at (0x[0-9a-f]+)", spaces)
    assert before and in_child and in_parent, "address-space lines missing"
    assert before.group(2) == in_child.group(2) == in_parent.group(2), "the variable's address differs between processes"
    assert in_child.group(1) == "2", "the child did not see its own write"
    assert before.group(1) == in_parent.group(1) == "1", "the parent's value changed"

    # exec keeps the pid and an inherited descriptor.
    ex = "\n".join(_section(output, "exec"))
    pre = re.search(r"child before exec: pid (\d+)", ex)
    post = re.search(r"new program image: pid (\d+), its parent (\d+)", ex)
    assert pre and post, "exec lines missing"
    assert pre.group(1) == post.group(1), "exec changed the pid"
    assert post.group(2) == parent.group(1), "the exec'd program's parent is not the original parent"

    # copy-on-write: faults grow with pages written, not with pages read.
    rows = {}
    for line in _section(output, "copy-on-write"):
        m = re.match(r"(.+?)\s+(\d+)\s+(\d+)\s+(\d+)$", line)
        if m:
            rows[m.group(1).strip()] = (int(m.group(2)), int(m.group(3)), int(m.group(4)))
    assert len(rows) == 5, f"expected 5 copy-on-write rows, got {len(rows)}"
    base = rows["exit at once"][2]
    pages = rows["read every page"][0]
    assert pages > 0
    read_extra = rows["read every page"][2] - base
    assert read_extra < pages // 10, f"reading {pages} pages cost {read_extra} extra faults: reads should not copy"
    for name in ("write 1/4 of the pages", "write 1/2 of the pages", "write every page"):
        written, faults = rows[name][1], rows[name][2]
        # Each written page needs its own fault; the baseline varies by a few faults between children.
        assert faults >= written, f"{name}: {faults} faults for {written} pages written"
        assert faults - base > written * 9 // 10, f"{name}: {faults - base} extra faults for {written} pages written"
        assert faults - base < written + pages // 10, f"{name}: far more faults than pages written"
    cow = "\n".join(_section(output, "copy-on-write"))
    assert "parent still reads its own values: yes" in cow, "the parent's pages were changed by a child"

    # pipe: the parent got the child's whole message.
    pipe = "\n".join(_section(output, "pipe"))
    m = re.search(r'parent read (\d+) bytes from child (\d+): "(.*)"', pipe)
    assert m, "pipe line missing"
    assert int(m.group(1)) == len(m.group(3)), "byte count does not match the message"
    assert "sum of 1..1000000 = 500000500000, computed by pid " + m.group(2) in m.group(3), "wrong message"

    # writers: no reader means SIGPIPE (or EPIPE when ignored); small writes are atomic.
    wr = _section(output, "writers: a pipe without a reader, and several writers at once")
    text = "\n".join(wr)
    assert re.search(r"default action:\n  writer killed by signal \d+ \(.*\) = SIGPIPE$", text, re.M), \
        "the writer to a pipe without a reader was not killed by SIGPIPE"
    assert re.search(r"ignored in the writer:\n  write_all threw std::system_error: .* \(EPIPE\)\n"
                     r"  writer exited with code 0$", text, re.M), \
        "with SIGPIPE ignored, write_all did not throw EPIPE"
    pipe_buf = re.search(r"^PIPE_BUF = (\d+) bytes$", text, re.M)
    assert pipe_buf, "PIPE_BUF line missing"
    records = [re.match(r"(\d+) writers x (\d+) records of (\d+) bytes: (\d+) of (\d+) records intact$", l)
               for l in wr]
    records = [m for m in records if m]
    assert len(records) == 2, "expected two lines of records"
    for m in records:
        writers, count, size, intact, total = (int(v) for v in m.groups())
        assert total == writers * count and intact <= total, f"record counts inconsistent: {m.group(0)}"
        if size <= int(pipe_buf.group(1)):
            # POSIX: a write of at most PIPE_BUF bytes to a pipe is atomic.
            assert intact == total, f"a write of {size} <= PIPE_BUF bytes was interleaved"

    # creation cost: four contenders, then three sizes x two ways; each median between min and max.
    def timed_rows(title, pattern, count):
        found = 0
        for line in _section(output, title):
            m = re.match(pattern, line)
            if m:
                med, lo, hi = (float(v) for v in m.group("med", "min", "max"))
                assert lo <= med <= hi, f"median outside [min, max]: {line}"
                found += 1
        assert found == count, f"{title}: expected {count} timed rows, got {found}"
        return found
    number = r"\s+(?P<med>[\d.]+)\s+(?P<min>[\d.]+)\s+(?P<max>[\d.]+)"
    timed_rows("creation cost", r"^(std::thread|fork|posix_spawn)\S*.*?" + number + r"\s+[\d.]+x$", 4)
    timed_rows("fork cost against the parent's memory", r"^\s*\d+ MiB \S+" + number + "$", 6)

    # kernel events: one row each, and every first write to a fresh page was a minor fault (a
    # sanitizer's shadow memory may add faults of its own, never remove one).
    timed_rows("kernel events", r"^(syscall\(SYS_getppid\)|first write to a fresh page)" + number + "$", 2)
    kernel = "\n".join(_section(output, "kernel events"))
    m = re.search(r"^minor faults counted during the first writes: (\d+) for (\d+) pages", kernel, re.M)
    assert m, "the line of minor faults counted is missing"
    faults, pages = int(m.group(1)), int(m.group(2))
    reps, warmup = int_option(args, "--reps", 15), int_option(args, "--warmup", 2)
    assert pages == (reps + warmup) * int_option(args, "--fault-pages", 1024), \
        f"{pages} pages written, not one batch per sample and warm-up round"
    assert faults >= pages, f"{faults} minor faults for {pages} first writes to fresh pages"

    # pitfalls
    zombie = "\n".join(_section(output, "pitfall: a child nobody waits for"))
    assert re.search(r"not yet waited for: state Z", zombie), "the unreaped child was not a zombie"
    assert "is gone" in zombie, "the reaped child still exists"
    dup = "\n".join(_section(output, "pitfall: a stdio buffer copied by fork"))
    assert "without fflush before fork: the line arrived 2 times" in dup
    assert "with fflush before fork:    the line arrived 1 time" in dup
    end = "\n".join(_section(output, "pitfall: a pipe end left open"))
    assert "read 10 bytes from a child that has exited" in end, "the child's bytes were not read"
    assert "next read: would wait, since this process holds a write end" in end, \
        "end of file arrived although the parent still held a write end"
    assert "after the parent closes its write end, next read: end of file" in end, \
        "no end of file after the last write end was closed"
    threads = "\n".join(_section(output, "pitfall: fork in a multi-threaded program"))
    m = re.search(r"parent: (\d+) threads", threads)
    assert m and int(m.group(1)) >= 2, "the parent should have at least two threads"
    assert "child:  1 thread; the mutex is locked" in threads, "the child should have one thread and a locked mutex"
    assert output.count("== ") == 13, "a section is missing or repeated (stdio buffer duplicated by fork?)"


def _rows(output, title, pattern):
    rows = []
    for line in section_lines(output, title):
        m = re.match(pattern, line)
        if m:
            rows.append(m)
    return rows


def expectations(output, args):
    """What the prose says a quiet machine shows; capture.py reruns, then shows a notice, when it fails."""
    out = []
    number = r"\s+(?P<med>[\d.]+)\s+(?P<min>[\d.]+)\s+(?P<max>[\d.]+)"
    rows = _rows(output, "creation cost", r"^(?P<what>std::thread|fork|posix_spawn)\S*.*?" + number)
    if rows:
        cheapest = min(rows, key=lambda m: float(m.group("med")))
        out.append(("a thread is the cheapest of the four to create (the median column)",
                    cheapest.group("what") == "std::thread",
                    f"the cheapest median was {cheapest.group(0).split('  ')[0].strip()}, "
                    f"{cheapest.group('med')} us", "== creation cost"))
    sized = _rows(output, "fork cost against the parent's memory",
                  r"^\s*(?P<mib>\d+) MiB (?P<how>\S+)" + number + "$")
    spawn = [m for m in sized if m.group("how").startswith("posix_spawn")]
    fork = [m for m in sized if m.group("how").startswith("fork")]
    if len(spawn) >= 2:
        mins = [float(m.group("min")) for m in spawn]
        ratio = max(mins) / min(mins) if min(mins) > 0 else float("inf")
        out.append(("posix_spawn's cost does not depend on the parent's size: its min is within 1.5x "
                     "across the sizes", ratio <= 1.5,
                     "posix_spawn+wait min " + ", ".join(f"{m.group('mib')} MiB {m.group('min')} ms"
                                                         for m in spawn) + f" (x{ratio:.1f})",
                     "== fork cost against"))
    if len(fork) >= 2:
        first, last = float(fork[0].group("med")), float(fork[-1].group("med"))
        out.append(("fork's cost grows with the parent's memory: its median at the largest size is at "
                    "least twice that at the smallest", last >= 2 * first,
                    f"fork+wait median {fork[0].group('mib')} MiB {first} ms, "
                    f"{fork[-1].group('mib')} MiB {last} ms", "== fork cost against"))
    kernel = _rows(output, "kernel events",
                   r"^(?P<what>syscall\(SYS_getppid\)|first write to a fresh page)" + number + "$")
    if len(kernel) == 2:
        call, fault = (float(m.group("med")) for m in kernel)
        out.append(("a minor page fault costs more than a system call (the median column)", fault > call,
                    f"system call {call} ns, minor fault {fault} ns", "== kernel events"))
    return out
