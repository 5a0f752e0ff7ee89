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
    # Every absent rung says why: its chapter is not built.
    for line in output.splitlines():
        if "absent" in line and line.startswith("  "):
            assert re.search(r"absent: chapter not built$", line) or \
                "absent in this build" in line, line
