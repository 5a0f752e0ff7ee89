"""Figures of chapter 11, drawn from the chapter's own captured runs.

scaling  reduction bandwidth against the triad bound, and Mandelbrot speedup, for 1..2x CPUs
         (reduce:reduce.csv, irregular:irregular.csv)
busy     per-worker busy time of each schedule, and each row's cost (irregular:busy.csv,
         irregular:rows.csv)
grain    time of the pool against grain size (irregular:grain.csv)
mpi      heat equation strong and weak scaling, and ping-pong one-way time (mpi:mpi.csv)
"""
import sys

import bookplot


def rows_of(path):
    return bookplot.read_csv(path)


def cpus_of(rows):
    for r in rows:
        if r["workload"] == "setup" and r["contender"] == "cpus":
            return int(float(r["median"]))
    return None


def series(rows, workload, unit):
    out = {}
    for r in rows:
        if r["workload"] == workload and r["unit"] == unit:
            out.setdefault(r["contender"], []).append(
                (int(r["threads"]), float(r["median"]), float(r["min"]), float(r["max"])))
    return {k: sorted(v) for k, v in out.items()}


def errbar(ax, pts, colour, label, marker="o"):
    x = [p[0] for p in pts]
    med = [p[1] for p in pts]
    lo = [p[1] - min(p[2], p[3]) for p in pts]
    hi = [max(p[2], p[3]) - p[1] for p in pts]
    ax.errorbar(x, med, yerr=[lo, hi], color=colour, marker=marker, capsize=3,
                linewidth=1.5, markersize=4, label=label)


def draw_scaling(reduce_csv, irregular_csv, stem):
    red = rows_of(reduce_csv)
    irr = rows_of(irregular_csv)
    cpus = cpus_of(red) or cpus_of(irr) or 1
    bw = series(red, "sweep", "GB/s")
    triad = series(red, "triad-sweep", "GB/s").get("triad", [])
    ms = series(irr, "mandelbrot", "ms")
    serial = ms.get("serial loop", [(1, 1.0, 1.0, 1.0)])[0][1]

    def draw(fig, theme):
        left, right = fig.subplots(1, 2)
        colours = iter(theme.palette[1:])
        for name, pts in bw.items():
            if name == "serial loop":
                continue
            errbar(left, pts, next(colours), name)
        if triad:
            left.plot([p[0] for p in triad], [p[1] for p in triad], color=theme.fg,
                      linestyle="--", linewidth=1.5, label="triad bandwidth (the bound)")
        left.axvline(cpus, color=theme.muted, linestyle=":", linewidth=1)
        ticks = sorted({p[0] for pts in bw.values() for p in pts}) or [1]
        left.set_xticks(ticks)
        left.set_title("sum of N doubles (memory-bound)", fontsize=10)
        left.set_xlabel("threads")
        left.set_ylabel("GB/s read (median, min-max)")
        left.set_ylim(bottom=0)
        left.grid(True)
        left.legend(fontsize=7, loc="lower right")
        colours = iter(theme.palette[1:])
        for name, pts in ms.items():
            if name == "serial loop":
                continue
            sp = [(t, serial / m, serial / hi, serial / lo) for t, m, lo, hi in pts]
            errbar(right, sp, next(colours), name)
        xs = sorted({p[0] for pts in ms.values() for p in pts}) or [1]
        right.plot(xs, [min(x, cpus) for x in xs], color=theme.fg, linestyle="--",
                   linewidth=1.5, label=f"ideal: min(threads, {cpus} CPUs)")
        right.axvline(cpus, color=theme.muted, linestyle=":", linewidth=1)
        right.set_xticks(xs)
        right.set_title("Mandelbrot rows (compute-bound)", fontsize=10)
        right.set_xlabel("threads")
        right.set_ylabel("speedup over the serial loop")
        right.set_ylim(bottom=0)
        right.grid(True)
        right.legend(fontsize=7, loc="lower right")

    bookplot.draw_both(draw, stem, figsize=(9.0, 4.0))


