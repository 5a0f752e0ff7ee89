"""Figures of chapter 12: the cost ladder (from every chapter's cost files, through report.py's
ladder.csv), Python's GIL measured, and the decision guide (graphviz)."""
import statistics
import subprocess

import bookplot

name, stem, data = bookplot.data_args()


def ladder():
    rows = bookplot.read_csv(data["report:ladder.csv"])
    chapters = sorted({r["chapter"] for r in rows})

    def draw(fig, theme):
        ax = fig.add_subplot(1, 1, 1)
        if not rows:  # a partial build without any chapter that measures a rung
            ax.text(0.5, 0.5, "no rung of the ladder in this build", ha="center", va="center")
            ax.set_axis_off()
            return
        colour = {c: theme.palette[i % len(theme.palette)] for i, c in enumerate(chapters)}
        ys = range(len(rows))
        for y, r in zip(ys, rows):
            med, lo, hi = float(r["median_ns"]), float(r["min_ns"]), float(r["max_ns"])
            ax.barh(y, med, color=colour[r["chapter"]], height=0.7)
            ax.plot([lo, hi], [y, y], color=theme.fg, linewidth=1)
            ax.text(hi * 1.25, y, f"{med:.3g} ns" if med < 1000 else f"{med / 1000:.3g} us",
                    va="center", fontsize=7, color=theme.fg)
        ax.set_xscale("log")
        ax.set_yticks(list(ys))
        ax.set_yticklabels([f"{r['what']}  [{int(r['chapter'][:2])}]" for r in rows], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel("nanoseconds, logarithmic (bar: median; line: min to max)")
        ax.grid(axis="x", which="major")
        ax.set_xlim(right=max(float(r["max_ns"]) for r in rows) * 12)

    bookplot.draw_both(draw, stem, figsize=(8.0, 0.28 * max(len(rows), 3) + 1.4))


def gil():
    rows = bookplot.read_csv(data["gil:gil.csv"])
    by = {}
    for r in rows:
        by.setdefault(r["alternative"], []).append(float(r["ms"]))
    groups = [("CPU-bound", ["cpu.serial", "cpu.threads", "cpu.processes"]),
              ("I/O-bound", ["io.serial", "io.threads"])]
    labels = {"cpu.serial": "one thread", "cpu.threads": "threads", "cpu.processes": "processes",
              "io.serial": "one thread", "io.threads": "threads"}
    colours = {"one thread": 7, "threads": 1, "processes": 2}

    def draw(fig, theme):
        for i, (title, names) in enumerate(groups):
            ax = fig.add_subplot(1, 2, i + 1)
            for x, n in enumerate(names):
                v = by[n]
                med = statistics.median(v)
                ax.bar(x, med, color=theme.palette[colours[labels[n]]], width=0.6)
                ax.plot([x, x], [min(v), max(v)], color=theme.fg, linewidth=1)
                ax.text(x, med, f"{med:.0f}", ha="center", va="bottom", fontsize=8)
            ax.set_xticks(range(len(names)))
            ax.set_xticklabels([labels[n] for n in names])
            ax.set_title(title, fontsize=10)
            ax.set_ylabel("milliseconds (median; line: min to max)")
            ax.grid(axis="y")

    bookplot.draw_both(draw, stem, figsize=(7.5, 3.4))


# [decision]
# Questions (boxes) and models (filled leaves); each leaf names the chapter that shows the model.
# No links inside the SVG: a figure shown as an image cannot follow them, and the EPUB has no such
# pages; the list under the figure on the page links each leaf's chapter.
QUESTIONS = {
    "q1": "Does the work outgrow\none machine?",
    "q2": "Must a crash or a bug in one\ntask not take down the others?",
    "q3": "Is it CPU-bound?",
    "q4": "Thousands of tasks\nor more at once?",
    "q6": "Does a task block in\ncalls you cannot change?",
}
LEAVES = {
    "mpi": ("MPI ranks", "11", "11-parallelism"),
    "proc": ("processes", "1", "01-processes"),
    "pool": ("a thread pool, parallel\nalgorithms, OpenMP, TBB", "11", "11-parallelism"),
    "threads": ("a few threads", "2", "02-threads"),
    "loop": ("an event loop with\ncoroutines", "8, 6", "08-event-model"),
    "mn": ("M:N green threads\n(goroutines)", "9, 7", "09-goroutines"),
    "threads2": ("threads, one per task\n(or a pool of them)", "2", "02-threads"),
}
EDGES = [("q1", "mpi", "yes"), ("q1", "q2", "no"), ("q2", "proc", "yes"), ("q2", "q3", "no"),
         ("q3", "pool", "yes"), ("q3", "q4", "no: it mostly waits\n(network, disk, timers)"),
         ("q4", "q6", "yes"), ("q4", "threads", "no: a few"),
         ("q6", "threads2", "yes"), ("q6", "loop", "no,\none core"), ("q6", "mn", "no,\nall cores")]


def dot_source(theme):
    fg, muted = theme.fg, theme.muted
    accent = theme.palette[4] if theme.name == "light" else theme.palette[1]
    leaf_fill = theme.palette[2]
    lines = ["digraph decision {", 'bgcolor="transparent"; rankdir=TB; nodesep=0.25; ranksep=0.35;',
             f'node [fontname="Helvetica", fontsize=11, color="{muted}", fontcolor="{fg}"];',
             f'edge [fontname="Helvetica", fontsize=10, color="{muted}", fontcolor="{fg}"];']
    for key, text in QUESTIONS.items():
        label = text.replace("\n", "\\n")
        lines.append(f'{key} [shape=box, style="rounded", color="{accent}", penwidth=1.4, label="{label}"];')
    for key, (text, chapters, slug) in LEAVES.items():
        label = text.replace("\n", "\\n") + f"\\n(chapter {chapters})"
        lines.append(f'{key} [shape=box, style="rounded,filled", fillcolor="{leaf_fill}", '
                     f'fontcolor="#000000", color="{leaf_fill}", label="{label}"];')
    for a, b, text in EDGES:
        lines.append(f'{a} -> {b} [label="{text.replace(chr(10), chr(92) + "n")}"];')
    lines.append("}")
    return "\n".join(lines)


def decision():
    for theme in (bookplot.LIGHT, bookplot.DARK):
        svg = subprocess.run(["dot", "-Tsvg"], input=dot_source(theme), capture_output=True, text=True,
                             check=True).stdout
        with open(f"{stem}-{theme.name}.svg", "w") as f:
            f.write(svg)
# [/decision]


{"ladder": ladder, "gil": gil, "decision": decision}[name]()
