"""Output check of chapter 8's lateness program: run to completion holds (a timer cannot fire while the loop's
thread computes), microtasks starve the timer while immediates do not, and a throwing callback is handled as
the prose says. No duration is compared with a threshold other than the causal one (the timer cannot fire
before the blocking work it waits behind has ended)."""
import re

ROW = re.compile(r"^\s+(\d+)\s+(-?[\d.]+) ms \(\s*(-?[\d.]+)-\s*(-?[\d.]+)\)\s+(-?[\d.]+) ms \(\s*(-?[\d.]+)-\s*(-?[\d.]+)\)")


def rows(output):
    return [tuple(float(g) for g in m.groups()) for m in map(ROW.match, output.splitlines()) if m]


def check(output, args):
    rs = rows(output)
    assert rs, "no lateness table"
    for block, med, lo, hi, *_ in rs:
        # Timers compare with a clock cached in whole milliseconds: up to 1 ms of rounding either way.
        assert lo >= block - 2.0, f"a 1 ms timer fired while the loop's thread was busy for {block} ms"
    m = re.search(r"microtasks run before the 1 ms timer fired: (\d+) of (\d+)", output)
    assert m and m.group(1) == m.group(2), "the timer fired in the middle of the microtask chain"
    assert "timer fired while the chain went on: yes" in output, "immediates starved the timer"
    assert "no handler: run() rethrew 'boom'; the 5 ms timer ran 0 times" in output
    assert "with on_uncaught: 1 reported, the 5 ms timer ran 1 times" in output


def expectations(output, args):
    rs = rows(output)
    out = []
    for block, med, lo, hi, omed, olo, ohi in rs:
        if block >= 5:
            out.append((f"offloaded, the timer is on time with {block:.0f} ms of work (median under 1 ms)",
                        omed < 1.0, f"{omed:.2f} ms"))
    return out
