#!/usr/bin/env python3
"""Runs mpi_parallel under mpirun with 1, 2 and 4 ranks and sets the times against
Amdahl's law (strong scaling) and Gustafson's law (weak scaling).

usage: mpi_runs.py [--ranks 1,2,4] [--csv F] [--costs F] [--suppressions F] -- PROG ARGS
"""
import json
import os
import shutil
import subprocess
import sys

USAGE = __doc__.strip().splitlines()[-1]


def fail(message):
    print(f"mpi_runs.py: {message}\n{USAGE}", file=sys.stderr)
    sys.exit(2)


def parse(argv):
    opts = {"ranks": [1, 2, 4], "csv": "", "costs": "", "suppressions": ""}
    if "--help" in argv[: argv.index("--") if "--" in argv else len(argv)]:
        print(__doc__.strip())
        sys.exit(0)
    if "--" not in argv:
        fail("missing '--' before the program")
    split = argv.index("--")
    own, program = argv[:split], argv[split + 1:]
    if not program:
        fail("missing the program")
    while own:
        name = own.pop(0)
        if name not in ("--ranks", "--csv", "--costs", "--suppressions") or not own:
            fail(f"bad argument '{name}'")
        value = own.pop(0)
        if name == "--ranks":
            try:
                opts["ranks"] = [int(x) for x in value.split(",")]
            except ValueError:
                fail(f"--ranks takes numbers: '{value}'")
            if not all(0 < r <= 64 for r in opts["ranks"]):
                fail("--ranks: each count from 1 to 64")
        else:
            opts[name[2:]] = value
    return opts, program


def mpirun_command(ranks, program, suppressions):
    # [mpirun]
    command = [shutil.which("mpirun") or "mpirun", "-np", str(ranks),
               "--oversubscribe",  # more ranks than CPUs are allowed here
               "--bind-to", "none",  # leave placement to the kernel on a shared machine
               "--mca", "mpi_yield_when_idle", "1",  # a waiting rank yields its CPU
               # containers that deny ptrace: no single-copy (CMA) transfers in vader
               "--mca", "btl_vader_single_copy_mechanism", "none"]
    if os.geteuid() == 0:
        command.append("--allow-run-as-root")  # Open MPI refuses root otherwise
    # [/mpirun]
    if suppressions:
        # Open MPI keeps memory until exit; LeakSanitizer would report it in every rank.
        # Its plugins stay loaded (no dlclose) so that the reports name them, and the slow
        # unwinder sees the whole stack: then the suppressions match.
        os.environ["LSAN_OPTIONS"] = (f"suppressions={suppressions}:print_suppressions=0"
                                      ":fast_unwind_on_malloc=0")
        os.environ["OMPI_MCA_mca_base_component_disable_dlclose"] = "1"
        command += ["-x", "LSAN_OPTIONS",
                    "-x", "OMPI_MCA_mca_base_component_disable_dlclose"]
    return command + program


def main():
    opts, program = parse(sys.argv[1:])
    rows = []  # (what, ranks, size, median, min, max)
    for ranks in opts["ranks"]:
        command = mpirun_command(ranks, program, opts["suppressions"])
        shown = ["mpirun"] + command[1:]
        shown[shown.index(program[0])] = os.path.basename(program[0])
        print("$ " + " ".join(shown), flush=True)
        run = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, timeout=600)
        for line in run.stdout.splitlines():
            if line.startswith("result,"):
                what, r, size, med, lo, hi, runs = line.split(",")[1:]
                rows.append((what, int(r), int(size), float(med), float(lo), float(hi),
                             int(runs)))
            else:
                print(line)
        if run.returncode != 0:
            print(f"mpirun -np {ranks} exited with status {run.returncode}")
            return 1
    if opts["csv"]:
        with open(opts["csv"], "w") as f:
            f.write("what,ranks,size,median,min,max\n")
            for row in rows:
                f.write(",".join(str(x) for x in row[:6]) + "\n")
    report(rows, usable_cpus())
    if opts["costs"]:
        write_costs(opts["costs"], rows)
    return 0


