#!/usr/bin/env python3
"""What this build's captures met on the machine: how many were measurement captures, how many were rerun,
how many show a notice, how long the build waited for quiet. Printed in the build log and written as JSON.

Usage: capture_summary.py --out SUMMARY.json [--ledger quiet-wait.txt --budget S] capture.json...
"""
import argparse
import json
import os
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--ledger", default="")
    ap.add_argument("--budget", type=float, default=0)
    ap.add_argument("captures", nargs="*")
    a = ap.parse_args()
    rows = []
    for path in a.captures:
        if not os.path.exists(path):
            continue
        with open(path) as f:
            r = json.load(f)
        attempts = r.get("attempts", [])
        rows.append({"capture": f"{r['chapter']}/{r['name']}", "measurement": r.get("measurement", False),
                     "attempts": len(attempts), "waited_s": r.get("waited_s", 0),
                     "quiet": (r["stamp"].get("contention") or {}).get("quiet"),
                     "reading": r["stamp"].get("contention_reading", ""),
                     "notices": [n["description"] for n in r.get("notices", [])],
                     "capture_s": r.get("capture_s", 0), "runs_s": r.get("runs_s", 0),
                     "all_runs_s": sum(x.get("runs_s", 0) for x in attempts)})
    waited = 0.0
    try:
        with open(a.ledger) as f:
            waited = float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        pass
    summary = {
        "captures": len(rows),
        "measurement_captures": sum(r["measurement"] for r in rows),
        "rerun": sum(r["attempts"] > 1 for r in rows),
        "with_notice": sum(bool(r["notices"]) for r in rows),
        "notices": sum(len(r["notices"]) for r in rows),
        "busy_captures": sum(r["quiet"] is False for r in rows),
        "waited_this_build_s": round(waited, 1),
        "waited_by_shown_captures_s": round(sum(r["waited_s"] for r in rows), 1),
        "budget_s": a.budget,
        "capture_s": round(sum(r["capture_s"] for r in rows), 1),
        "shown_runs_s": round(sum(r["runs_s"] for r in rows), 1),
        "rerun_runs_s": round(sum(r["all_runs_s"] - r["runs_s"] for r in rows), 1),
        "per_capture": rows,
    }
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(summary, f, indent=1)
    print(f"book captures: {summary['captures']} ({summary['measurement_captures']} measurements); "
          f"{summary['rerun']} rerun; {summary['notices']} notice(s) on {summary['with_notice']} capture(s); "
          f"{summary['busy_captures']} taken while other programs competed; waited {waited:.1f} s of a "
          f"{a.budget:.0f} s budget for quiet in this build; captures took {summary['capture_s']:.0f} s, "
          f"of which the shown runs {summary['shown_runs_s']:.0f} s and reruns {summary['rerun_runs_s']:.0f} s")
    for r in rows:
        for n in r["notices"]:
            print(f"  notice: {r['capture']}: {n} ({r['reading']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
