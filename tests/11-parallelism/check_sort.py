"""Output check of sort: every contender sorted correctly and was measured."""
import re


def check(output, args):
    exempt = "BOOK EXEMPTION (thread)" in output
    names = ["pool merge sort", "std::sort (1 thread)"] + ([] if exempt else ["oneTBB parallel_sort", "std::sort(par)"])
    for name in names:
        assert re.search(rf"^  {re.escape(name)} +[\d.]+ ms \( *[\d.]+ \.\. +[\d.]+\)", output, re.M), f"{name} measured"
    assert "every contender's output equals std::sort's: yes" in output


def expectations(output, args):
    """What a quiet machine shows (the pipeline reports when this run did not)."""
    m = re.search(r"^speedup of the pool over std::sort on one thread: ([\d.]+)x \(threads: (\d+)\)",
                  output, re.M)
    if not m or int(m.group(2)) < 2:
        return []
    return [("the pool's sort is faster than std::sort on one thread", float(m.group(1)) > 1.0,
             f"{m.group(1)}x on {m.group(2)} threads")]
