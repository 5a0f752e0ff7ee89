"""Figures of chapter 5, Inside synchronisation: lock cost by thread count, fairness, and a priority-inversion timeline."""
import statistics

import bookplot

name, stem, data = bookplot.data_args()


def lockcost(fig, theme):
    rows = bookplot.read_csv(data["lockcost:cost.csv"])
    locks = list(dict.fromkeys(r["lock"] for r in rows))
    cpus = int(rows[0]["cpus"])
    xs = sorted({int(r["threads"]) for r in rows})
    markers = ["o", "s", "^", "D", "P", "v"]
    colours = [theme.palette[i] for i in (0, 1, 2, 4, 6, 5)]
    panels = [("wall", "wall time per acquisition"), ("cpu", "CPU time per acquisition")]
    axes = []
    for p, (key, title) in enumerate(panels):
        ax = fig.add_subplot(1, 2, p + 1, sharey=axes[0] if axes else None)
        axes.append(ax)
        for i, lock in enumerate(locks):
            mine = [r for r in rows if r["lock"] == lock]
            x = [int(r["threads"]) for r in mine]
            med = [float(r[f"{key}_median_ns"]) for r in mine]
            lo = [m - float(r[f"{key}_min_ns"]) for m, r in zip(med, mine)]
            hi = [float(r[f"{key}_max_ns"]) - m for m, r in zip(med, mine)]
            ax.errorbar(x, med, yerr=[lo, hi], label=lock, color=colours[i % len(colours)], marker=markers[i % len(markers)],
                        capsize=3, linewidth=1.5, markersize=4)
        ax.axvline(cpus, color=theme.muted, linestyle="--", linewidth=1)
        ax.text(cpus, 0.02, f" {cpus} CPUs", color=theme.fg, va="bottom", ha="left",
                transform=ax.get_xaxis_transform(), fontsize=8)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks(xs)
        ax.set_xticklabels([str(v) for v in xs])
        ax.set_xlabel("threads taking the same lock")
        ax.set_title(title, fontsize=9)
        ax.grid(True, which="major")
    axes[0].set_ylabel("ns per acquisition (log)")
    axes[0].legend(fontsize=7, loc="upper left")


def fairness(fig, theme):
    rows = bookplot.read_csv(data["fairness:fairness.csv"])
    locks = list(dict.fromkeys(r["lock"] for r in rows))
    ranks = sorted({int(r["rank"]) for r in rows})
    left = fig.add_subplot(1, 2, 1)
    right = fig.add_subplot(1, 2, 2)
    width = 0.8 / len(ranks)
    for k in ranks:
        med, lo, hi = [], [], []
        for lock in locks:
            windows = sorted({int(r["window"]) for r in rows if r["lock"] == lock})
            shares = []
            for w in windows:
                wr = [r for r in rows if r["lock"] == lock and int(r["window"]) == w]
                total = sum(int(r["count"]) for r in wr)
                mine = [int(r["count"]) for r in wr if int(r["rank"]) == k][0]
                shares.append(100.0 * mine / total if total else 0.0)
            m = statistics.median(shares)
            med.append(m)
            lo.append(m - min(shares))
            hi.append(max(shares) - m)
        xs = [i + (k - 1 - (len(ranks) - 1) / 2) * width for i in range(len(locks))]
        left.bar(xs, med, width=width, yerr=[lo, hi], capsize=2, color=theme.palette[(k - 1) % 8],
                 label=f"rank {k}", ecolor=theme.fg)
    left.axhline(100.0 / len(ranks), color=theme.muted, linestyle="--", linewidth=1)
    left.set_xticks(range(len(locks)))
    left.set_xticklabels(locks, fontsize=8)
    left.set_ylabel("share of acquisitions (%)")
    left.set_title("per thread, most-served first", fontsize=9)
    left.legend(fontsize=7, loc="upper center")
    for i, lock in enumerate(locks):
        per_window = {}
        for r in rows:
            if r["lock"] == lock:
                per_window[int(r["window"])] = max(1, int(r["longest_pass_over"]))
        vals = list(per_window.values())
        m = statistics.median(vals)
        right.bar([i], [m], yerr=[[m - min(vals)], [max(vals) - m]], capsize=3, color=theme.palette[[5, 4, 2][i % 3]],
                  ecolor=theme.fg)
    right.set_yscale("log")
    right.set_xticks(range(len(locks)))
    right.set_xticklabels(locks, fontsize=8)
    right.set_ylabel("longest pass-over (grants, log)")
    right.set_title("a waiting thread skipped this often in a row", fontsize=9)
    right.grid(True, axis="y")


def inversion(fig, theme):
    # A schematic (not measured): who runs on one CPU over time, without and with priority inheritance.
    c_low, c_mid, c_high, c_block = theme.palette[4], theme.palette[0], theme.palette[5], theme.muted
    axes = [fig.add_subplot(2, 1, 1), fig.add_subplot(2, 1, 2)]
    rows = {"H (high)": 2, "M (medium)": 1, "L (low)": 0}
    plans = [
        ("without priority inheritance: H waits for M, a thread it does not even share a lock with", [
            ("L (low)", 0, 2, c_low, "runs, takes lock"), ("H (high)", 2, 1, c_high, "runs"),
            ("H (high)", 3, 8, c_block, "blocked on L's lock"), ("M (medium)", 3.2, 6.8, c_mid, "wakes, preempts L; runs long"),
            ("L (low)", 10, 1, c_low, "unlock"), ("H (high)", 11, 2, c_high, "gets lock"),
        ]),
        ("with PTHREAD_PRIO_INHERIT: L runs at H's priority until it unlocks", [
            ("L (low)", 0, 2, c_low, "runs, takes lock"), ("H (high)", 2, 1, c_high, "runs"),
            ("H (high)", 3, 1, c_block, "waits"), ("L (low)", 3, 1, c_high, "unlock"),
            ("H (high)", 4, 2, c_high, "gets lock"), ("M (medium)", 6, 6.8, c_mid, "runs after H"),
        ]),
    ]
    for ax, (title, bars) in zip(axes, plans):
        for who, start, length, colour, label in bars:
            y = rows[who]
            hatch = "//" if colour == c_block else None
            ax.broken_barh([(start, length)], (y - 0.35, 0.7), facecolors=colour, edgecolor=theme.fg, linewidth=0.5,
                           hatch=hatch, alpha=0.9 if colour != c_block else 0.4)
            ax.text(start + length / 2, y, label, ha="center", va="center", fontsize=7,
                    color="#000000" if colour != c_block else theme.fg)
        if "INHERIT" in title:  # the boost, said beside the short bar it explains (in the theme's ink)
            ax.annotate("← boosted to H's priority", xy=(4.0, rows["L (low)"]), xytext=(4.15, rows["L (low)"]),
                        va="center", fontsize=7, color=theme.fg)
        ax.set_yticks(list(rows.values()))
        ax.set_yticklabels(list(rows.keys()), fontsize=8)
        ax.set_xlim(0, 13.2)
        ax.set_ylim(-0.6, 2.6)
        ax.set_xticks([])
        ax.set_title(title, fontsize=9)
    axes[1].set_xlabel("time (one CPU) →")


draw = {"lockcost": lockcost, "fairness": fairness, "inversion": inversion}[name]
bookplot.draw_both(draw, stem, figsize=(7.0, 4.2) if name != "lockcost" else (7.5, 3.9))
