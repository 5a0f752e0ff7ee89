"""Output check of chapter 7's memory: limits printed, every green thread alive at once, two
map entries per guarded stack, and the OS threads created (or the reason they stopped)."""
import re
from checklib import int_option  # book/tools/checklib.py


def check(output, args):
    greens = int_option(args, "--green", 100000)
    demo = int_option(args, "--guard-demo", 1000)
    for key in ("kernel.threads-max:", "kernel.pid_max:", "RLIMIT_NPROC:", "vm.max_map_count:"):
        assert key in output, f"missing {key}"
    m = re.search(r"(\d+) guarded stacks span (\d+) map entries", output)
    assert m and int(m.group(1)) == demo and int(m.group(2)) == 2 * demo, \
        "a guarded stack did not cost exactly two map entries"
    m = re.search(r"unguarded stacks from the pool's arenas span (\d+) map entries", output)
    assert m and int(m.group(1)) <= demo // 256 + 2, "arena stacks used too many map entries"
    alive = re.findall(r"^alive at once: (\d+)", output, re.M)
    assert len(alive) == 2, "missing the alive counts"
    assert int(alive[0]) == greens, "not every green thread was alive at once"
    threads = int(alive[1])
    assert threads > 0
    if threads < int_option(args, "--threads", 10000):
        assert "thread creation stopped at" in output, "fewer threads without a reason"
    assert "spawn: median" in output and "thread creation: median" in output
