"""Figures of chapter 3, drawn from the chapter's own captured runs.

timeline   which task ran on which CPU and when, one-CPU run above the all-CPUs run (from timeline:trace.json)
amdahl     measured speedup of the fixed problem against Amdahl's law (from scaling:speedup.csv)
gustafson  measured scaled speedup against Gustafson's law (from scaling:speedup.csv)
"""
import json
import re
import sys

import bookplot
from matplotlib.patches import Patch


def cpu_list(text):
    """'{0-3,6}' -> [0, 1, 2, 3, 6]"""
    m = re.search(r"\{([\d,\-]*)\}", text)
    cpus = []
    for part in filter(None, m.group(1).split(",")) if m else []:
        lo, _, hi = part.partition("-")
        cpus.extend(range(int(lo), int(hi or lo) + 1))
    return cpus


def load_trace(path):
    with open(path) as f:
        events = json.load(f)["traceEvents"]
    runs = {}
    for e in events:
        run = runs.setdefault(e["pid"], {"name": "", "tasks": set(), "spans": []})
        if e["ph"] == "M" and e["name"] == "process_name":
            run["name"] = e["args"]["name"]
        elif e["ph"] == "M" and e["name"] == "thread_name":
            run["tasks"].add(e["tid"] - 1)
        elif e["ph"] == "X":
            run["spans"].append((e["tid"] - 1, e["args"]["cpu"], e["ts"] / 1e3, e["dur"] / 1e3))
    return [runs[pid] for pid in sorted(runs)]


def draw_timeline(path, stem):
    runs = load_trace(path)
    lanes_of = []
    for run in runs:
        used = sorted({cpu for _, cpu, _, _ in run["spans"]})
        mask = cpu_list(run["name"])
        lanes_of.append(mask if 0 < len(mask) <= 16 else used)
    tasks = max(max(run["tasks"], default=0) for run in runs) + 1
    end = max((ts + dur for run in runs for _, _, ts, dur in run["spans"]), default=1.0)
    heights = [max(len(lanes), 1) + 0.8 for lanes in lanes_of]

    def draw(fig, theme):
        axes = fig.subplots(len(runs), 1, sharex=True, gridspec_kw={"height_ratios": heights})
        if len(runs) == 1:
            axes = [axes]
        for ax, run, lanes in zip(axes, runs, lanes_of):
            row = {cpu: i for i, cpu in enumerate(lanes)}
            for task, cpu, ts, dur in run["spans"]:
                if cpu not in row:
                    continue
                colour = theme.palette[task % len(theme.palette)]
                # a minimum width keeps very short stretches visible
                ax.broken_barh([(ts, max(dur, end / 1500))], (row[cpu] - 0.4, 0.8), facecolors=colour, edgecolors="none")
            ax.set_yticks(range(len(lanes)))
            ax.set_yticklabels([f"CPU {c}" for c in lanes])
            ax.set_ylim(len(lanes) - 0.5, -0.5)
            ax.set_title(run["name"], loc="left", fontsize=10, color=theme.fg)
            ax.grid(True, axis="x")
            ax.set_xlim(0, end * 1.01)
        axes[-1].set_xlabel("time since the run's threads were created (ms)")
        handles = [Patch(facecolor=theme.palette[t % len(theme.palette)], label=f"task {t}") for t in range(tasks)]
        axes[0].legend(handles=handles, ncol=min(tasks, 8), loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=9,
                       handlelength=1.2, columnspacing=1.0)

    total_lanes = sum(heights)
    bookplot.draw_both(draw, stem, figsize=(7.0, 1.2 + 0.45 * total_lanes))


def draw_speedup(path, stem, experiment):
    rows = [r for r in bookplot.read_csv(path) if r["experiment"] == experiment]
    n = [int(r["threads"]) for r in rows]
    s = [float(r["speedup"]) for r in rows]
    lo = [float(r["speedup_low"]) for r in rows]
    hi = [float(r["speedup_high"]) for r in rows]
    pred = [float(r["predicted"]) for r in rows]
    busy = [float(r["cpus_busy"]) for r in rows]
    obtained = [b / busy[0] for b in busy] if busy and busy[0] > 0 else []
    cpus = int(rows[0]["cpus"])
    law = "Amdahl" if experiment == "fixed" else "Gustafson"

    def draw(fig, theme):
        ax = fig.subplots()
        ax.plot(n, n, linestyle=":", color=theme.muted, label="threads (no serial part, a CPU per thread)")
        ax.plot(n, pred, marker="s", markersize=4, color=theme.palette[5],
                label=f"{law}'s law, measured serial fraction, min(threads, {cpus}) CPUs")
        measured = theme.palette[1] if theme.name == "dark" else theme.palette[4]
        err = [[max(v - l, 0) for v, l in zip(s, lo)], [max(h - v, 0) for v, h in zip(s, hi)]]
        ax.errorbar(n, s, yerr=err, marker="o", linestyle="-", color=measured, ecolor=measured, capsize=3,
                    label="measured: median, bars min..max")
        if obtained:
            ax.plot(n, obtained, linestyle="-", linewidth=5, alpha=0.45, color=theme.palette[2], zorder=1,
                    label="CPUs obtained: busy(n) / busy(1), about the most the speedup can be")
        ax.axvline(cpus, color=theme.muted, linestyle="--", linewidth=1)
        ax.annotate(f"{cpus} CPU{'s' if cpus > 1 else ''} in the mask", xy=(cpus, 0.02), xycoords=("data", "axes fraction"),
                    xytext=(4, 0), textcoords="offset points", color=theme.fg, fontsize=9)
        ax.set_xlabel("threads")
        ax.set_ylabel("speedup" if experiment == "fixed" else "scaled speedup")
        ax.set_xticks(n)
        ax.set_ylim(0, max(max(n), max(hi), max(obtained, default=0)) * 1.08)
        ax.grid(True)
        # Below the plot, never over the data (the curves fill the upper left on a machine with many CPUs).
        ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.16), ncol=1, fontsize=8)

    bookplot.draw_both(draw, stem, figsize=(7.0, 5.0))


def main():
    name, stem, data = bookplot.data_args()
    if name == "timeline":
        draw_timeline(data["timeline:trace.json"], stem)
    elif name == "amdahl":
        draw_speedup(data["scaling:speedup.csv"], stem, "fixed")
    elif name == "gustafson":
        draw_speedup(data["scaling:speedup.csv"], stem, "scaled")
    else:
        sys.exit(f"unknown figure {name}")


if __name__ == "__main__":
    main()
