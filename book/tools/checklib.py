"""Helpers for the chapters' output checks (tests/NN-slug/check_*.py), which outcheck.py loads."""


def section_lines(output, title):
    """The lines of the section that starts with a line '== <title>...', up to the next '== ' line.

    The book's programs print their output in sections headed '== name'; a check reads one section at
    a time so that an assertion names what it is about. Fails the check when the section is missing.
    """
    lines = output.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("== " + title):
            end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("== ")), len(lines))
            return lines[i + 1:end]
    raise AssertionError(f"section '== {title}' is missing")


def int_option(args, flag, default):
    """The whole-number value of option `flag` ("--rounds") in the argument list the program ran with,
    given as "--rounds 5" or "--rounds=5", or `default` when the run did not pass it."""
    for i, a in enumerate(args):
        if a == flag and i + 1 < len(args):
            return int(args[i + 1])
        if a.startswith(flag + "="):
            return int(a.split("=", 1)[1])
    return default
