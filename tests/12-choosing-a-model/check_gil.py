"""Output check of gil.py: every alternative measured with the same checksums; quiet-machine
expectations about the GIL."""
import re

ROW = r"^  {}\s+([\d.]+) ms \(\s*[\d.]+ \.\.\s+[\d.]+\)$"


def check(output, args):
    assert re.search(r"^== Python 3\.\d+", output, re.M), "the interpreter's version"
    for label in ("one thread, tasks one after another", "threads, one task each",
                  "processes \\(multiprocessing\\), one task each"):
        assert re.search(ROW.format(label), output, re.M), f"{label} measured"
    assert len(re.findall(ROW.format("threads, one task each"), output, re.M)) == 2, "CPU and I/O rows"
    assert "every run computed the same checksums: yes" in output


def expectations(output, args):
    cpu = re.search(r"CPU-bound: threads ([\d.]+)x, processes ([\d.]+)x \(workers: (\d+), CPUs: (\d+)\)", output)
    io = re.search(r"I/O-bound: threads ([\d.]+)x \(tasks: (\d+)\)", output)
    gil = "GIL enabled: yes" in output
    out = []
    if cpu and gil:
        out.append(("CPU-bound work in threads is no faster than in one thread (at most 1.2x) under the GIL",
                    float(cpu.group(1)) <= 1.2, f"threads {cpu.group(1)}x", "speedup over one thread"))
    if cpu and int(cpu.group(4)) >= 2:
        out.append(("CPU-bound work in processes is faster than in one thread (at least 1.4x with 2 CPUs)",
                    float(cpu.group(2)) >= 1.4, f"processes {cpu.group(2)}x on {cpu.group(4)} CPUs",
                    "speedup over one thread"))
    if io:
        out.append(("I/O-bound work in threads overlaps its waits (at least 3x)",
                    float(io.group(1)) >= 3.0, f"threads {io.group(1)}x", "speedup over one thread"))
    return out
