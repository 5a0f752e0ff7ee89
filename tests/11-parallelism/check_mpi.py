"""Output check of the MPI runs: every rank count ran, the answers are exact, the laws are applied."""
import re


def check(output, args):
    ranks = [1, 2, 4]
    if "--ranks" in args:
        ranks = [int(x) for x in args[args.index("--ranks") + 1].split(",")]
    for p in ranks:
        assert re.search(rf"^\$ mpirun -np {p} ", output, re.M), f"the command of the {p}-rank run is shown"
        assert re.search(rf"^== {p} ranks?$", output, re.M), f"the {p}-rank run reports"
        assert re.search(rf"^reduce: sum of \d+ doubles over {p} ranks = [\d.]+, exact: yes$", output, re.M), \
            f"MPI_Reduce gives the exact sum with {p} ranks"
        assert re.search(rf"^heat: \d+ cells, \d+ steps over {p} ranks; the rod equals the serial run's, "
                         r"cell for cell: yes$", output, re.M), f"the halo exchange is exact with {p} ranks"
    assert "exited with status" not in output, "every mpirun succeeded"
    for section in ("== reduction (MPI_Reduce", "== strong scaling", "== weak scaling"):
        assert section in output, f"the section {section}"
    strong = output.split("== strong scaling")[1].split("==")[0]
    assert len(re.findall(r"^  \d+ rank\(s\) on \d+ CPU\(s\): ", strong, re.M)) == len(ranks), \
        "one strong-scaling row per run"
    cpus = int(re.search(r"^== CPUs available to the ranks .*: (\d+)$", output, re.M).group(1))
    for ranks_, procs in re.findall(r"^  (\d+) rank\(s\) on (\d+) CPU\(s\)", output, re.M):
        assert int(procs) == min(int(ranks_), cpus), "the laws count min(ranks, CPUs) processors"
    if max(ranks) >= 2:
        assert output.count("deadlock: rank 0's synchronous send completed before any receive was posted: no") \
            == sum(1 for p in ranks if p >= 2), "no synchronous send completes without a receive"
        assert "both messages arrived: yes" in output
        assert re.search(r"^== ping-pong between ranks 0 and 1", output, re.M)
        m = re.search(r"^mpi\.pingpong: one-way time of a \d+-byte message between 2 ranks: "
                      r"([\d.]+) us \(([\d.]+) \.\. ([\d.]+)\)$", output, re.M)
        assert m, "the headline ping-pong cost is printed"
        med, lo, hi = (float(m.group(i)) for i in (1, 2, 3))
        assert 0 < lo <= med <= hi, "the ping-pong's median lies within its min and max"
