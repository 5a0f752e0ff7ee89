"""Output check of reduce: every thread count measured, every contender exact, the bound stated."""
import re


def check(output, args):
    m = re.search(r"^CPUs in this process's affinity mask: (\d+)$", output, re.M)
    assert m, "the program reports its CPUs"
    counts = [int(x) for x in re.search(r"^thread counts measured: ([\d ]+)$", output, re.M).group(1).split()]
    assert counts == list(range(1, len(counts) + 1)), f"thread counts 1..max: {counts}"
    for p in counts:
        assert re.search(rf"^== sweep, {p} threads?, \d+ doubles$", output, re.M), f"a sweep table at {p} threads"
    assert re.search(r"^== headline, \d+ threads?, \d+ doubles$", output, re.M), "the headline table"
    exempt = "BOOK EXEMPTION (thread)" in output
    for name in ["pool", "triad"] + ([] if exempt else ["oneTBB", "OpenMP static", "std::reduce(par)"]):
        assert re.search(rf"^  {re.escape(name)} +[\d.]+ ms \( *[\d.]+ \.\. +[\d.]+\) +[\d.]+ GB/s", output, re.M), \
            f"contender {name} is measured with median, min and max"
    assert re.search(r"^  serial loop ", output, re.M), "a serial baseline at one thread"
    assert re.search(r"^triad bandwidth: [\d.]+ GB/s; reading \d+ MB at that rate takes [\d.]+ ms$", output, re.M)
    assert re.search(r"^pool reduction: [\d.]+ GB/s = \d+% of the triad bandwidth", output, re.M)
    assert re.search(r"^every contender's sum equals the exact total \([\d.]+ for all \d+\): yes$", output, re.M), \
        "every contender returns the exact sum (the data make every partial sum exact)"


def expectations(output, args):
    """What a quiet machine shows (the pipeline reports when this run did not)."""
    m = re.search(r"^pool reduction: ([\d.]+) GB/s = (\d+)% of the triad bandwidth", output, re.M)
    share = int(m.group(2)) if m else 0
    return [("the pool's sum reaches at least 90% of the triad bandwidth", share >= 90,
             f"{share}% of the triad bandwidth")]