def draw_busy(busy_csv, rows_csv, stem):
    busy = rows_of(busy_csv)
    rows = rows_of(rows_csv)
    schedules = []
    for r in busy:
        if r["schedule"] not in schedules:
            schedules.append(r["schedule"])
    workers = sorted({int(r["worker"]) for r in busy})

    def draw(fig, theme):
        left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
        width = 0.8 / max(len(workers), 1)
        for w in workers:
            values, low, high = [], [], []
            for s in schedules:
                v = [r for r in busy if r["schedule"] == s and int(r["worker"]) == w]
                med = float(v[0]["busy_ms"]) if v else 0.0
                values.append(med)
                # min and max over the repeated runs (older CSVs have only the median)
                low.append(med - float(v[0].get("busy_min_ms", med)) if v else 0.0)
                high.append(float(v[0].get("busy_max_ms", med)) - med if v else 0.0)
            xs = [i + (w - (len(workers) - 1) / 2) * width for i in range(len(schedules))]
            left.bar(xs, values, width=width * 0.95,
                     color=theme.palette[(w + 1) % len(theme.palette)],
                     label=f"worker {w}", yerr=[low, high], ecolor=theme.fg, capsize=2)
        left.set_xticks(range(len(schedules)))
        left.set_xticklabels(schedules, fontsize=8)
        left.set_ylabel("busy time per worker (ms)")
        left.set_title("who did the work (median, min to max)", fontsize=10)
        left.grid(True, axis="y")
        left.legend(fontsize=7)
        right.plot([int(r["row"]) for r in rows], [float(r["iterations"]) for r in rows],
                   color=theme.palette[5], linewidth=1.2)
        right.set_xlabel("row")
        right.set_ylabel("iterations in the row")
        right.set_title("the cost of each row", fontsize=10)
        right.grid(True)

    bookplot.draw_both(draw, stem, figsize=(9.0, 3.8))


def draw_grain(grain_csv, stem):
    rows = rows_of(grain_csv)
    pts = sorted((int(r["contender"]), float(r["median"]), float(r["min"]), float(r["max"]))
                 for r in rows)

    def draw(fig, theme):
        ax = fig.subplots()
        errbar(ax, pts, theme.palette[1], "pool, one image as one loop over pixels")
        ax.set_xscale("log", base=2)
        ax.set_xlabel("grain (pixels claimed at a time)")
        ax.set_ylabel("ms per image (median, min-max)")
        ax.set_ylim(bottom=0)
        ax.grid(True)
        ax.legend(fontsize=8, loc="upper center")

    bookplot.draw_both(draw, stem, figsize=(7.0, 3.4))


def draw_mpi(mpi_csv, stem):
    rows = rows_of(mpi_csv)

    def pick(what):
        return sorted((int(r["ranks"]), int(r["size"]), float(r["median"]), float(r["min"]),
                       float(r["max"])) for r in rows if r["what"] == what)

    def draw(fig, theme):
        left, right = fig.subplots(1, 2)
        for i, (what, label) in enumerate((("heat-strong", "strong: same rod"),
                                           ("heat-weak", "weak: same cells per rank"))):
            pts = [(p[0], p[2], p[3], p[4]) for p in pick(what)]
            if pts:
                errbar(left, pts, theme.palette[i + 1], label)
        left.set_xticks(sorted({p[0] for p in pick("heat-strong")}) or [1])
        left.set_xlabel("ranks (processes)")
        left.set_ylabel("ms per run (median, min-max)")
        left.set_title("heat equation with halo exchange", fontsize=10)
        left.set_ylim(bottom=0)
        left.grid(True)
        left.legend(fontsize=7)
        ping = [p for p in pick("pingpong-us") if p[0] == 2]
        if ping:
            errbar(right, [(p[1], p[2], p[3], p[4]) for p in ping], theme.palette[3],
                   "one-way time, 2 ranks")
            right.set_xscale("log", base=2)
            right.set_yscale("log")
        right.set_xlabel("message size (bytes)")
        right.set_ylabel("microseconds")
        right.set_title("ping-pong over shared memory", fontsize=10)
        right.grid(True)
        right.legend(fontsize=7)

    bookplot.draw_both(draw, stem, figsize=(9.0, 3.8))


def main():
    name, stem, data = bookplot.data_args()
    if name == "scaling":
        draw_scaling(data["reduce:reduce.csv"], data["irregular:irregular.csv"], stem)
    elif name == "busy":
        draw_busy(data["irregular:busy.csv"], data["irregular:rows.csv"], stem)
    elif name == "grain":
        draw_grain(data["irregular:grain.csv"], stem)
    elif name == "mpi":
        draw_mpi(data["mpi:mpi.csv"], stem)
    else:
        sys.exit(f"unknown figure {name}")


if __name__ == "__main__":
    main()
