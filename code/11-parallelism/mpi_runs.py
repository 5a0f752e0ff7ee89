#!/usr/bin/env python3
"""Runs mpi_parallel under mpirun with 1, 2 and 4 ranks and sets the times against
Amdahl's law (strong scaling) and Gustafson's law (weak scaling).

usage: mpi_runs.py [--ranks 1,2,4] [--csv FILE] [--suppressions FILE] -- PROGRAM ARGS...
"""
import os
import re
import shutil
import subprocess
import sys

USAGE = __doc__.strip().splitlines()[-1]


def fail(message):
    print(f"mpi_runs.py: {message}\n{USAGE}", file=sys.stderr)
    sys.exit(2)


def parse(argv):
    opts = {"ranks": [1, 2, 4], "csv": "", "suppressions": ""}
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
        if name not in ("--ranks", "--csv", "--suppressions") or not own:
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
                what, r, size, med, lo, hi = line.split(",")[1:]
                rows.append((what, int(r), int(size), float(med), float(lo), float(hi)))
            else:
                print(line)
        if run.returncode != 0:
            print(f"mpirun -np {ranks} exited with status {run.returncode}")
            return 1
    if opts["csv"]:
        with open(opts["csv"], "w") as f:
            f.write("what,ranks,size,median,min,max\n")
            for row in rows:
                f.write(",".join(str(x) for x in row) + "\n")
    report(rows)
    return 0


def report(rows):
    def series(what):
        return sorted((r for r in rows if r[0] == what), key=lambda r: (r[1], r[2]))

    print("== reduction (MPI_Reduce), ms: median (min .. max)")
    for what, ranks, size, med, lo, hi in series("reduce"):
        print(f"  {ranks} rank(s), {size} doubles: {med:9.2f} ({lo:.2f} .. {hi:.2f})")
    # [laws]
    strong = series("heat-strong")
    if strong:
        t1 = strong[0][3]
        f = None
        print("== strong scaling (same rod, more ranks): speedup and Amdahl's law")
        for what, ranks, size, med, lo, hi in strong:
            s = t1 / med
            line = (f"  {ranks} rank(s): {med:9.2f} ms ({lo:.2f} .. {hi:.2f}), "
                    f"speedup {s:.2f}x, efficiency {100 * s / ranks:.0f}%")
            if ranks > 1:
                # The serial fraction Amdahl's law needs to explain this speedup.
                f = (ranks / s - 1) / (ranks - 1)
                if f <= 1:
                    line += f", serial fraction that explains it {max(f, 0):.2f}"
                else:
                    line += ", slower than one rank: no serial fraction explains it"
            print(line)
    weak = series("heat-weak")
    if weak:
        t1 = weak[0][3]
        print("== weak scaling (same cells per rank): scaled speedup and Gustafson's law")
        for what, ranks, size, med, lo, hi in weak:
            scaled = ranks * t1 / med  # work grew by `ranks`, time by med / t1
            line = (f"  {ranks} rank(s), {size} cells: {med:9.2f} ms "
                    f"({lo:.2f} .. {hi:.2f}), scaled speedup {scaled:.2f}x of {ranks}")
            if ranks > 1:
                # Gustafson: S = p - s (p - 1), so the serial share s = (p - S) / (p - 1).
                s = (ranks - scaled) / (ranks - 1)
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


if __name__ == "__main__":
    sys.exit(main())
