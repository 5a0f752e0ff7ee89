#!/usr/bin/env python3
"""Every cost the book measured on one ladder; the book's runtimes against production's.

Reads build/costs/index.json (the build's gathered cost files) and rungs.json (which keys
are rungs, which pairs the appendix compares, the models table's numeric cells and the
post's claims); prints them and writes CSV files for the figure and the page's tables.
Measures nothing and types no number.
"""
import argparse
import csv
import json
import sys

TO_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def shown(value, unit):
    """A value with three significant digits and its unit: 2.71 ns, 194 us, 19,669 s; a
    size of a KiB or more in KiB, then in bytes: 4.25 KiB = 4,349 bytes."""
    if unit == "bytes" and value >= 1024:
        return f"{value / 1024:.3g} KiB = {value:,.0f} bytes"
    if value >= 1000:
        return f"{value:,.0f} {unit}"
    return f"{value:.3g} {unit}"


def usage_error(parser, message):
    parser.print_usage(sys.stderr)
    print(f"{parser.prog}: error: {message}", file=sys.stderr)
    sys.exit(2)


# [lookup]
class Costs:
    """The build's costs by key; where several programs wrote a key, name the program."""

    def __init__(self, index):
        self.by_key = {}
        for cost in index["costs"]:
            self.by_key.setdefault(cost["key"], []).append(cost)

    def get(self, key, program=None):
        found = self.by_key.get(key, [])
        if program is not None:
            found = [c for c in found if c["program"] == program]
        return found[0] if found else None

    def partner(self, cost, key):
        """The cost `key` from the same program's file as `cost`: a ratio is median over
        median within one run, so both sides must come from the same run."""
        for other in self.by_key.get(key, []):
            same_chapter = other["chapter"] == cost["chapter"]
            if same_chapter and other["program"] == cost["program"]:
                return other
        return None


def absent_reason(entry, chapters):
    """Why a cost is missing: its chapter is not in this build (a partial build). None: it
    should exist, and its absence is a failure."""
    if entry["chapter"] not in chapters:
        return "absent: chapter not built"
    return None
# [/lookup]


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


# [ladder]
def ladder(costs, data, chapters):
    """The rungs found, sorted by median in nanoseconds; the rungs absent, with why."""
    found, absent, missing = [], [], []
    for rung in data["rungs"]:
        cost = costs.get(rung["key"], rung.get("program"))
        if cost is None or cost["unit"] not in TO_NS:
            reason = absent_reason(rung, chapters)
            (absent if reason else missing).append((rung, reason or "MISSING"))
            continue
        ns = TO_NS[cost["unit"]]
        scaled = (cost["median"] * ns, cost["min"] * ns, cost["max"] * ns)
        found.append((*scaled, rung, cost))
    found.sort(key=lambda r: r[0])
    return found, absent, missing
# [/ladder]


def rung_name(rung):
    return f"{rung['what']} ({rung['key']})"


def print_ladder(found, absent, missing, out_dir):
    print(f"== ladder: {len(found)} rungs found, {len(absent)} absent, "
          f"{len(missing)} missing")
    print(f"  {'rung':52} {'ch':3} {'median':>10} {'min .. max':>23}  machine")
    plot_rows, table_rows = [], []
    for median, lo, hi, rung, cost in found:
        unit = cost["unit"]
        quiet = "quiet" if cost.get("quiet") else "busy"
        spread = f"{shown(cost['min'], unit)} .. {shown(cost['max'], unit)}"
        print(f"  {rung_name(rung):52.52} {rung['chapter'][:2]:3} "
              f"{shown(cost['median'], unit):>10} {spread:>23}  {quiet}")
        plot_rows.append([rung["key"], rung["what"], rung["chapter"], f"{median:.6g}",
                          f"{lo:.6g}", f"{hi:.6g}", quiet])
        table_rows.append([rung["what"], rung["chapter"], shown(cost["median"], unit),
                           spread, cost["includes"], quiet, rung["key"]])
    for rung, reason in absent + missing:
        print(f"  {rung_name(rung):52.52} {rung['chapter'][:2]:3} {reason}")
        table_rows.append([rung["what"], rung["chapter"], reason, "", "", "",
                           rung["key"]])
    write_csv(f"{out_dir}/ladder.csv",
              ["key", "what", "chapter", "median_ns", "min_ns", "max_ns", "quiet"],
              plot_rows)
    write_csv(f"{out_dir}/ladder-table.csv",
              ["rung", "chapter", "median", "min .. max", "one sample includes",
               "machine", "key"], table_rows)
    print("missing rungs: " + (", ".join(r["key"] for r, _ in missing) or "none"))


def figure_of(costs, key, program=None, against=None):
    """One cost as text, with its ratio to what its chapter compared it with (or to
    `against`, another cost of the same run: the ratio of the two medians)."""
    cost = costs.get(key, program)
    if cost is None:
        return None
    text = f"{cost['label']}: {shown(cost['median'], cost['unit'])}"
    other = costs.partner(cost, against) if against else None
    if other is not None:
        text += (f" vs {other['label']}: {shown(other['median'], other['unit'])} "
                 f"({cost['median'] / other['median']:.3g}x)")
    elif "ratio" in cost:
        other = costs.partner(cost, cost["compared_with"])
        name = other["label"] if other else cost["compared_with"]
        text += f", {cost['ratio']:.3g}x {name}"
    return text


