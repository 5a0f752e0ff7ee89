"""Output check of chapter 7's memory: limits printed, two map entries per guarded stack, and
in every round every green thread alive at once, the OS threads created (or the reason they
stopped), and resident memory grown by a positive amount per unit."""
import re
from checklib import int_option, section_lines  # book/tools/checklib.py

GREEN_ROW = re.compile(r"^ *(\d+) +(\d+) +(-?[\d.]+) +(-?[\d.]+) +(-?[\d.]+) +(-?[\d.]+)$")
THREAD_ROW = re.compile(r"^ *(\d+) +(\d+)" + r" +(-?[\d.]+)" * 6 + r"$")


def rounds_of(lines, row):
    """The rows of a per-round table, as lists of numbers (round, alive, then the figures)."""
    out = []
    for line in lines:
        m = row.match(line)
        if m:
            out.append([int(m.group(1)), int(m.group(2))] +
                       [float(g) for g in m.groups()[2:]])
    return out


def check(output, args):
    greens = int_option(args, "--green", 100000)
    threads = int_option(args, "--threads", 10000)
    demo = int_option(args, "--guard-demo", 1000)
    rounds = int_option(args, "--rounds", 3)
    for key in ("kernel.threads-max:", "kernel.pid_max:", "RLIMIT_NPROC:", "vm.max_map_count:"):
        assert key in output, f"missing {key}"
    m = re.search(r"(\d+) guarded stacks span (\d+) map entries", output)
    assert m and int(m.group(1)) == demo and int(m.group(2)) == 2 * demo, \
        "a guarded stack did not cost exactly two map entries"
    m = re.search(r"unguarded stacks from the pool's arenas span (\d+) map entries", output)
    assert m and int(m.group(1)) <= demo // 256 + 2, "arena stacks used too many map entries"

    g = rounds_of(section_lines(output, f"{greens} green threads"), GREEN_ROW)
    assert [r[0] for r in g] == list(range(1, rounds + 1)), \
        f"expected green-thread rounds 1..{rounds}, found {[r[0] for r in g]}"
    for r in g:
        assert r[1] == greens, f"round {r[0]}: not every green thread was alive at once"
        assert r[5] > 0, f"round {r[0]}: resident memory per green thread is not positive"
    assert re.search(r"^resident memory per green thread: median .* \(%d rounds\)$" % rounds,
                     output, re.M), "missing the green threads' summary over rounds"

    t = rounds_of(section_lines(output, f"{threads} OS threads"), THREAD_ROW)
    assert [r[0] for r in t] == list(range(1, rounds + 1)), \
        f"expected OS-thread rounds 1..{rounds}, found {[r[0] for r in t]}"
    for r in t:
        assert r[1] > 0, f"round {r[0]}: no OS thread was created"
        if r[1] < threads:
            assert "thread creation stopped at" in output, "fewer threads without a reason"
        assert r[5] > 0, f"round {r[0]}: resident memory per OS thread is not positive"
    for what in ("resident memory per OS thread", "kernel stack per OS thread (whole machine)"):
        assert re.search(r"^%s: median .* \(%d rounds\)$" % (re.escape(what), rounds),
                         output, re.M), f"missing the summary line: {what}"
    assert "spawn: median" in output and "thread creation: median" in output


def expectations(output, args):
    """What the page says a quiet machine shows: the growth of KernelStack (the whole machine's,
    which other processes move too) is 16 KiB per OS thread in every round, within 1 KiB; and,
    with the heap trimmed before each round, every round's resident figure per unit is within 5%
    of the first round's (a later round is not flattered by memory the first one left behind)."""
    greens = int_option(args, "--green", 100000)
    threads = int_option(args, "--threads", 10000)
    g = rounds_of(section_lines(output, f"{greens} green threads"), GREEN_ROW)
    t = rounds_of(section_lines(output, f"{threads} OS threads"), THREAD_ROW)
    out = []
    if t:
        per = [r[7] for r in t]
        out.append(("the kernel stacks grow by 16 KiB per OS thread in every round (within 1 KiB)",
                    all(abs(k - 16.0) <= 1.0 for k in per),
                    "kernel stack KiB per thread by round: " + ", ".join(f"{k:.1f}" for k in per),
                    f"== {threads} OS threads"))
    for rows, what, start in ((g, "green thread", f"== {greens} green threads"),
                              (t, "OS thread", f"== {threads} OS threads")):
        if len(rows) >= 2 and rows[0][5] > 0:
            per = [r[5] for r in rows]
            out.append((f"every round's resident memory per {what} is within 5% of round 1's",
                        all(abs(x - per[0]) <= 0.05 * per[0] for x in per),
                        f"resident KiB per {what} by round: " + ", ".join(f"{x:.1f}" for x in per),
                        start))
    return out
