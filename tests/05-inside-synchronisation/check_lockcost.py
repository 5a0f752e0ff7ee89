"""Output check of lockcost: every lock measured at every thread count, no lost increment, no futex call alone."""
import re

LOCKS = ["TAS spinlock", "TTAS spinlock", "TTAS+backoff", "futex mutex", "std::mutex"]


def check(output, args):
    counts = re.search(r"thread counts:((?: \d+)+)", output)
    assert counts, "the list of thread counts is missing"
    threads = [int(t) for t in counts.group(1).split()]
    assert threads[0] == 1, "the first point must be the uncontended one (1 thread)"
    for t in threads:
        block = re.search(rf"^threads={t}\b.*?\n((?:  .*\n)+)", output, re.M)
        assert block, f"no block for threads={t}"
        names = [line[2:16].strip() for line in block.group(1).splitlines()]
        assert names == LOCKS, f"threads={t}: expected the five locks in order, got {names}"
    lost = re.search(r"== mutual exclusion: (\d+) lost increments in (\d+) windows", output)
    assert lost, "the mutual-exclusion line is missing"
    assert lost.group(1) == "0", "a lock lost increments: mutual exclusion failed"
    alone = re.search(r"^threads=1: futex_wait ([\d.]+), futex_wake ([\d.]+)", output, re.M)
    assert alone, "the futex line for one thread is missing"
    assert float(alone.group(1)) == 0 and float(alone.group(2)) == 0, \
        "the futex mutex entered the kernel with no contention"