# [models]
def model_cell(costs, model, column, chapters):
    """One numeric cell: a key (with the row's program and chapter), or an object with its
    own key, program and chapter when another chapter measured it, and optionally the
    words saying why its chapter may not write it (`absent`)."""
    cell = model[column]
    if cell is None:
        return "not measured in the book"
    if isinstance(cell, str):
        cell = {"key": cell}
    program = cell.get("program", model.get("program"))
    cost = costs.get(cell["key"], program)
    if cost is not None:
        return f"{shown(cost['median'], cost['unit'])} ({cost['label']})"
    reason = absent_reason({"chapter": cell.get("chapter", model["chapter"])}, chapters)
    if reason:
        return reason
    if "absent" in cell:  # the chapter may rightly not write it, and says why
        return f"absent in this build: {cell['absent']}"
    return f"MISSING: {cell['key']}"  # a built chapter did not write it: the check fails


def print_models(costs, data, chapters, out_dir):
    print("== models: numeric cells (start one, switch or hand-off, memory per unit)")
    rows = []
    for m in data["models"]:
        cells = [model_cell(costs, m, column, chapters)
                 for column in ("start", "switch", "memory")]
        print(f"  {m['model']:21} {m['chapter'][:2]}  " + " | ".join(cells))
        rows.append([m["model"], m["chapter"], *cells])
    write_csv(f"{out_dir}/models.csv",
              ["model", "chapter", "start one", "switch or hand-off", "memory per unit"],
              rows)
# [/models]


def print_claims(costs, data, out_dir):
    print("== claims of the post")
    rows = []
    for n, c in enumerate(data["claims"], 1):
        figure = figure_of(costs, c["key"], c.get("program"), c.get("against"))
        figure = figure or "absent in this build"
        print(f"  {n:2}. [{c['chapter'][:2]}] {figure}")
        rows.append([n, c["claim"], c["chapter"], c["verdict"], figure])
    write_csv(f"{out_dir}/claims.csv",
              ["#", "the post says", "chapter", "verdict", "measured"], rows)


def declared_goals(costs, pairs):
    """Pairs on which a chapter declared a goal that the list does not name."""
    named = {(p["book"], p["against"]) for p in pairs}
    extra = []
    for key, entries in sorted(costs.by_key.items()):
        for c in entries:
            pair = (key, c.get("compared_with"))
            if "goal_max_ratio" in c and pair not in named:
                extra.append({"book": key, "against": c["compared_with"],
                              "chapter": c["chapter"], "program": c["program"],
                              "what": f"{c['label']} vs {c['compared_with']}"})
                named.add(pair)
    return extra


# [appendix]
def appendix(costs, data, chapters, out_dir):
    """One row per book implementation and production contender: the ratio of the medians
    of one run, and the goal its chapter declared for that pair (goal_max_ratio)."""
    print("== appendix: the book's runtimes against production ones "
          "(ratio = book median / theirs)")
    rows, missing = [], []
    pairs = list(data["appendix"])
    pairs += declared_goals(costs, pairs)
    for p in pairs:
        book = costs.get(p["book"], p.get("program"))
        theirs = costs.partner(book, p["against"]) if book else None
        if book is None or theirs is None:
            reason = absent_reason(p, chapters)
            if reason is None:
                missing.append(p)
                reason = "MISSING"
            print(f"  {p['what']:52.52} {p['chapter'][:2]}  {reason}")
            rows.append([p["what"], p["chapter"], reason, "", "", "", ""])
            continue
        goal, met = "", ""
        if book.get("compared_with") == p["against"]:
            ratio = book["ratio"]
            goal = book.get("goal", "")
            if "goal_met" in book:
                met = "yes" if book["goal_met"] else "no"
        else:  # compared with a third by its chapter: the ratio of this run's medians
            ratio = book["median"] / theirs["median"]
        pair = f"{shown(book['median'], book['unit'])} / " \
               f"{shown(theirs['median'], theirs['unit'])}"
        quiet = "quiet" if book.get("quiet") else "busy"
        verdict = {"yes": "goal met", "no": "goal missed", "": "no goal"}[met]
        print(f"  {p['what']:52.52} {p['chapter'][:2]}  {ratio:6.3f}x  {pair:>22}  "
              f"{verdict:11} ({quiet})")
        rows.append([p["what"], p["chapter"], f"{ratio:.3f}x", pair,
                     goal or "none declared", met, quiet])
    write_csv(f"{out_dir}/appendix.csv",
              ["book vs production", "chapter", "ratio", "medians", "goal", "met",
               "machine"], rows)
    names = ", ".join(p["book"] + "/" + p["against"] for p in missing)
    print("missing pairs: " + (names or "none"))
# [/appendix]


def main():
    parser = argparse.ArgumentParser(prog="report.py",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="build/costs/index.json")
    parser.add_argument("--rungs", required=True, help="the chapter's rungs.json")
    parser.add_argument("--chapters", required=True,
                        help="the chapters of this build, comma-separated")
    parser.add_argument("--out", default=".", help="folder for the CSV files")
    args = parser.parse_args()
    try:
        with open(args.index) as f:
            index = json.load(f)
        with open(args.rungs) as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        usage_error(parser, str(e))
    if index.get("format") != "book-costs-index/1":
        usage_error(parser, f"{args.index} is not a book-costs-index/1 file")
    chapters = [c for c in args.chapters.split(",") if c]
    costs = Costs(index)
    print("== chapters in this build: " + ", ".join(c[:2] for c in chapters))
    print(f"cost files read: {len(index['files'])}, costs: {len(index['costs'])}")
    found, absent, missing = ladder(costs, data, chapters)
    print_ladder(found, absent, missing, args.out)
    print_models(costs, data, chapters, args.out)
    print_claims(costs, data, args.out)
    appendix(costs, data, chapters, args.out)


if __name__ == "__main__":
    main()
