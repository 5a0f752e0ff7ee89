"""Output check of chapter 8's file_read program: epoll refuses a regular file, every way of reading saw the
same bytes, and io_uring either ran or was skipped with the reason the kernel gave. Times and ratios are never
asserted; expectations() says what a quiet machine shows."""
import re

ROW = re.compile(r"^(blocking pread|pool of \d+ threads|io_uring)\s+(\d+) \(\s*(\d+)-\s*(\d+)\)\s+([\d.]+) ")


def rows(output):
    return {m.group(1).split()[0]: [float(m.group(i)) for i in (2, 3, 4, 5)]
            for m in map(ROW.match, output.splitlines()) if m}


def check(output, args):
    assert "epoll_ctl(ADD) of a regular file: Operation not permitted" in output, \
        "epoll should refuse a regular file with EPERM"
    assert "every way read the same bytes: yes" in output, "a way of reading saw other bytes"
    r = rows(output)
    assert "blocking" in r and "pool" in r, f"rows missing: {sorted(r)}"
    if "io_uring" not in r:
        assert re.search(r"^io_uring: skipped, io_uring_setup refused: .+", output, re.M), \
            "io_uring neither ran nor said why it was skipped"
    else:
        assert 0 < r["io_uring"][3] <= 1.0, "io_uring made more than one system call per read"
    for name, (med, lo, hi, _) in r.items():
        assert lo <= med <= hi, f"{name}: median outside its own min and max"


def expectations(output, args):
    r = rows(output)
    if "io_uring" not in r:
        return []
    return [("io_uring reads a cached file in less time per read than a thread pool that posts each result "
             "back", r["io_uring"][0] < r["pool"][0],
             f"io_uring {r['io_uring'][0]:.0f} ns, pool {r['pool'][0]:.0f} ns per read")]
