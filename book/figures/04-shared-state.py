"""Figures of chapter 4 (shared state), drawn from the captured run's own CSV files.

costs: the cost per increment of four correct ways to count into one total, and of two counters on one
cache line versus padded apart; bars are medians, whiskers run from min to max.
"""
import bookplot


def bars(ax, theme, rows, label_key, title, colours):
    names = [r[label_key] for r in rows]
    med = [float(r["median_ns"]) for r in rows]
    lo = [m - float(r["min_ns"]) for m, r in zip(med, rows)]
    hi = [float(r["max_ns"]) - m for m, r in zip(med, rows)]
    y = list(range(len(rows)))[::-1]
    ax.barh(y, med, color=colours, xerr=[lo, hi], ecolor=theme.fg, capsize=3, height=0.6)
    ax.set_yticks(y)
    ax.set_yticklabels(names)
    ax.set_xlabel("ns per increment (median, min-max)")
    ax.set_title(title, color=theme.fg, fontsize=10)
    ax.grid(axis="x")
    ax.set_axisbelow(True)
    for yi, m in zip(y, med):
        ax.annotate(f"{m:.2f}", (m, yi), xytext=(4, 6), textcoords="offset points", color=theme.fg, fontsize=8)


def main():
    name, stem, data = bookplot.data_args()
    if name != "costs":
        raise SystemExit(f"04-shared-state.py: unknown figure {name}")
    costs = bookplot.read_csv(data["costs:costs.csv"])
    sharing = bookplot.read_csv(data["false_sharing:false_sharing.csv"])

    def draw(fig, theme):
        left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.4, 1]})
        bars(left, theme, costs, "way", "Counting into one total (2 threads)", [theme.palette[i] for i in (0, 1, 2, 4)])
        bars(right, theme, sharing, "layout", "Two private counters", [theme.palette[5], theme.palette[2]])

    bookplot.draw_both(draw, stem, figsize=(9.0, 3.4))


if __name__ == "__main__":
    main()
