"""Figures of chapter 6 (Coroutines), drawn from the captured runs' CSV files.

cost:     ns per value for five ways of producing a sequence, and ns per creation of a coroutine against a
          function call; median bars with min-max whiskers (costs:cost.csv).
timeline: which task held the one thread when, and when each downloader was asleep (interleave:timeline.csv).
"""
import bookplot


def draw_cost(rows):
    groups = [("consume", "ns per value"), ("create", "ns per call or coroutine created")]
    compiler = rows[0]["compiler"] if rows else ""

    def draw(fig, theme):
        axes = fig.subplots(2, 1, gridspec_kw={"height_ratios": [5, 2]})
        for ax, (group, label) in zip(axes, groups):
            rs = [r for r in rows if r["group"] == group]
            names = [r["case"] for r in rs]
            med = [float(r["median_ns"]) for r in rs]
            lo = [m - float(r["min_ns"]) for m, r in zip(med, rs)]
            hi = [float(r["max_ns"]) - m for m, r in zip(med, rs)]
            y = list(range(len(rs)))[::-1]
            colours = [theme.palette[i % len(theme.palette)] for i in (4, 0, 2, 5, 6)][: len(rs)]
            # Log scale: a busy machine can stretch a max whisker far beyond the medians.
            left = min(float(r["min_ns"]) for r in rs) / 2
            ax.barh(y, [m - left for m in med], left=left, color=colours, height=0.6)
            ax.errorbar(med, y, xerr=[lo, hi], fmt="none", ecolor=theme.fg, elinewidth=1, capsize=3)
            for yi, m, r in zip(y, med, rs):
                ax.text(float(r["max_ns"]) * 1.1, yi, f"{m:.1f} ns (×{m / med[0]:.1f})", va="center", fontsize=9,
                        color=theme.fg)
            ax.set_yticks(y)
            ax.set_yticklabels(names)
            ax.set_xscale("log")
            ax.set_xlim(left, max(float(r["max_ns"]) for r in rs) * 12)
            ax.set_xlabel(label + (f", log scale ({compiler}; bar = median, whiskers = min–max)" if group == "consume" else ", log scale"))
            ax.grid(axis="x")
            ax.set_axisbelow(True)

    return draw


def draw_timeline(rows):
    tasks = []
    for r in rows:
        if r["task"] not in tasks:
            tasks.append(r["task"])

    def draw(fig, theme):
        ax = fig.add_subplot(1, 1, 1)
        for i, task in enumerate(tasks):
            y = len(tasks) - 1 - i
            colour = theme.palette[(4, 0, 2, 5)[i % 4]]
            runs = [(float(r["begin_ms"]), float(r["end_ms"]) - float(r["begin_ms"])) for r in rows
                    if r["task"] == task and r["kind"] == "run"]
            sleeps = [(float(r["begin_ms"]), float(r["end_ms"]) - float(r["begin_ms"])) for r in rows
                      if r["task"] == task and r["kind"] == "sleep"]
            # A running slice may be far shorter than a pixel: draw it at least visible.
            runs = [(b, max(w, 0.08)) for b, w in runs]
            ax.broken_barh(runs, (y - 0.3, 0.6), facecolors=colour, edgecolors=theme.bg, linewidth=0.4)
            if sleeps:
                ax.broken_barh(sleeps, (y - 0.12, 0.24), facecolors="none", edgecolors=colour, hatch="////",
                               linewidth=0.8)
        ax.set_yticks(range(len(tasks)))
        ax.set_yticklabels(list(reversed(tasks)))
        ax.set_xlabel("ms since the scheduler started (one thread; solid: running, hatched: asleep in sleep_for)")
        ax.set_xlim(left=0)
        ax.grid(axis="x")
        ax.set_axisbelow(True)

    return draw


def main():
    name, stem, data = bookplot.data_args()
    if name == "cost":
        bookplot.draw_both(draw_cost(bookplot.read_csv(data["costs:cost.csv"])), stem, figsize=(7.5, 4.4))
    elif name == "timeline":
        bookplot.draw_both(draw_timeline(bookplot.read_csv(data["interleave:timeline.csv"])), stem, figsize=(7.5, 2.8))
    else:
        raise SystemExit(f"06-coroutines.py: unknown figure {name}")


if __name__ == "__main__":
    main()
