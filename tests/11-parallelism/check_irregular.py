"""Output check of irregular: the same image from every schedule, busy time for every worker."""
import re


def check(output, args):
    cpus = int(re.search(r"^CPUs in this process's affinity mask: (\d+)$", output, re.M).group(1))
    counts = [int(x) for x in re.search(r"^thread counts measured: ([\d ]+)$", output, re.M).group(1).split()]
    assert counts == list(range(1, len(counts) + 1)), f"thread counts 1..max: {counts}"
    full = min(cpus, max(counts))
    exempt = "BOOK EXEMPTION (thread)" in output
    for p in counts:
        assert re.search(rf"^== {p} threads?$", output, re.M), f"a table at {p} threads"
    m = re.search(r"^cheapest row: (\d+) iterations; dearest row: (\d+)", output, re.M)
    assert m and int(m.group(1)) <= int(m.group(2)), "the per-row cost is reported"
    busy = output.split("== per-worker busy time")[1].split("== grain size")[0]
    names = ["pool (stealing)"] + ([] if exempt else ["OpenMP static", "OpenMP dynamic", "oneTBB"])
    for name in names:
        m = re.search(rf"^  {re.escape(name)} +((?:[\d.]+ +)+)imbalance ([\d.]+) "
                      r"\(([\d.]+) \.\. ([\d.]+)\)$", busy, re.M)
        assert m, f"busy time of {name}"
        assert len(m.group(1).split()) == full, f"{name}: one busy time per worker ({full})"
        med, lo, hi = (float(m.group(i)) for i in (2, 3, 4))
        assert lo <= med <= hi, f"{name}: imbalance median within its min and max"
        for v in (med, lo, hi):
            assert v >= 1.0 or v == 0, "imbalance is max over mean, at least 1"
    grains = re.findall(r"^  grain +(\d+): ", output, re.M)
    assert len(grains) >= 3 and grains[0] == "1", f"a grain sweep from 1: {grains}"
    runs = int(re.search(r"^== per-worker busy time at \d+ threads \(ms, median of (\d+) runs",
                         output, re.M).group(1))
    assert runs >= 1, "the busy times are repeated"
    assert re.search(r"^every run's iteration total equals the serial one \(\d+\): yes$", output, re.M)
    assert "the image is the serial one, pixel for pixel: yes" in output


def expectations(output, args):
    """What a quiet machine shows (the pipeline reports when this run did not)."""
    busy = output.split("== per-worker busy time")[1].split("== grain size")[0]
    imb = {m.group(1).strip(): float(m.group(2))
           for m in re.finditer(r"^  (.+?) +(?:[\d.]+ +)+imbalance ([\d.]+) \(", busy, re.M)}
    out = []
    if "OpenMP static" in imb:
        worst = max(v for k, v in imb.items() if k != "OpenMP static")
        out.append(("the static schedule is the most imbalanced on irregular rows",
                    imb["OpenMP static"] > worst,
                    f"static {imb['OpenMP static']:.2f}, others at most {worst:.2f}"))
    m = re.search(r"^speedup at (\d+) threads \(all CPUs\): ([\d.]+)x", output, re.M)
    if m and int(m.group(1)) > 1:
        p, s = int(m.group(1)), float(m.group(2))
        out.append(("the compute-bound loop speeds up at least 0.7x the CPU count", s >= 0.7 * p,
                    f"{s:.2f}x on {p} CPUs"))
    return out
