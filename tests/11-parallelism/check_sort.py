"""Output check of sort: every contender sorted correctly and was measured."""
import re


def check(output, args):
    exempt = "BOOK EXEMPTION (thread)" in output
    names = ["pool merge sort", "std::sort (1 thread)"] + ([] if exempt else ["oneTBB parallel_sort", "std::sort(par)"])
    for name in names:
        assert re.search(rf"^  {re.escape(name)} +[\d.]+ ms \( *[\d.]+ \.\. +[\d.]+\)", output, re.M), f"{name} measured"
    assert "every contender's output equals std::sort's: yes" in output
