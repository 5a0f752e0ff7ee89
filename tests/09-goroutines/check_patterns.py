"""Output check of chapter 9's patterns: every pattern's result is exact whatever the
interleaving; only the split of work between the fan-out's workers varies."""
import re

from checklib import int_option, section_lines


def check(output, args):
    n = int_option(args, "--n", 1000)
    workers = int_option(args, "--workers", 4)
    tasks = int_option(args, "--tasks", 40)
    primes = int_option(args, "--primes", 25)
    squares = n * (n + 1) * (2 * n + 1) // 6
    pipe = "\n".join(section_lines(output, "pipeline"))
    assert f"sum of the squares of 1..{n} = {squares}" in pipe, pipe
    fan = section_lines(output, "fan-out, fan-in")
    counts = [int(x) for x in fan[0].split(":")[1].split()]
    assert len(counts) == workers and sum(counts) == n, fan
    assert fan[1] == f"{n} results, sum of squares {squares}", fan
    pool = section_lines(output, "worker pool")[0]
    m = re.match(r"(\d+) tasks on (\d+) workers: sum (\d+), at most (\d+) at once", pool)
    assert m and int(m[1]) == tasks and int(m[3]) == 10 * tasks * (tasks - 1) // 2, pool
    assert 1 <= int(m[4]) <= workers, "the pool ran more tasks at once than it has workers"
    cancel = section_lines(output, "cancellation")[0]
    m = re.search(r"took (\d+) values, then cancelled: the producer sent (\d+) and stopped", cancel)
    assert m and int(m[2]) >= int(m[1]), cancel
    sieve = section_lines(output, "prime sieve")[0].split(":")[1].split()
    want, k = [], 2
    while len(want) < primes:
        if all(k % p for p in want):
            want.append(k)
        k += 1
    assert [int(x) for x in sieve] == want, sieve
    assert re.search(r"== end: \d+ goroutines on \d+ Ps and \d+ OS threads, all finished", output)
