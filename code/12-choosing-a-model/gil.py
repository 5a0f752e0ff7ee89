#!/usr/bin/env python3
"""Python's answer: CPU-bound work in threads and in processes, I/O-bound work in threads.

Run with Debian's /usr/bin/python3. Each repetition runs every alternative once, in a
fresh order, after one warm-up; the program prints the median, min and max of each and
the ratios of the medians.
"""
import argparse
import os
import random
import statistics
import sys
import sysconfig
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


# [work]
def spin(n):
    """CPU-bound: pure Python arithmetic, which holds the GIL the whole time."""
    total = 0
    for i in range(n):
        total = (total + i * i) % 1_000_003
    return total


def block(seconds):
    """I/O-bound stand-in: a blocking call that releases the GIL while it waits, as a read
    from a socket or a file does."""
    time.sleep(seconds)
    return 1
# [/work]


def timed(run):
    start = time.perf_counter()
    result = run()
    return (time.perf_counter() - start) * 1e3, result


# [alternatives]
def alternatives(workers, n, io_tasks, io_seconds, thread_pool, process_pool, io_pool):
    """name -> (group, function returning a checksum); the pools exist before timing."""
    tasks = [n] * workers
    return {
        "cpu.serial": ("cpu", lambda: sum(map(spin, tasks))),
        "cpu.threads": ("cpu", lambda: sum(thread_pool.map(spin, tasks))),
        "cpu.processes": ("cpu", lambda: sum(process_pool.map(spin, tasks))),
        "io.serial": ("io", lambda: sum(block(io_seconds) for _ in range(io_tasks))),
        "io.threads": ("io", lambda: sum(io_pool.map(block, [io_seconds] * io_tasks))),
    }
# [/alternatives]


LABELS = {
    "cpu.serial": "one thread, tasks one after another",
    "cpu.threads": "threads, one task each",
    "cpu.processes": "processes (multiprocessing), one task each",
    "io.serial": "one thread, tasks one after another",
    "io.threads": "threads, one task each",
}


def main():
    parser = argparse.ArgumentParser(prog="gil.py", description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=0,
                        help="threads/processes for CPU work (0: CPUs available)")
    parser.add_argument("--n", type=int, default=1_000_000,
                        help="loop iterations per CPU task")
    parser.add_argument("--io-tasks", type=int, default=8, help="I/O-bound tasks")
    parser.add_argument("--io-ms", type=float, default=20.0,
                        help="milliseconds each I/O task blocks")
    parser.add_argument("--reps", type=int, default=5,
                        help="repetitions after one warm-up")
    parser.add_argument("--csv", default="",
                        help="write the samples to this CSV file")
    args = parser.parse_args()
    cpus = len(os.sched_getaffinity(0))
    workers = args.workers or max(2, min(cpus, 4))
    if not (1 <= workers <= 64 and 1 <= args.n <= 10**9 and 1 <= args.io_tasks <= 256
            and 0 < args.io_ms <= 1000 and 1 <= args.reps <= 100):
        parser.print_usage(sys.stderr)
        print("gil.py: error: an argument is out of range", file=sys.stderr)
        sys.exit(2)

    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    free_threaded_build = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    yes_no = {True: "yes", False: "no"}
    print(f"== Python {sys.version.split()[0]} ({sys.executable}); "
          f"GIL enabled: {yes_no[gil]}; "
          f"free-threaded build: {yes_no[free_threaded_build]}")
    print(f"CPUs available: {cpus}; workers for CPU work: {workers}; "
          f"I/O tasks: {args.io_tasks} blocking {args.io_ms:g} ms each")

    samples = {}
    with ThreadPoolExecutor(workers) as tp, ProcessPoolExecutor(workers) as pp, \
            ThreadPoolExecutor(args.io_tasks) as iop:
        alts = alternatives(workers, args.n, args.io_tasks, args.io_ms / 1e3, tp, pp, iop)
        expected = {}
        for name, (_, run) in alts.items():  # warm-up: starts the pools' workers
            expected[name] = run()
        # [measure]
        samples = {name: [] for name in alts}
        rng = random.Random(12)
        for _ in range(args.reps):
            order = list(alts)
            rng.shuffle(order)  # interleaved, in a fresh order each round
            for name in order:
                ms, result = timed(alts[name][1])
                assert result == expected[name], f"{name}: {result}, not {expected[name]}"
                samples[name].append(ms)
        # [/measure]

    stats = {k: (statistics.median(v), min(v), max(v)) for k, v in samples.items()}
    titles = (("cpu", f"CPU-bound: {workers} tasks of {args.n:,} iterations"),
              ("io", f"I/O-bound: {args.io_tasks} tasks blocking {args.io_ms:g} ms"))
    for group, title in titles:
        print(f"== {title}; median (min .. max) of {args.reps} interleaved runs")
        for name in alts:
            if alts[name][0] == group:
                med, lo, hi = stats[name]
                print(f"  {LABELS[name]:44} {med:8.1f} ms ({lo:7.1f} .. {hi:7.1f})")
    cpu_serial, io_serial = stats["cpu.serial"][0], stats["io.serial"][0]
    threads = cpu_serial / stats["cpu.threads"][0]
    processes = cpu_serial / stats["cpu.processes"][0]
    print(f"speedup over one thread, CPU-bound: threads {threads:.2f}x, "
          f"processes {processes:.2f}x (workers: {workers}, CPUs: {cpus})")
    io_threads = io_serial / stats["io.threads"][0]
    print(f"speedup over one thread, I/O-bound: threads {io_threads:.2f}x "
          f"(tasks: {args.io_tasks})")
    print("every run computed the same checksums: yes")

    if args.csv:
        with open(args.csv, "w") as f:
            f.write("alternative,group,rep,ms\n")
            for name, values in samples.items():
                for i, v in enumerate(values):
                    f.write(f"{name},{alts[name][0]},{i},{v:.4f}\n")


if __name__ == "__main__":
    main()
