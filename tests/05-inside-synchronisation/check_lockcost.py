"""Output check of lockcost: every lock measured at every thread count, no lost increment, no futex call alone, context switches of every lock."""
import re

LOCKS = ["TAS spinlock", "TTAS spinlock", "TTAS+backoff", "futex mutex", "spin+futex", "std::mutex"]


def check(output, args):
    counts = re.search(r"thread counts:((?: \d+)+)", output)
    assert counts, "the list of thread counts is missing"
    threads = [int(t) for t in counts.group(1).split()]
    assert threads[0] == 1, "the first point must be the uncontended one (1 thread)"
    for t in threads:
        block = re.search(rf"^threads={t}\b.*?\n((?:  .*\n)+)", output, re.M)
        assert block, f"no block for threads={t}"
        names = [line[2:16].strip() for line in block.group(1).splitlines()]
        assert names == LOCKS, f"threads={t}: expected the six locks in order, got {names}"
    lost = re.search(r"== mutual exclusion: (\d+) lost increments in (\d+) windows", output)
    assert lost, "the mutual-exclusion line is missing"
    assert lost.group(1) == "0", "a lock lost increments: mutual exclusion failed"
    for section in ("futex mutex", "spin+futex mutex"):
        part = output.split(f"== {section}: system calls", 1)
        assert len(part) == 2, f"the futex section of the {section} is missing"
        alone = re.search(r"^threads=1: futex_wait ([\d.]+), futex_wake ([\d.]+)", part[1], re.M)
        assert alone, f"the {section}'s futex line for one thread is missing"
        assert float(alone.group(1)) == 0 and float(alone.group(2)) == 0, \
            f"the {section} entered the kernel with no contention"
    switches = output.split("== voluntary context switches", 1)
    assert len(switches) == 2, "the voluntary context switch section is missing"
    for t in threads:
        row = re.search(rf"^threads={t}: (.*)$", switches[1], re.M)
        assert row, f"no context-switch row for threads={t}"
        named = [item.rsplit(" ", 1)[0].strip() for item in row.group(1).split(",")]
        assert named == LOCKS, f"threads={t}: context switches of {named}"


def expectations(output, args):
    """What the text says a quiet machine shows, read from the CPU column: alone, the spinlocks are the
    cheapest."""
    rows = {}
    for m in re.finditer(r"^  (.+?)\s+\(threads=(\d+)\) wall [\d.]+ ns \[.*?\] [\d.]+x\s+CPU ([\d.]+) ns",
                         output, re.M):
        rows.setdefault(int(m.group(2)), {})[m.group(1)] = float(m.group(3))
    spin, sleep = ("TAS spinlock", "TTAS spinlock", "TTAS+backoff"), ("futex mutex", "std::mutex")
    out = []
    alone = rows.get(1, {})
    if all(k in alone for k in spin + sleep):
        out.append(("alone (threads=1), each spinlock costs less CPU per acquisition than either sleeping "
                    "lock", max(alone[k] for k in spin) < min(alone[k] for k in sleep),
                    "threads=1 CPU ns: " + ", ".join(f"{k} {alone[k]:.1f}" for k in spin + sleep),
                    "== lock cost"))
    return out