def usable_cpus():
    """The CPUs this process, and so every rank it starts, may run on (affinity mask)."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:
        return os.cpu_count() or 1


def write_costs(path, rows):
    """The headline cost, mpi.pingpong, in the book's cost-file format (book-costs/1)."""
    small = sorted((r for r in rows if r[0] == "pingpong-us" and r[1] == 2),
                   key=lambda r: r[2])
    costs = []
    if small:
        what, ranks, size, med, lo, hi, runs = small[0]
        costs.append({
            "key": "mpi.pingpong", "label": f"MPI ping-pong, {size}-byte message",
            "includes": (f"one-way time of one {size}-byte message between ranks 0 and 1 "
                         "on one machine (half a round trip of MPI_Send and MPI_Recv), "
                         "mean over the round trips of one sample"),
            "unit": "us", "median": med, "min": lo, "max": hi, "runs": runs})
    with open(path, "w") as f:
        json.dump({"format": "book-costs/1", "chapter": "11-parallelism",
                   "program": "mpi", "costs": costs}, f, indent=1)
        f.write("\n")


def report(rows, cpus):
    def series(what):
        return sorted((r[:6] for r in rows if r[0] == what), key=lambda r: (r[1], r[2]))

    print(f"== CPUs available to the ranks (this process's affinity mask): {cpus}")
    print("== reduction (MPI_Reduce after a local sum; the blocks were made before), ms: "
          "median (min .. max)")
    for what, ranks, size, med, lo, hi in series("reduce"):
        print(f"  {ranks} rank(s), {size} doubles: {med:9.2f} ({lo:.2f} .. {hi:.2f})")
    # [laws]
    # Both laws count processors, not ranks: p ranks run on min(p, CPUs) processors at
    # most, and only if nothing else wants the CPUs.
    strong = series("heat-strong")
    if strong:
        t1 = strong[0][3]
        print("== strong scaling (same rod, more ranks): speedup and Amdahl's law")
        for what, ranks, size, med, lo, hi in strong:
            s = t1 / med
            procs = min(ranks, cpus)
            line = (f"  {ranks} rank(s) on {procs} CPU(s): {med:9.2f} ms "
                    f"({lo:.2f} .. {hi:.2f}), speedup {s:.2f}x, "
                    f"efficiency {100 * s / procs:.0f}%")
            if procs > 1:
                # Karp-Flatt: the serial fraction f with 1/S = f + (1 - f) / procs.
                f = (1 / s - 1 / procs) / (1 - 1 / procs)
                if f < 0:
                    line += ", faster than the CPUs allow: no serial fraction"
                elif f <= 1:
                    line += f", serial fraction that explains it {f:.2f}"
                else:
                    line += ", slower than one rank: no serial fraction explains it"
            elif ranks > 1:
                line += ", one CPU: the ranks take turns, no law applies"
            print(line)
    weak = series("heat-weak")
    if weak:
        t1 = weak[0][3]
        print("== weak scaling (same cells per rank): scaled speedup and Gustafson's law")
        for what, ranks, size, med, lo, hi in weak:
            scaled = ranks * t1 / med  # work grew by `ranks`, time by med / t1
            procs = min(ranks, cpus)
            line = (f"  {ranks} rank(s) on {procs} CPU(s), {size} cells: {med:9.2f} ms "
                    f"({lo:.2f} .. {hi:.2f}), scaled speedup {scaled:.2f}x of {procs}")
            if procs > 1:
                # Gustafson: S = procs - s (procs - 1), so s = (procs - S) / (procs - 1).
                s = (procs - scaled) / (procs - 1)
                line += f", serial share {s:.2f}" if 0 <= s <= 1 else ""
            print(line)
    # [/laws]
    ping = series("pingpong-us")
    if ping:
        print("== ping-pong between ranks 0 and 1: one-way time and bandwidth")
        for what, ranks, size, med, lo, hi in ping:
            if ranks != 2:
                continue
            print(f"  {size:8d} bytes: {med:10.2f} us ({lo:.2f} .. {hi:.2f}), "
                  f"{size / med / 1e3:8.3f} GB/s")
        small = [r for r in ping if r[1] == 2]
        if small:
            what, ranks, size, med, lo, hi = small[0]
            print(f"mpi.pingpong: one-way time of a {size}-byte message between 2 ranks: "
                  f"{med:.2f} us ({lo:.2f} .. {hi:.2f})")


if __name__ == "__main__":
    sys.exit(main())
