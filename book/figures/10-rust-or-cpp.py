"""Figures of chapter 10 (Rust or C++), drawn from the captured run's own CSV file.

compare: the same workloads in C++ and in Rust (the counters in two placements), one panel
per workload, three panels a row; bars are medians over the interleaved rounds, whiskers
run from min to max.
"""
import math
import textwrap

import bookplot


def main():
    name, stem, data = bookplot.data_args()
    if name != "compare":
        raise SystemExit(f"10-rust-or-cpp.py: unknown figure {name}")
    rows = bookplot.read_csv(data["compare:compare.csv"])
    groups = []
    for r in rows:
        if r["group"] not in groups:
            groups.append(r["group"])

    def draw(fig, theme):
        cols = min(len(groups), 3)
        grid = fig.subplots(math.ceil(len(groups) / cols), cols, squeeze=False)
        axes = [ax for row in grid for ax in row]
        for ax in axes[len(groups):]:
            ax.set_visible(False)
        colour = {"C++": theme.palette[0], "Rust": theme.palette[1]}
        for ax, group in zip(axes, groups):
            mine = [r for r in rows if r["group"] == group]
            med = [float(r["median_ms"]) for r in mine]
            lo = [m - float(r["min_ms"]) for m, r in zip(med, mine)]
            hi = [float(r["max_ms"]) - m for m, r in zip(med, mine)]
            x = list(range(len(mine)))
            ax.bar(x, med, color=[colour[r["language"]] for r in mine], yerr=[lo, hi],
                   ecolor=theme.fg, capsize=3, width=0.65)
            ax.set_xticks(x)
            ax.set_xticklabels([tick(r["label"]) for r in mine], fontsize=7)
            ax.set_title(group, color=theme.fg, fontsize=10)
            ax.set_ylim(bottom=0)
            ax.grid(axis="y")
            ax.set_axisbelow(True)
            for xi, m in zip(x, med):
                ax.annotate(f"{m:.1f}", (xi, m), xytext=(0, 3), textcoords="offset points",
                            ha="center", color=theme.fg, fontsize=7)
        for row in grid:
            row[0].set_ylabel("ms per run (median, min-max)")

    rows_of_panels = math.ceil(len(groups) / min(len(groups), 3))
    bookplot.draw_both(draw, stem, figsize=(10.0, 3.6 * rows_of_panels))


def tick(label):
    """'C++ book BoundedQueue' -> 'C++' over the rest, wrapped to short lines."""
    language, _, rest = label.partition(" ")
    return language + "\n" + "\n".join(textwrap.wrap(rest, 12, break_long_words=False))


if __name__ == "__main__":
    main()
