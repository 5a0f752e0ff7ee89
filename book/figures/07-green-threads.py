"""Figures of chapter 7 (Green threads), drawn from the captured runs' CSV files.

cost: ns per round trip (two switches) for the book's switch with both endings, Boost.Context,
      swapcontext and two OS threads on one CPU; median bars with min-max whiskers, log scale
      (switch_cost:cost.csv).
"""
import sys

import bookplot


def draw_cost(rows):
    def draw(fig, theme):
        ax = fig.add_subplot(1, 1, 1)
        names = [r["label"] for r in rows]
        med = [float(r["median_ns"]) for r in rows]
        lo = [m - float(r["min_ns"]) for m, r in zip(med, rows)]
        hi = [float(r["max_ns"]) - m for m, r in zip(med, rows)]
        y = list(range(len(rows)))[::-1]
        colours = [theme.palette[i] for i in (2, 0, 4, 6, 5, 1, 3)][: len(rows)]
        boost = next((float(r["median_ns"]) for r in rows if r["key"] == "green.switch.boost"), None)
        left = min(float(r["min_ns"]) for r in rows) / 2
        ax.barh(y, [m - left for m in med], left=left, color=colours, height=0.6)
        ax.errorbar(med, y, xerr=[lo, hi], fmt="none", ecolor=theme.fg, elinewidth=1, capsize=3)
        for yi, m, r in zip(y, med, rows):
            text = f"{m:,.1f} ns"
            if boost:
                text += f"  ({m / boost:.2f}x Boost)"
            ax.text(float(r["max_ns"]) * 1.15, yi, text, va="center", fontsize=9, color=theme.fg)
        ax.set_yticks(y)
        ax.set_yticklabels(names)
        ax.set_xscale("log")
        ax.set_xlim(left, max(float(r["max_ns"]) for r in rows) * 40)
        ax.set_xlabel("ns per round trip (two switches), log scale; bar = median, whiskers = min-max")
        ax.grid(axis="x")
        ax.set_axisbelow(True)

    return draw


def main():
    name, stem, data = bookplot.data_args()
    if name == "cost":
        rows = bookplot.read_csv(data["switch_cost:cost.csv"])
        bookplot.draw_both(draw_cost(rows), stem, figsize=(7.5, 3.2))
    else:
        sys.exit(f"07-green-threads.py: unknown figure {name}")


if __name__ == "__main__":
    main()
