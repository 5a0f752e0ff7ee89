"""Output check of fairness: three locks, the same number of windows each, counts that agree with the guarded counter."""
import re


def check(output, args):
    m = re.search(r"== fairness: (\d+) threads", output)
    assert m, "header line missing"
    threads = int(m.group(1))
    reps = int(args[args.index("--reps") + 1]) if "--reps" in args else 5
    for lock in ["TAS spinlock", "std::mutex", "ticket lock"]:
        section = re.search(rf"^{re.escape(lock)}\n((?:  .*\n)+)", output, re.M)
        assert section, f"section of {lock} missing"
        windows = re.findall(rf"^  {re.escape(lock)}, window \d+: per thread \(most to least\)((?: \d+)+);", section.group(1), re.M)
        assert len(windows) == reps, f"{lock}: expected {reps} windows, got {len(windows)}"
        for w in windows:
            counts = [int(c) for c in w.split()]
            assert len(counts) == threads, f"{lock}: expected {threads} counts per window"
            assert counts == sorted(counts, reverse=True), f"{lock}: counts not sorted most to least"
            assert sum(counts) > 0, f"{lock}: no acquisition at all in a window"
        assert f"{lock} summary: least-served thread got" in section.group(1), f"{lock}: summary missing"
    assert "== counts agree with the guarded counter in every window: yes" in output, "mutual exclusion failed"
