"""Figures of chapter 1 (Processes), drawn from the captured run's CSV files.

cost:     the creation-cost ladder (thread, fork, fork+exec, posix_spawn), median with min-max whiskers.
forksize: fork+wait and posix_spawn+wait against the memory the parent has touched.
"""
import bookplot


def _ns(row, key):
    return float(row[key])


def draw_cost(rows):
    labels = [r["what"] for r in rows]
    med = [_ns(r, "median_ns") / 1e3 for r in rows]
    lo = [m - _ns(r, "min_ns") / 1e3 for m, r in zip(med, rows)]
    hi = [_ns(r, "max_ns") / 1e3 - m for m, r in zip(med, rows)]
    base = med[0]

    def draw(fig, theme):
        ax = fig.add_subplot(1, 1, 1)
        y = list(range(len(rows)))[::-1]
        colours = [theme.palette[i % len(theme.palette)] for i in (4, 0, 5, 2)]
        ax.barh(y, med, color=colours[: len(rows)], height=0.6)
        ax.errorbar(med, y, xerr=[lo, hi], fmt="none", ecolor=theme.fg, elinewidth=1, capsize=3)
        for i, (yi, m) in enumerate(zip(y, med)):
            label = f"{m:,.1f} µs" if i == 0 else f"{m:,.0f} µs  ({m / base:.1f}× thread)"
            ax.text(m * 1.15, yi + 0.32, label, va="center", fontsize=9, color=theme.fg)
        ax.set_yticks(y)
        ax.set_yticklabels(labels)
        ax.set_xscale("log")
        ax.set_xlim(min(_ns(r, "min_ns") for r in rows) / 1e3 / 2, max(_ns(r, "max_ns") for r in rows) / 1e3 * 6)
        ax.set_xlabel("µs per creation, including its join or wait (log scale)")
        ax.grid(axis="x", which="both")
        ax.set_axisbelow(True)

    return draw


def draw_forksize(rows):
    series = {}
    for r in rows:
        series.setdefault(r["what"], []).append(r)

    def draw(fig, theme):
        ax = fig.add_subplot(1, 1, 1)
        for i, (what, rs) in enumerate(series.items()):
            rs.sort(key=lambda r: int(r["mib"]))
            x = [int(r["mib"]) for r in rs]
            med = [_ns(r, "median_ns") / 1e6 for r in rs]
            lo = [m - _ns(r, "min_ns") / 1e6 for m, r in zip(med, rs)]
            hi = [_ns(r, "max_ns") / 1e6 - m for m, r in zip(med, rs)]
            colour = theme.palette[(0, 2)[i % 2]]
            marker = ("o", "s")[i % 2]
            ax.errorbar(x, med, yerr=[lo, hi], color=colour, marker=marker, capsize=3, label=what)
        ax.set_xlabel("memory the parent has touched before forking (MiB)")
        ax.set_ylabel("time per creation,\nincluding wait (ms)")
        ax.set_ylim(bottom=0)
        ax.grid(True)
        ax.set_axisbelow(True)
        ax.legend(loc="upper left")

    return draw


def main():
    name, stem, data = bookplot.data_args()
    if name == "cost":
        bookplot.draw_both(draw_cost(bookplot.read_csv(data["processes:cost.csv"])), stem, figsize=(7.5, 2.8))
    elif name == "forksize":
        bookplot.draw_both(draw_forksize(bookplot.read_csv(data["processes:forksize.csv"])), stem, figsize=(7.0, 3.4))
    else:
        raise SystemExit(f"01-processes.py: unknown figure {name!r}")


if __name__ == "__main__":
    main()
