"""Output check of gxx_accepts and clang_accepts: every file compiles without a word."""
import re


def check(output, args):
    statuses = re.findall(r"^exit status: (\d+)$", output, re.M)
    assert statuses and all(s == "0" for s in statuses), f"statuses {statuses}"
    assert "warning:" not in output and "error:" not in output, "a diagnostic appeared"
