"""Output check of scaling: every thread count was measured, the answers agree, the fractions are fractions."""
import re


def check(output, args):
    m = re.search(r"^CPUs in this process's affinity mask: (\d+) ", output, re.M)
    assert m, "the program reports its CPUs"
    cpus = int(m.group(1))
    topology = re.findall(r"^CPU \d+: core \S+ of package \S+; hardware threads of its core: \S+$", output, re.M)
    assert len(topology) == cpus, f"one topology line per CPU of the mask, got {len(topology)}"
    steal = re.search(r"^CPU time stolen by the hypervisor: ([\d.]+)% of the machine's CPU time$", output, re.M)
    assert steal and 0 <= float(steal.group(1)) <= 100, "the steal line is missing or not a percentage"
    m = re.search(r"^thread counts measured: ([\d ]+)$", output, re.M)
    assert m, "the program lists its thread counts"
    counts = [int(x) for x in m.group(1).split()]
    assert counts[0] == 1 and counts == sorted(set(counts)), f"thread counts start at 1 and increase: {counts}"
    max_threads = None
    for i, a in enumerate(args):
        if a == "--max-threads":
            max_threads = int(args[i + 1])
    if not max_threads:
        assert max(counts) > cpus, "more threads than CPUs are measured (oversubscription)"
    m = re.search(r"serial fraction f, measured on one thread: (\d\.\d+);", output)
    assert m and 0 < float(m.group(1)) < 1, "a measured serial fraction between 0 and 1"
    fixed = output.split("== fixed problem")[1].split("== scaled problem")[0]
    scaled = output.split("== scaled problem")[1].split("== checks")[0]
    for name, part in (("fixed", fixed), ("scaled", scaled)):
        rows = [int(l.split()[0]) for l in part.splitlines() if re.match(r"^\s+\d+\s+\d", l)]
        assert rows == counts, f"{name} problem: one row per thread count, got {rows}"
    for line in fixed.splitlines():
        if re.match(r"^\s+1\s", line):
            assert re.match(r"^\s+1\s+[\d.]+\s+[\d.]+\s+\(.*\)\s+[\d.]+\s+[\d.]+\s+1\.00 \(", line), f"the one-thread run's speedup over itself is 1.00: {line}"
    assert "every run's checksum equals the one-thread run of the same problem: yes" in output, \
        "the same problem gives the same answer for any number of threads"


def expectations(output, args):
    """What a quiet machine shows: with n threads on at least n CPUs, the measured speedup covers at least
    half of the way from 1 to the law's prediction (capture.py reruns, then shows a notice, when not)."""
    m = re.search(r"^CPUs in this process's affinity mask: (\d+) ", output, re.M)
    cpus = int(m.group(1)) if m else 1
    if cpus < 2:
        return []
    row = re.compile(r"^\s*(\d+)\s+[\d.]+\s+[\d.]+ \(\s*[\d.]+\.\.\s*[\d.]+\)\s+([\d.]+)\s+[\d.]+\s+([\d.]+) "
                     r"\([\d.]+\.\.[\d.]+\)\s+([\d.]+)$")
    out = []
    for title, law in (("== fixed problem", "Amdahl"), ("== scaled problem", "Gustafson")):
        if title not in output:
            continue
        part = output.split(title)[1].split("\n== ")[0]
        rows = [r for r in (row.match(l) for l in part.splitlines()) if r]
        best = [r for r in rows if 1 < int(r.group(1)) <= cpus]
        if not best:
            continue
        r = best[-1]
        n, busy, speedup, predicted = int(r.group(1)), float(r.group(2)), float(r.group(3)), float(r.group(4))
        out.append((f"with {n} threads on {cpus} CPUs the speedup covers at least half the way from 1 to "
                    f"{law}'s prediction", speedup >= 1 + 0.5 * (predicted - 1),
                    f"{n} threads: speedup {speedup:.2f} against {law}'s {predicted:.2f}, busy {busy:.2f} CPUs",
                    title))
    return out
