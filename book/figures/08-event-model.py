"""Figures of chapter 8 (The JavaScript event model), drawn from the captured runs' CSV files.

phases:   the phases of one turn of the loop as lanes, and the lines two ordering scripts printed placed in
          the phase that printed them, turn after turn (ordering:phases.csv).
lateness: how late a 1 ms timer fires behind a blocking callback, on the loop and offloaded to a worker;
          median with min-max whiskers (lateness:lateness.csv).
servers:  server CPU time per echoed message and throughput for each server at each connection count;
          median bars with min-max whiskers (echo_bench:echo.csv).
"""
import statistics

import bookplot

PHASES = ["main", "timers", "pending", "poll", "check", "close"]
SERVERS = [("loop", "book loop"), ("uv", "libuv"), ("asio", "Boost.Asio"), ("uring", "io_uring"),
           ("node", "Node.js"), ("threads", "threads")]


def draw_phases(rows):
    scripts = ["immediate_io", "nested"]

    def draw(fig, theme):
        axes = fig.subplots(1, len(scripts), sharey=True)
        for ax, (si, script) in zip(axes, enumerate(scripts)):
            rs = [r for r in rows if r["script"] == script]
            # The turn the line was printed in (the main script counts as turn 0, before any turn).
            x = [0 if r["phase"] == "main" else int(r["turn"]) + 1 for r in rs]
            seen = {}
            for r, xi in zip(rs, x):
                lane = PHASES.index(r["phase"])
                k = seen.get((xi, lane), 0)
                seen[(xi, lane)] = k + 1
                y = len(PHASES) - 1 - lane
                colour = theme.palette[(4, 0, 2, 5, 6, 1)[lane]]
                ax.plot([xi], [y], "o", color=colour, markersize=6)
                # Labels of one dot stack downwards; neighbouring turns start above and below.
                lift = (0.18 if xi % 2 == 0 else -0.18) - 0.26 * k
                ax.text(xi + 0.08, y + lift, r["text"], fontsize=7, color=theme.fg, va="center")
            ax.set_title(f"{script}.cjs on the book's loop", fontsize=9, color=theme.fg)
            ax.set_xlim(-0.3, max(x) + 1.6 if x else 1)
            ax.set_xticks(range(0, (max(x) if x else 0) + 1))
            ax.set_xlabel("turn of the loop (0: the main script)")
            ax.grid(axis="y")
            ax.set_axisbelow(True)
        axes[0].set_yticks(range(len(PHASES)))
        axes[0].set_yticklabels(list(reversed(PHASES)))
        axes[0].set_ylim(-1.2, len(PHASES) - 0.5)

    return draw


def draw_lateness(rows):
    blocks = sorted({float(r["block_ms"]) for r in rows})

    def draw(fig, theme):
        ax = fig.add_subplot(1, 1, 1)
        for i, (mode, label) in enumerate([("loop", "blocking work on the loop's thread"),
                                           ("offload", "the same work on a worker thread")]):
            med, lo, hi = [], [], []
            for b in blocks:
                v = [float(r["late_ms"]) for r in rows if r["mode"] == mode and float(r["block_ms"]) == b]
                m = statistics.median(v)
                med.append(m)
                lo.append(m - min(v))
                hi.append(max(v) - m)
            xs = [b + (i - 0.5) * 0.4 for b in blocks]
            ax.errorbar(xs, med, yerr=[lo, hi], fmt="o-", color=theme.palette[(5, 2)[i]], capsize=3, label=label)
        ax.plot([0, max(blocks)], [-1, max(blocks) - 1], linestyle=":", color=theme.muted,
                label="block time minus the timer's 1 ms")
        ax.set_xlabel("ms of synchronous work after setting a 1 ms timer")
        ax.set_ylabel("ms the timer fired late (median, min-max)")
        ax.set_ylim(bottom=-1)
        ax.grid(True)
        ax.legend(fontsize=8, frameon=False)

    return draw


def draw_servers(rows):
    names = [(k, l) for k, l in SERVERS if any(r["server"] == k for r in rows)]
    counts = sorted({int(r["conns"]) for r in rows})

    def draw(fig, theme):
        axes = fig.subplots(1, 2)
        for ax, (field, label, scale) in zip(axes, [("cpu_ns_per_msg", "server CPU µs per message", 1e-3),
                                                     ("msgs_per_s", "thousand messages per second", 1e-3)]):
            width = 0.8 / len(names)
            for i, (key, name) in enumerate(names):
                med, lo, hi = [], [], []
                for c in counts:
                    v = [float(r[field]) * scale for r in rows if r["server"] == key and int(r["conns"]) == c]
                    m = statistics.median(v) if v else 0
                    med.append(m)
                    lo.append(m - min(v) if v else 0)
                    hi.append(max(v) - m if v else 0)
                xs = [j + (i - (len(names) - 1) / 2) * width for j in range(len(counts))]
                ax.bar(xs, med, width=width, color=theme.palette[(4, 0, 2, 6, 1, 5)[i % 6]], label=name)
                ax.errorbar(xs, med, yerr=[lo, hi], fmt="none", ecolor=theme.fg, elinewidth=0.8, capsize=2)
            ax.set_xticks(range(len(counts)))
            ax.set_xticklabels([f"{c} conn" for c in counts])
            ax.set_ylabel(label)
            ax.grid(axis="y")
            ax.set_axisbelow(True)
        axes[0].legend(fontsize=7, frameon=False)

    return draw


def main():
    name, stem, data = bookplot.data_args()
    if name == "phases":
        bookplot.draw_both(draw_phases(bookplot.read_csv(data["ordering:phases.csv"])), stem, figsize=(9.0, 3.8))
    elif name == "lateness":
        bookplot.draw_both(draw_lateness(bookplot.read_csv(data["lateness:lateness.csv"])), stem,
                           figsize=(7.0, 3.6))
    elif name == "servers":
        bookplot.draw_both(draw_servers(bookplot.read_csv(data["echo_bench:echo.csv"])), stem, figsize=(9.0, 3.6))
    else:
        raise SystemExit(f"08-event-model.py: unknown figure {name}")


if __name__ == "__main__":
    main()
