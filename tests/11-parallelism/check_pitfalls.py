"""Output check of pitfalls: both layouts measured, thread counts reported, reproducible sum."""
import re


def check(output, args):
    assert re.search(r"^  counters in one cache line: +[\d.]+ ms", output, re.M)
    assert re.search(r"^  one cache line per counter: +[\d.]+ ms", output, re.M)
    assert "sizeof(Packed) = 8, sizeof(Padded) = 64 bytes" in output, "the padded counter fills a line"
    if "BOOK EXEMPTION (thread)" not in output:
        for name in ("one flat OpenMP loop", "OpenMP inside OpenMP", "oneTBB inside OpenMP"):
            assert re.search(rf"^  {re.escape(name)}: +[\d.]+ ms \(.*\), \d+ threads$", output, re.M), name
        cpus = int(re.search(r"^CPUs in this process's affinity mask: (\d+)$", output, re.M).group(1))
        flat = int(re.search(r"^  one flat OpenMP loop: .*, (\d+) threads$", output, re.M).group(1))
        nested = int(re.search(r"^  OpenMP inside OpenMP: .*, (\d+) threads$", output, re.M).group(1))
        assert flat <= cpus and nested >= flat, "nesting makes more threads than the flat loop"
    rows = re.findall(r"^ +(\d+)  (\S+) +(\S+)$", output.split("floating-point sums")[1], re.M)
    assert len(rows) >= 2, "sums for several thread counts"
    assert len({fixed for _, _, fixed in rows}) == 1, "the fixed-block sum has the same bits everywhere"
    assert "the fixed-block sum has the same bits for every thread count: yes" in output


def expectations(output, args):
    m = re.search(r"distinct results: parallel_reduce (\d+), fixed-block (\d+)", output)
    distinct = int(m.group(1)) if m else 0
    m = re.search(r"packed / padded = ([\d.]+)x", output)
    ratio = float(m.group(1)) if m else 0.0
    return [
        ("the schedule-dependent sum differs between thread counts", distinct > 1,
         f"{distinct} distinct results"),
        ("counters sharing a cache line are slower than padded ones (quiet machine)", ratio > 1.5,
         f"packed / padded = {ratio:.2f}x"),
    ]
