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


def expectations(output, args):
    """What the text says a quiet machine shows, read from the CPU column: alone, the spinlocks are the
    cheapest; oversubscribed (the largest thread count, above the CPUs), every spinlock's CPU time per
    acquisition is above both sleeping locks'."""
    rows = {}
    for m in re.finditer(r"^  (.+?)\s+\(threads=(\d+)\) wall [\d.]+ ns \[.*?\] [\d.]+x\s+CPU ([\d.]+) ns",
                         output, re.M):
        rows.setdefault(int(m.group(2)), {})[m.group(1)] = float(m.group(3))
    cpus = re.search(r"^CPUs available: (\d+);", output, re.M)
    spin, sleep = ("TAS spinlock", "TTAS spinlock", "TTAS+backoff"), ("futex mutex", "std::mutex")
    out = []
    alone = rows.get(1, {})
    if all(k in alone for k in spin + sleep):
        out.append(("alone (threads=1), each spinlock costs less CPU per acquisition than either sleeping "
                    "lock", max(alone[k] for k in spin) < min(alone[k] for k in sleep),
                    "threads=1 CPU ns: " + ", ".join(f"{k} {alone[k]:.1f}" for k in spin + sleep),
                    "== lock cost"))
    if cpus and rows:
        most = max(rows)
        last = rows[most]
        if most > int(cpus.group(1)) and all(k in last for k in spin + sleep):
            out.append((f"oversubscribed (threads={most}), each spinlock's CPU per acquisition is above both "
                        "sleeping locks'", min(last[k] for k in spin) > max(last[k] for k in sleep),
                        f"threads={most} CPU ns: " + ", ".join(f"{k} {last[k]:.1f}" for k in spin + sleep),
                        "== lock cost"))
    return out
