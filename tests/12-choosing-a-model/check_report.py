"""Output check of report.py: every rung and every pair whose chapter is in the build was found."""
import re


def check(output, args):
    assert re.search(r"^== chapters in this build: ", output, re.M)
    m = re.search(r"^== ladder: (\d+) rungs found, (\d+) absent, (\d+) missing$", output, re.M)
    assert m, "the ladder's summary line"
    assert m.group(3) == "0", "a rung whose chapter is in this build was not found: " + \
        (re.search(r"^missing rungs: (.*)$", output, re.M) or [None, "?"])[1]
    assert "missing rungs: none" in output
    assert "missing pairs: none" in output, "a pair of the appendix whose chapter is built was not found"
    assert "MISSING" not in output
    for section in ("== models", "== claims of the post", "== appendix"):
        assert section in output, section
    # Every absent rung or cell says why: its chapter is not built, or what the build lacks.
    for line in output.splitlines():
        if "absent" in line and line.startswith("  "):
            assert re.search(r"absent: chapter not built( \||$)", line) or \
                "absent in this build" in line, line
    check_models(output)


def check_models(output):
    """The models table has one line per model of rungs.json, three cells each, and says "not
    measured in the book" exactly where rungs.json names no key."""
    import json
    import os
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "code", "12-choosing-a-model", "rungs.json")) as f:
        models = json.load(f)["models"]
    lines = output.split("== models", 1)[1].split("\n== ", 1)[0].splitlines()[1:]
    lines = [line for line in lines if line.startswith("  ")]
    assert len(lines) == len(models), f"{len(lines)} model lines for {len(models)} models"
    for line, m in zip(lines, models):
        assert line.strip().startswith(m["model"]), f"expected the row of {m['model']}: {line}"
        cells = line.split(" | ")
        assert len(cells) == 3, f"{m['model']}: three cells expected: {line}"
        for cell, column in zip(cells, ("start", "switch", "memory")):
            empty = "not measured in the book" in cell
            assert empty == (m[column] is None), \
                f"{m['model']}, {column}: 'not measured' where rungs.json says {m[column]}"
