"""Figures of chapter 2 (Threads), drawn from the captured run's CSV files.

share: for busy threads on all allowed CPUs and on one CPU, (1) the fraction of its wall time each thread
       spent on a CPU against the fair share min(1, CPUs/threads), (2) how many CPUs' worth of time the
       whole batch got against min(threads, CPUs), and (3) how many times each thread was preempted.
       Medians with min-max whiskers.
"""
import bookplot


def draw_share(rows):
    groups = {}
    for r in rows:
        groups.setdefault(int(r["cpus"]), []).append(r)
    # The group with the most CPUs first: "all allowed CPUs", then "one CPU" (one group if only one CPU is allowed).
    order = sorted(groups, reverse=True)

    def per_cpu(r):
        return int(r["threads"]) / int(r["cpus"])

    def draw(fig, theme):
        share_ax, used_ax, pre_ax = (fig.add_subplot(1, 3, k) for k in (1, 2, 3))
        xs_all = sorted({per_cpu(r) for r in rows})
        share_ax.plot(xs_all, [min(1.0, 1.0 / x) for x in xs_all], color=theme.muted, linestyle="--", linewidth=1.5,
                      label="fair share")
        for i, cpus in enumerate(order):
            rs = sorted(groups[cpus], key=per_cpu)
            x = [per_cpu(r) for r in rs]
            blue = 4 if theme.name == "light" else 1  # dark blue is too dark on the dark background
            colour = theme.palette[(blue, 0)[i % 2]]
            marker = ("o", "s")[i % 2]
            label = f"{cpus} CPU" + ("s" if cpus > 1 else "") + (" (all)" if i == 0 and len(order) > 1 else "")
            used_ax.plot(x, [min(int(r["threads"]), cpus) for r in rs], color=colour, linestyle="--", linewidth=1.2,
                         alpha=0.8)
            for ax, key in ((share_ax, "share"), (used_ax, "used"), (pre_ax, "preempted")):
                med = [float(r[key + "_median"]) for r in rs]
                lo = [m - float(r[key + "_min"]) for m, r in zip(med, rs)]
                hi = [float(r[key + "_max"]) - m for m, r in zip(med, rs)]
                ax.errorbar(x, med, yerr=[lo, hi], color=colour, marker=marker, capsize=3, label=label)
        for ax in (share_ax, used_ax, pre_ax):
            ax.set_xscale("log", base=2)
            ax.set_xticks(xs_all)
            ax.set_xticklabels([f"{x:g}" for x in xs_all])
            ax.set_xlabel("busy threads per allowed CPU")
            ax.grid(True)
            ax.set_axisbelow(True)
            ax.set_ylim(bottom=0)
        share_ax.set_ylim(0, 1.08)
        share_ax.set_title("share: CPU time / wall time\nper thread", fontsize=10)
        used_ax.set_ylim(0, max(order) * 1.15)
        used_ax.set_title("CPUs' worth of time the batch got\n(dashed: min(threads, CPUs))", fontsize=10)
        pre_ax.set_title("involuntary context switches\nper thread", fontsize=10)
        share_ax.legend(loc="upper right", fontsize=8)  # shares there are at most 1/2: the corner stays empty

    return draw


def main():
    name, stem, data = bookplot.data_args()
    if name == "share":
        bookplot.draw_both(draw_share(bookplot.read_csv(data["oversubscribe:share.csv"])), stem, figsize=(10.0, 3.8))
    else:
        raise SystemExit(f"02-threads.py: unknown figure {name!r}")


if __name__ == "__main__":
    main()
