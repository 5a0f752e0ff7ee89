"""Output check of chapter 2's oversubscription program: the CPU report and the configurations (no times asserted)."""
import re

from checklib import int_option  # book/tools/checklib.py


def check(output, args):
    hc = re.search(r"^std::thread::hardware_concurrency\(\): (\d+)$", output, re.M)
    allowed = re.search(r"^sched_getaffinity: (\d+) CPU\(s\) allowed: ([\d,]+)$", output, re.M)
    assert hc and allowed, "the CPU report is missing"
    n = int(allowed.group(1))
    assert n >= 1 and len(allowed.group(2).split(",")) == n, "the allowed list does not match its count"
    inside = re.search(r"^inside AffinityGuard\(\{(\d+)\}\): sched_getaffinity: (\d+) CPU\(s\) allowed; "
                       r"hardware_concurrency\(\): (\d+)$", output, re.M)
    assert inside, "the guarded CPU report is missing"
    assert inside.group(1) == allowed.group(2).split(",")[0], "the guard did not pick the first allowed CPU"
    assert inside.group(2) == "1", "inside the guard more than one CPU is allowed"
    assert inside.group(3) == hc.group(1), "hardware_concurrency changed with the affinity mask"
    after = re.search(r"^after the guard: sched_getaffinity: (\d+) CPU\(s\) allowed$", output, re.M)
    assert after and int(after.group(1)) == n, "the guard did not restore the mask"

    # the worker count: the affinity count, capped by the quota rounded up, at least 1
    quota = re.search(r"^cgroup CPU quota: (none|([\d.]+) CPUs \(.+\))$", output, re.M)
    workers = re.search(r"^this_process_worker_count\(\): (\d+) ", output, re.M)
    assert quota and workers, "the quota or worker-count line is missing"
    expected_workers = n
    if quota.group(2):
        import math
        expected_workers = max(1, min(n, math.ceil(float(quota.group(2)) - 0.005)))
    assert int(workers.group(1)) == expected_workers, \
        f"worker_count() {workers.group(1)}, expected {expected_workers}"

    num = r"([\d.]+) \(([\d.]+)\.\.([\d.]+)\)"
    rows = re.findall(rf"^\s*(\d+)\s+(\d+)\s+([\d.]+) \| {num}\s+\| {num}\s+\| {num} \| {num}$", output, re.M)
    assert re.search(r"^autogroup scheduling: (on|off|unknown)", output, re.M), "the autogroup line is missing"
    factor = int_option(args, "--max-factor", 4)
    factors = [f for f in (1, 2, 4, 8) if f <= factor]
    expected = []
    for cpus, threads in [(n, 1)] + [(n, f * n) for f in factors] + [(1, f) for f in factors]:
        threads = min(threads, 1024)
        if (cpus, threads) not in expected:
            expected.append((cpus, threads))
    got = [(int(r[0]), int(r[1])) for r in rows]
    assert got == expected, f"configurations {got}, expected {expected}"
    for r in rows:
        cpus, threads, fair = int(r[0]), int(r[1]), float(r[2])
        assert abs(fair - min(1.0, cpus / threads)) < 0.006, f"fair share wrong for {cpus} CPUs, {threads} threads"
        for k in (3, 6, 9, 12):
            med, lo, hi = (float(x) for x in r[k:k + 3])
            assert lo <= med <= hi, f"a median lies outside its min-max in row {r}"
        # Physical bounds that hold on any machine, busy or not (the tolerance covers clock
        # granularity only): no thread runs more than all of its wall time, and a batch
        # gets at most one CPU's worth of time per allowed CPU.
        assert float(r[5]) <= 1.02, f"a thread's share exceeds 1 in row {r}"
        assert float(r[8]) <= cpus * 1.02 + 0.02, f"a batch used more CPUs than allowed in row {r}"


def expectations(output, args):
    """What a quiet machine shows (capture.py reruns, then shows a notice, when a run does not): past one
    busy thread per allowed CPU, adding threads adds (almost) no CPU time: the `used` column stays within
    15% of the row with one thread per CPU."""
    num = r"([\d.]+) \(([\d.]+)\.\.([\d.]+)\)"
    rows = re.findall(rf"^\s*(\d+)\s+(\d+)\s+([\d.]+) \| {num}\s+\| {num}\s+\| {num} \| {num}$", output, re.M)
    used = {(int(r[0]), int(r[1])): float(r[6]) for r in rows}
    out = []
    for cpus in sorted({c for c, _ in used}):
        base = used.get((cpus, cpus))
        past = sorted((t, u) for (c, t), u in used.items() if c == cpus and t > cpus)
        if base is None or not past:
            continue
        worst = max(past, key=lambda tu: tu[1])
        out.append((f"with {cpus} CPU(s) allowed, more threads than CPUs add no CPU time: `used` stays within "
                    f"15% of the {cpus}-thread row", worst[1] <= 1.15 * base,
                    f"used {base:.2f} CPUs with {cpus} thread(s), " +
                    ", ".join(f"{u:.2f} with {t}" for t, u in past), "== busy threads"))
    return out
