#!/usr/bin/env python3
"""Cost files (format book-costs/1): validation, and the index every chapter's cost files are gathered in.

A program writes its headline costs with code/common/costs.hpp (book::measure::CostFile); the capture
step validates the file (validate), adds the machine's verdict (annotate) and copies it to
BUILD/costs/NN-slug/<program>.json; `costs.py index` then writes BUILD/costs/index.json, one entry per
cost of the whole build, which chapter 12's cost ladder and the runtimes appendix read.

Usage: costs.py validate FILE [--chapter NN-slug --program NAME]
       costs.py index --out BUILD/costs/index.json FILE...
"""
import argparse
import json
import math
import os
import re
import sys

FORMAT = "book-costs/1"
KEY = re.compile(r"^[a-z0-9][a-z0-9_+-]*(\.[a-z0-9][a-z0-9_+-]*)*$")
REQUIRED = {"key": str, "label": str, "includes": str, "unit": str, "median": (int, float),
            "min": (int, float), "max": (int, float), "runs": int}
OPTIONAL = {"compared_with": str, "ratio": (int, float, type(None)), "goal_max_ratio": (int, float),
            "goal": str, "goal_met": bool}


class CostFileError(Exception):
    pass


def validate(doc, chapter=None, program=None):
    """Raises CostFileError with a message naming the first thing wrong with a parsed cost file."""
    if not isinstance(doc, dict):
        raise CostFileError("a cost file is one JSON object")
    if doc.get("format") != FORMAT:
        raise CostFileError(f"format is {doc.get('format')!r}, expected {FORMAT!r}")
    for field in ("chapter", "program"):
        if not isinstance(doc.get(field), str) or not doc[field]:
            raise CostFileError(f"'{field}' is missing")
    if chapter and doc["chapter"] != chapter:
        raise CostFileError(f"chapter is {doc['chapter']!r}, but the capture belongs to {chapter!r}")
    if program and doc["program"] != program:
        raise CostFileError(f"program is {doc['program']!r}, but the capture is {program!r}")
    costs = doc.get("costs")
    if not isinstance(costs, list) or not costs:
        raise CostFileError("'costs' must be a non-empty list")
    keys = {}
    for i, c in enumerate(costs):
        where = f"cost {i + 1}" + (f" ({c.get('key')})" if isinstance(c, dict) and c.get("key") else "")
        if not isinstance(c, dict):
            raise CostFileError(f"{where} is not an object")
        for field, kind in REQUIRED.items():
            if field not in c:
                raise CostFileError(f"{where}: '{field}' is missing")
            if not isinstance(c[field], kind) or isinstance(c[field], bool):
                raise CostFileError(f"{where}: '{field}' has the wrong type")
        for field, kind in OPTIONAL.items():
            if field in c and not isinstance(c[field], kind):
                raise CostFileError(f"{where}: '{field}' has the wrong type")
        unknown = set(c) - set(REQUIRED) - set(OPTIONAL)
        if unknown:
            raise CostFileError(f"{where}: unknown fields {sorted(unknown)}")
        if not KEY.match(c["key"]):
            raise CostFileError(f"{where}: key must be lower case words joined by dots")
        if c["key"] in keys:
            raise CostFileError(f"{where}: duplicate key")
        if not c["label"].strip() or not c["includes"].strip() or not c["unit"].strip():
            raise CostFileError(f"{where}: label, includes and unit must say something")
        if c["runs"] < 1:
            raise CostFileError(f"{where}: runs must be at least 1")
        if not all(math.isfinite(c[f]) for f in ("median", "min", "max")):
            raise CostFileError(f"{where}: median, min and max must be finite")
        if not c["min"] <= c["median"] <= c["max"]:
            raise CostFileError(f"{where}: min <= median <= max does not hold")
        keys[c["key"]] = c
    for c in costs:
        where = f"cost {c['key']}"
        if "compared_with" in c:
            other = keys.get(c["compared_with"])
            if other is None:
                raise CostFileError(f"{where}: compared_with names no cost of this file")
            if other is c:
                raise CostFileError(f"{where}: compared with itself")
            if c.get("ratio") is not None and other["median"] != 0:
                expected = c["median"] / other["median"]
                if not math.isclose(c["ratio"], expected, rel_tol=1e-3, abs_tol=1e-9):
                    raise CostFileError(f"{where}: ratio {c['ratio']} is not median/median {expected:.6g}")
        elif "ratio" in c:
            raise CostFileError(f"{where}: a ratio without compared_with")
        if "goal_max_ratio" in c:
            if "compared_with" not in c or "goal_met" not in c or not c.get("goal"):
                raise CostFileError(f"{where}: a goal needs compared_with, goal and goal_met")
    return doc


def load(path, chapter=None, program=None):
    try:
        with open(path) as f:
            doc = json.load(f)
    except OSError as e:
        raise CostFileError(f"cannot read {path}: {e.strerror}") from None
    except ValueError as e:
        raise CostFileError(f"not JSON: {e}") from None
    return validate(doc, chapter, program)


def annotate(doc, quiet, reading, stamp_line, expectations_held):
    """Adds what the capture step knows and the program does not: was the machine quiet while it ran."""
    doc = dict(doc)
    doc["machine"] = {"quiet": bool(quiet), "contention": reading, "stamp": stamp_line,
                      "expectations_held": expectations_held}
    return doc


def write_json(path, doc):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        json.dump(doc, f, indent=1)
    os.replace(path + ".tmp", path)


def index(paths):
    """One list of every cost of the build, each with its chapter, program and the machine's verdict."""
    entries = []
    files = []
    for path in sorted(paths):
        doc = load(path)
        files.append({"chapter": doc["chapter"], "program": doc["program"], "path": path,
                      "machine": doc.get("machine", {})})
        for c in doc["costs"]:
            entries.append({"chapter": doc["chapter"], "program": doc["program"],
                            "quiet": doc.get("machine", {}).get("quiet"), **c})
    return {"format": "book-costs-index/1", "files": files, "costs": entries}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    v = sub.add_parser("validate")
    v.add_argument("file")
    v.add_argument("--chapter")
    v.add_argument("--program")
    i = sub.add_parser("index")
    i.add_argument("--out", required=True)
    i.add_argument("files", nargs="*")
    a = ap.parse_args()
    try:
        if a.cmd == "validate":
            doc = load(a.file, a.chapter, a.program)
            print(f"{a.file}: {len(doc['costs'])} cost(s), valid {FORMAT}")
        else:
            doc = index(a.files)
            write_json(a.out, doc)
            quiet = sum(1 for f in doc["files"] if f["machine"].get("quiet"))
            print(f"cost index: {len(doc['costs'])} costs from {len(doc['files'])} files "
                  f"({quiet} measured on a quiet machine) -> {a.out}")
    except CostFileError as e:
        print(f"BOOK COST FILE INVALID: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
