"""Build-machine paths out of captured output: the one scrubber of the capture step.

A sanitizer report, a gdb session, a compiler diagnostic, a Node.js stack trace or an Open MPI message
names files by the absolute paths of the machine that built the book (/home/ci/book/code/04-.../race.cpp).
The book shows them relative to the repository, as a reader's own checkout would: the build tree's root
becomes "build/", the source root becomes nothing (so "code/04-shared-state/race.cpp"), also inside
file:// URLs. Deliberately not -ffile-prefix-map, which would break gdb's source listing in the debugging
captures; the sanitizers also get strip_path_prefix (sanitizer_environment), for runs outside the book.

capture.py calls scrub_record on the record it writes (every run's output and the command as shown);
sanitizer_environment gives the environment of a run.
"""
import os
import re

SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SANITIZER_VARIABLES = ("ASAN_OPTIONS", "TSAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS")


def build_root_of(workdir):
    """The build tree that holds a capture's working directory (BUILD/captures/NN-slug/NAME)."""
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(workdir))))


def _variants(path):
    """The path as given and as resolved (a symlinked checkout appears under both names)."""
    out = {os.path.abspath(path).rstrip("/")}
    out.add(os.path.realpath(path).rstrip("/"))
    return sorted((p for p in out if p and p != "/"), key=len, reverse=True)


def scrub_paths(text, workdir, source_root=SOURCE_ROOT):
    """text with the build root and the source root rewritten to repository-relative paths."""
    replacements = []
    for build in _variants(build_root_of(workdir)):
        replacements.append((build, "build"))
    for source in _variants(source_root):
        replacements.append((source, "."))
    # Longest first: the build tree usually lies inside the source tree.
    replacements.sort(key=lambda pair: len(pair[0]), reverse=True)
    for old, new in replacements:
        # The root itself or a path inside it, never a longer name that starts the same (/book vs /bookshelf).
        pattern = re.compile(r"(?:file://)?" + re.escape(old) + r"(/|(?![\w.+-]))")
        text = pattern.sub(lambda m: (("" if new == "." else new + "/") if m.group(1) == "/" else new), text)
    return text


def sanitizer_environment(env=None, source_root=SOURCE_ROOT):
    """A copy of env (os.environ) whose sanitizer options strip the source root from reported paths."""
    env = dict(os.environ if env is None else env)
    prefix = f"strip_path_prefix={os.path.abspath(source_root)}/"
    for name in SANITIZER_VARIABLES:
        options = env.get(name, "")
        if "strip_path_prefix=" not in options:
            env[name] = f"{options}:{prefix}" if options else prefix
    return env


def scrub_record(record, workdir, source_root=SOURCE_ROOT):
    """A capture record (capture.py) with every run's output and the displayed command scrubbed."""
    record = dict(record)
    record["runs"] = [dict(run, output=scrub_paths(run["output"], workdir, source_root)) for run in record["runs"]]
    if "display" in record:
        record["display"] = scrub_paths(record["display"], workdir, source_root)
    return record
