"""Figures of chapter 9 (Goroutines), drawn from the captured runs' CSV files.

trace:  the scheduler trace of steal_trace: one lane per P, one bar per run of a goroutine coloured by
        the M (OS thread) that ran it, a triangle per steal (steal_trace:trace.csv).
versus: the six workloads of versus, the book's and Go's medians normalised to Go's, whiskers from
        min to max (versus:versus.csv).
"""
import statistics
import sys

import bookplot


def draw_trace(rows):
    runs = [r for r in rows if r["kind"] == "run"]
    steals = [r for r in rows if r["kind"] == "steal"]
    ps = sorted({int(r["p"]) for r in rows})
    ms = sorted({int(r["m"]) for r in runs})

    def draw(fig, theme):
        ax = fig.add_subplot(1, 1, 1)
        colour = {m: theme.palette[i % len(theme.palette)] for i, m in enumerate(ms)}
        for r in runs:
            b, e = int(r["begin_ns"]) / 1e3, int(r["end_ns"]) / 1e3
            ax.barh(int(r["p"]), max(e - b, 0.5), left=b, height=0.7, color=colour[int(r["m"])],
                    edgecolor="none")
        for r in steals:
            ax.plot(int(r["begin_ns"]) / 1e3, int(r["p"]) + 0.45, marker="v", color=theme.fg,
                    markersize=6, linestyle="none")
        for m in ms:
            ax.barh(-10, 0, color=colour[m], label=f"M{m}")
        ax.plot([], [], marker="v", color=theme.fg, linestyle="none", label="steal")
        ax.set_ylim(-0.6, max(ps) + 0.9)
        ax.set_yticks(ps)
        ax.set_yticklabels([f"P{p}" for p in ps])
        ax.invert_yaxis()
        ax.set_xlabel("microseconds since the run began")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), fontsize=8,
                  ncol=min(len(ms) + 1, 6), frameon=False)
        ax.grid(axis="x")
        ax.set_axisbelow(True)

    return draw


def draw_versus(rows):
    order = ["pingpong", "skynet", "buffered", "sieve", "spawn", "memory"]
    labels = {"pingpong": "ping-pong\n(ns/msg)", "skynet": "skynet\n(ms)",
              "buffered": "buffered\n(ns/item)", "sieve": "sieve\n(ms)",
              "spawn": "spawn+wait\n(ns)", "memory": "memory\n(bytes/G)"}
    vals = {}
    for r in rows:
        vals.setdefault((r["workload"], r["impl"]), []).append(float(r["value"]))
    present = [w for w in order if (w, "book") in vals]

    def draw(fig, theme):
        ax = fig.add_subplot(1, 1, 1)
        width = 0.38
        for k, (impl, name) in enumerate([("book", "book (C++)"), ("go", "Go 1.19")]):
            xs, meds, lo, hi = [], [], [], []
            for i, w in enumerate(present):
                if (w, impl) not in vals:
                    continue
                ref = statistics.median(vals.get((w, "go"), vals[(w, "book")]))
                v = vals[(w, impl)]
                m = statistics.median(v) / ref
                xs.append(i + (k - 0.5) * width)
                meds.append(m)
                lo.append(m - min(v) / ref)
                hi.append(max(v) / ref - m)
            if not xs:
                continue
            ax.bar(xs, meds, width=width, color=theme.palette[2 if impl == "book" else 0],
                   label=name)
            ax.errorbar(xs, meds, yerr=[lo, hi], fmt="none", ecolor=theme.fg, elinewidth=1,
                        capsize=3)
            if impl == "book":
                for x, m in zip(xs, meds):
                    ax.text(x, m + max(hi) * 0.1 + 0.03, f"{m:.2f}x", ha="center",
                            fontsize=8, color=theme.fg)
        ax.axhline(1.0, color=theme.muted, linewidth=1, linestyle="--")
        ax.set_xticks(range(len(present)))
        ax.set_xticklabels([labels[w] for w in present], fontsize=8)
        ax.set_ylabel("median / Go's median\n(lower: faster or smaller)")
        ax.legend(fontsize=8, frameon=False)
        ax.grid(axis="y")
        ax.set_axisbelow(True)

    return draw


def main():
    name, stem, data = bookplot.data_args()
    if name == "trace":
        rows = bookplot.read_csv(data["steal_trace:trace.csv"])
        bookplot.draw_both(draw_trace(rows), stem, figsize=(7.5, 3.0))
    elif name == "versus":
        rows = bookplot.read_csv(data["versus:versus.csv"])
        bookplot.draw_both(draw_versus(rows), stem, figsize=(7.5, 3.4))
    else:
        sys.exit(f"09-goroutines.py: unknown figure {name}")


if __name__ == "__main__":
    main()
