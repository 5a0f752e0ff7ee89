"""The book's Sphinx extension: directives that put this build's programs, captures and figures on the page.

Directives (see book/AUTHORING.md): listing, captured-output, book-figure, captured-download,
chapter-code, exercise. Source hooks: the instructor material marker of each chapter, and the glossary and
bibliography pages, which gather the fragments under book/terms/ and book/bib/.

Everything produced by the build is found through the manifest that CMake writes
(BUILD/book/manifest.json); nothing is pasted into the prose.
"""
import csv
import difflib
import html
import json
import os
import re

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Listing markers: "// [name]" (C++, Rust, Go, JavaScript) or "# [name]" with a space (Python, shell; Rust's
# attributes, "#[inline]", have none).
MARKER = re.compile(r"^\s*(?://\s*|#\s+)\[(/?)([\w.-]+)\]\s*$")
CHAPTER_SLUG = re.compile(r"^(\d\d)-[\w-]+$")
NUMBER = re.compile(r"0x[0-9a-fA-F]+|[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")  # addresses count as numbers
LANGUAGES = {".cpp": "cpp", ".hpp": "cpp", ".h": "cpp", ".py": "python", ".txt": "text", ".cmake": "cmake",
             ".sh": "bash", ".js": "javascript", ".go": "go", ".rs": "rust", ".json": "json"}


class BookError(Exception):
    pass


# --- Helpers -------------------------------------------------------------------------------------------

def manifest(env):
    path = os.path.join(env.config.book_build_dir, "book", "manifest.json")
    cached = getattr(env.app, "_book_manifest", None)
    if cached is None:
        if not os.path.exists(path):
            raise BookError(f"no manifest at {path}: render the book through CMake (see README.md)")
        with open(path) as f:
            cached = json.load(f)
        env.app._book_manifest = cached
    return cached


def chapter_of(env, docname=None):
    """NN-slug for a page of chapter NN-slug: chapters/NN-slug (a one-page chapter) or any page of the
    folder chapters/NN-slug/ (a chapter of several pages); None for every other page."""
    return chapter_of_doc(docname or env.docname)


def chapter_of_doc(docname):
    parts = docname.split("/")
    if len(parts) < 2 or parts[0] != "chapters" or not CHAPTER_SLUG.match(parts[1]):
        return None
    return parts[1]


def chapter_entry(env, chapter=None):
    chapter = chapter or chapter_of(env)
    if chapter is None:
        raise BookError(f"{env.docname} is not a chapter page")
    chapters = manifest(env)["chapters"]
    if chapter not in chapters:
        raise BookError(f"chapter {chapter} is not in this build's manifest (was it configured out by BOOK_CHAPTERS?)")
    return chapter, chapters[chapter]


def capture_file(entry, argument, directive):
    """The path of a data file a capture wrote, from a directive's `program:file` argument."""
    prog, _, file = argument.partition(":")
    cap = next((c for c in entry["captures"] if c["name"] == prog), None)
    if cap is None or not file:
        raise BookError(f"{directive} needs program:file of a declared capture, got {argument}")
    path = os.path.join(cap["dir"], file)
    if not os.path.exists(path):
        raise BookError(f"{path} is missing: was it declared in DATA and written by the run?")
    return path, prog, file


def rel_to_doc(env, abs_path):
    """A path Sphinx resolves relative to the current document, for files anywhere on disk."""
    doc_dir = os.path.dirname(env.doc2path(env.docname))
    return os.path.relpath(abs_path, doc_dir)


def download_node(env, abs_path, text):
    ref = addnodes.download_reference("", "", refdoc=env.docname, reftarget=rel_to_doc(env, abs_path),
                                      refexplicit=True, refdomain="", reftype="download")
    ref += nodes.literal(text, text)
    return ref


def code_block(code, language):
    block = nodes.literal_block(code, code)
    block["language"] = language
    return block


def listing_box(path, name, caption_parts, code, classes=()):
    """A titled listing: a caption (the file's name in bold, then caption_parts) over the code."""
    caption = nodes.paragraph(classes=["listing-caption"])
    caption += nodes.strong(name, name)
    for part in caption_parts:
        caption += part
    box = nodes.container(classes=["book-listing", *classes])
    box += caption
    box += code_block(code, LANGUAGES.get(os.path.splitext(path)[1], "text"))
    return box


def unquote(value):
    value = (value or "").strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return value


def extract_part(text, part, path):
    """The lines between // [part] and // [/part]; every marker line removed; common indentation removed."""
    lines = text.splitlines()
    if part:
        starts = [i for i, l in enumerate(lines) if (m := MARKER.match(l)) and not m.group(1) and m.group(2) == part]
        ends = [i for i, l in enumerate(lines) if (m := MARKER.match(l)) and m.group(1) and m.group(2) == part]
        if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
            raise BookError(f"{path}: part '{part}' needs exactly one '// [{part}]' and one later '// [/{part}]'")
        lines = lines[starts[0] + 1:ends[0]]
    lines = [l for l in lines if not MARKER.match(l)]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    indent = min((len(l) - len(l.lstrip()) for l in lines if l.strip()), default=0)
    return "\n".join(l[indent:] for l in lines)


# --- listing -------------------------------------------------------------------------------------------

class Listing(SphinxDirective):
    """A file of the chapter's code, or one named part of it, with a link to the whole file."""
    required_arguments = 1
    option_spec = {"part": directives.unchanged, "chapter": directives.unchanged}

    def run(self):
        try:
            arg = self.arguments[0]
            if arg.startswith("/"):
                path = os.path.join(ROOT, arg.lstrip("/"))
            else:
                chapter = self.options.get("chapter") or chapter_of(self.env)
                if chapter is None:
                    raise BookError("a listing outside a chapter needs a path from the repository root (/code/...)")
                path = os.path.join(ROOT, "code", chapter, arg)
            if not os.path.exists(path):
                raise BookError(f"listing: no file {path}")
            self.env.note_dependency(path)
            with open(path) as f:
                text = f.read()
            part = self.options.get("part")
            code = extract_part(text, part, arg)
        except BookError as e:
            raise self.error(str(e))
        caption = [nodes.Text(" · part "), nodes.literal(part, part)] if part else []
        caption += [nodes.Text(" · "), download_node(self.env, path, "the whole file")]
        return [listing_box(path, os.path.basename(path), caption, code)]


# --- captured-output -------------------------------------------------------------------------------------

OMITTED = re.compile(r"^\s*\[\.\.\. \d+ lines? omitted\]$")


def omit_lines(lines, omit):
    """Replaces each run of consecutive lines matching the regex `omit` (searched, as Python's re.search
    and JavaScript's RegExp.test agree on for plain patterns) by one line, indented like the run's first:
    "[... N lines omitted]". The way to cut the library frames out of a sanitizer report or a gdb
    backtrace while keeping the frames in the book's own code."""
    pattern = re.compile(omit)
    out, run = [], []
    for line in lines + [None]:
        if line is not None and pattern.search(line):
            run.append(line)
            continue
        if run:
            indent = run[0][: len(run[0]) - len(run[0].lstrip())]
            out.append(f"{indent}[... {len(run)} line{'s' if len(run) > 1 else ''} omitted]")
            run = []
        if line is not None:
            out.append(line)
    return out


def slice_output(text, start, until, omit=None):
    lines = text.splitlines()
    if start:
        idx = next((i for i, l in enumerate(lines) if l.startswith(start)), None)
        if idx is None:
            return None
        lines = lines[idx:]
    if until:
        idx = next((i for i, l in enumerate(lines) if i > 0 and l.startswith(until)), None)
        if idx is not None:
            lines = lines[:idx]
    if omit:
        lines = omit_lines(lines, omit)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


# What varied between runs: collapsed by default behind a one-line summary, its body in a box of bounded
# height with its own scroll. Lines that differ only in their numbers are shown once, as run 1 printed
# them, each varying number replaced by its range across the runs (min-max, marked); lines that differ
# otherwise are shown as a coloured line diff of each later run against run 1.

def _range_text(values):
    """'5.0–6.6' for the strings of one number in every run (each shown as printed)."""
    def key(v):
        return float(int(v, 16)) if v.lower().startswith("0x") else float(v)
    try:
        keyed = sorted(values, key=key)
    except ValueError:
        keyed = sorted(values)
    lo, hi = keyed[0], keyed[-1]
    return lo if lo == hi else f"{lo}–{hi}"


def _identical(count):
    if count == 0:
        return "No line was identical in every run."
    return "The other line was identical in every run." if count == 1 else \
        f"The other {count} lines were identical in every run."


def variations_parts(texts):
    """(summary, body_html) of what differed between the runs' texts."""
    n = len(texts)
    runs = [t.splitlines() for t in texts]
    first = runs[0]
    if all(r == first for r in runs):
        return f"all {n} runs printed the same {len(first)} lines", ""

    def shape(line):  # numbers masked, runs of spaces folded (aligned columns widen with their numbers)
        return NUMBER.sub("#", " ".join(line.split()))

    same_shape = all(len(r) == len(first) for r in runs) and all(
        shape(r[i]) == shape(first[i]) for r in runs for i in range(len(first)))
    if same_shape:
        shown = []
        for i, line in enumerate(first):
            numbers = [NUMBER.findall(r[i]) for r in runs]
            if all(nums == numbers[0] for nums in numbers):
                continue
            out, last = "", 0
            for k, m in enumerate(NUMBER.finditer(line)):
                out += html.escape(line[last:m.start()])
                values = [nums[k] for nums in numbers]
                if len(set(values)) > 1:
                    every = ", ".join(f"run {r + 1}: {v}" for r, v in enumerate(values))
                    out += f'<span class="vary" title="{html.escape(every)}">{html.escape(_range_text(values))}</span>'
                else:
                    out += html.escape(m.group())
                last = m.end()
            shown.append(out + html.escape(line[last:]))
        summary = (f"{len(shown)} of {len(first)} lines differ only in their numbers, "
                   f"across {n} runs")
        body = (f'<p class="variations-help">Each line as run 1 printed it; every number that changed shows '
                f"its range over the {n} runs (lowest–highest, marked; hover for each run's value). "
                f"{_identical(len(first) - len(shown))}</p>"
                f'<pre class="variations-ranges">{chr(10).join(shown)}</pre>')
        return summary, body
    parts, changed = [], 0
    for r in range(1, n):
        diff = [d for d in difflib.unified_diff(first, runs[r], n=0, lineterm="")
                if not d.startswith(("---", "+++", "@@"))]
        if not diff:
            parts.append(f'<p class="variations-help">Run {r + 1}: the same lines as run 1.</p>')
            continue
        changed = max(changed, sum(1 for d in diff if d.startswith("+")))
        rows = []
        for d in diff[:200]:
            kind, sign = ("del", "−") if d.startswith("-") else ("add", "+")
            rows.append(f'<span class="diff-{kind}">{sign} {html.escape(d[1:])}</span>')
        if len(diff) > 200:
            rows.append(f'<span class="diff-more">… and {len(diff) - 200} more changed lines</span>')
        # One block per line (their backgrounds make the bands), so no newline between them.
        parts.append(f'<p class="variations-help">Run {r + 1} against run 1 (− run 1, + run {r + 1}):</p>'
                     f'<pre class="variations-diff">{"".join(rows)}</pre>')
    summary = f"up to {changed} of {len(first)} lines differ between the {n} runs"
    return summary, "".join(parts)


def variations_html(texts):
    """The collapsed box of what varied between runs (pure HTML: a <details>, no script)."""
    summary, body = variations_parts(texts)
    if not body:
        return f'<p class="capture-variations capture-variations-none">What varied between runs: nothing; {summary}.</p>'
    return (f'<details class="capture-variations"><summary><span class="capture-variations-title">What varied '
            f'between runs:</span> {html.escape(summary)}</summary>'
            f'<div class="variations-body" tabindex="0" role="region" aria-label="what varied between runs">'
            f"{body}</div></details>")


# Key lines of a sanitizer report or a debugger session, marked in the output (the rest stays plain).
# The key lines of a sanitizer report or a debugger session, marked in the output (the rest stays plain):
# the report's headline and summary, what was accessed where, and the stack frames in the book's own code
# (code/NN-slug/..., as the scrubber leaves them), not the library frames around them.
KEY_LINES = re.compile(r"^(WARNING: \w+Sanitizer|==\d+==\s*ERROR|ERROR: \w+Sanitizer|SUMMARY: \w+Sanitizer|"
                       r".*runtime error:|Thread \d+ .*received signal|\s*#\d+\s.*\bcode/\d\d-[\w-]+/|"
                       r"\s+(Previous )?(atomic |Atomic )?([Ww]rite|[Rr]ead) of size|  Location is)")


def output_html(text, emphasize=None):
    """The output's lines, escaped, with the key lines (and those matching :emphasize:) marked."""
    pattern = re.compile(emphasize) if emphasize else None
    lines = []
    for line in text.split("\n"):
        esc = html.escape(line)
        key = (pattern.search(line) if pattern else False) or (pattern is None and KEY_LINES.match(line))
        if OMITTED.match(line):
            lines.append(f'<span class="output-omitted">{esc}</span>')
        else:
            lines.append(f'<span class="output-key">{esc}</span>' if key else esc)
    return "\n".join(lines)


# The stamp: one line under the output (compiler, CPUs, quiet or busy, date), the whole stamp behind it.

def stamp_footer(s):
    """The stamp's one-line reading: compiler, CPUs, quiet or busy (when the capture measured it), date."""
    parts = []
    if s.get("compiler"):
        parts.append(s["compiler"])
    parts.append(f"{s['cpus_available']} of {s['cpus_online']} CPUs")
    reading = s.get("contention_reading")
    if reading and reading != "not measured":
        parts.append(reading)
    else:
        parts.append("load " + f"{s['load_average'][0]:.2f}")
    parts.append(s["date"])
    return " · ".join(parts)


def stamp_items(s, run):
    """Every field of the stamp, for the full view."""
    items = [("exit status", str(run["exit"])), ("run time", f"{run['seconds']:.2f} s")]
    if s.get("compiler"):
        items.append(("compiler", f"{s['compiler']} {s.get('flags', '')}".strip()))
    for name, version in (s.get("runtimes") or {}).items():
        items.append((name, version))
    items += [("CPU", s["cpu_model"]), ("CPUs", f"{s['cpus_available']} of {s['cpus_online']} CPUs available"),
              ("virtualisation", s["virtualisation"]),
              ("load", "load average " + " ".join(f"{x:.2f}" for x in s["load_average"]))]
    if s.get("contention_reading"):
        items.append(("other programs", s["contention_reading"]))
    items += [("kernel", s["kernel"]), ("date", s["date"])]
    return items



def stamp_html(record, run_index):
    s = record["stamp"]
    run = record["runs"][run_index]
    label = f"Run {run_index + 1} of {len(record['runs'])}" if len(record["runs"]) > 1 else "Captured"
    rows = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in stamp_items(s, run))
    return (f'<details class="capture-stamp"><summary><span class="capture-stamp-label">{label} by this '
            f'build:</span> {html.escape(stamp_footer(s))}</summary><dl class="capture-stamp-full">{rows}</dl>'
            "</details>")


def command_of(record):
    return "$ " + record.get("display", " ".join(["./" + record["command"][0], *record["command"][1:]]))


def notices_for(env, record, shown):
    """The capture's notices that belong at this output: those naming a section (the line that starts
    it) that this slice shows, and those naming none at the first output of the capture on the page."""
    notices = record.get("notices") or []
    if not notices:
        return []
    lines = shown.splitlines()
    first_key = ("book_capture_shown", record["chapter"], record["name"])
    first = first_key not in env.temp_data
    env.temp_data[first_key] = True
    return [n for n in notices
            if (n.get("section") and any(line.startswith(n["section"]) for line in lines))
            or (not n.get("section") and first)]


def notice_html(record, notices, run_index):
    """The visible notice beside an output that did not show what a quiet machine shows: what the text
    expects, what the runs showed, and how busy the machine was (pure HTML; styled by book-notice.css)."""
    n_runs = len(record["runs"])
    items = []
    for n in notices:
        shown_run = run_index + 1
        seen = [f"run {r} of {n_runs}: {o}" if n_runs > 1 else o for r, o in zip(n["runs"], n["observed"])]
        held_here = shown_run not in n["runs"]
        note = (f" The run shown above held; the other runs did not." if held_here else "")
        items.append(
            f"<li><span class=\"book-notice-what\">The text expects:</span> {html.escape(n['description'])}. "
            f"<span class=\"book-notice-what\">This build showed:</span> {html.escape('; '.join(seen))}."
            f"{note}</li>")
    reading = record["stamp"].get("contention_reading") or "not measured"
    attempts = len(record.get("attempts") or [1])
    tries = f"after {attempts} attempts, each waiting for a quiet machine first" if attempts > 1 else "in one attempt"
    skipped = (record.get("attempts") or [{}])[-1].get("rerun_skipped")
    if skipped:
        tries += f" (no rerun: {skipped})"
    quiet = bool((record["stamp"].get("contention") or {}).get("quiet"))
    if quiet:
        why = ("No other program competed for the CPUs while it ran, so this is not load: on this machine "
               "the text's claim did not hold, and the output above is the evidence.")
    else:
        why = ("Other programs took CPU time from it, so read the text's claim as what a quiet machine "
               "shows, and run the program yourself on an idle machine to see it.")
    return (f'<div class="book-notice" role="note"><p class="book-notice-title">This output does not show '
            f"what the text describes</p><ul>{''.join(items)}</ul>"
            f"<p>The build captured it {tries}; while it ran, the competition for the CPUs was: "
            f"<b>{html.escape(reading)}</b>. {why} (The appendix on measuring explains how this is "
            f"detected.)</p></div>")


def other_chapter_absent(directive):
    """For a directive with :chapter: (a page outside the chapter, such as an appendix, showing what the
    chapter captured): a note when this build leaves that chapter out (BOOK_CHAPTERS), else None."""
    slug = directive.options.get("chapter")
    if not slug or slug in manifest(directive.env)["chapters"]:
        return None
    note = nodes.admonition(classes=["note", "capture-skipped"])
    note += nodes.title("Not in this build", "Not in this build")
    text = f"This part comes from chapter {int(slug[:2])}, which this build leaves out (BOOK_CHAPTERS)."
    note += nodes.paragraph(text, text)
    return [note]


class CapturedOutput(SphinxDirective):
    """What a program printed when this build ran it, its stamp, and what varied between runs."""
    required_arguments = 1
    option_spec = {"from": directives.unchanged, "until": directives.unchanged, "run": directives.positive_int,
                   "no-variations": directives.flag, "emphasize": directives.unchanged,
                   "omit": directives.unchanged, "chapter": directives.unchanged}

    def run(self):
        absent = other_chapter_absent(self)
        if absent:
            return absent
        try:
            chapter, entry = chapter_entry(self.env, self.options.get("chapter"))
            name = self.arguments[0]
            cap = next((c for c in entry["captures"] if c["name"] == name), None)
            if cap is None:
                raise BookError(f"chapter {chapter} declares no capture '{name}' (book_program / book_capture)")
            if cap["skipped"]:
                note = nodes.admonition(classes=["note", "capture-skipped"])
                note += nodes.title("Capture skipped", "Capture skipped")
                text = f"This output was not captured: {cap['skipped']}. Install it and rebuild to see it here."
                note += nodes.paragraph(text, text)
                return [note]
            if not os.path.exists(cap["json"]):
                raise BookError(f"no captured output {cap['json']}: build the book through CMake, which captures first")
            self.env.note_dependency(cap["json"])
            with open(cap["json"]) as f:
                record = json.load(f)
            start, until = unquote(self.options.get("from")), unquote(self.options.get("until"))
            omit = unquote(self.options.get("omit")) or None
            try:
                texts = [slice_output(r["output"], start, until, omit) for r in record["runs"]]
            except re.error as e:
                raise BookError(f"capture {name}: :omit: is not a valid regular expression: {e}")
            run_index = self.options.get("run", 1) - 1
            if run_index >= len(texts):
                raise BookError(f"capture {name} has {len(texts)} run(s), not {run_index + 1}")
            if texts[run_index] is None:
                raise BookError(f"capture {name}: no line starts with {start!r} in run {run_index + 1}")
        except BookError as e:
            raise self.error(str(e))
        shown = texts[run_index]
        attrs = (f'data-capture="{html.escape(chapter)}/{html.escape(name)}" data-run="{run_index + 1}" '
                 f'data-from="{html.escape(start)}" data-until="{html.escape(until)}"'
                 + (f' data-omit="{html.escape(omit)}"' if omit else ""))
        out = ""
        notices = notices_for(self.env, record, shown)
        if notices:
            out += notice_html(record, notices, run_index)
        emphasize = unquote(self.options.get("emphasize")) or None
        out += (f'<div class="captured-output" {attrs}><div class="captured-output-command" '
               f'aria-label="the command that printed this output"><code>{html.escape(command_of(record))}'
               f'</code></div><pre tabindex="0">{output_html(shown, emphasize)}</pre></div>')
        out += stamp_html(record, run_index)
        if len(texts) > 1 and "no-variations" not in self.options:
            present = [t for t in texts if t is not None]
            out += variations_html(present)
        return [nodes.raw("", out, format="html")]


class CapturedTable(SphinxDirective):
    """A CSV file that a capture wrote (program:file), as a table. Cells of a column named "chapter" that
    hold a chapter slug become links to that chapter (plain text when the build leaves it out)."""
    required_arguments = 1
    option_spec = {"chapter": directives.unchanged, "columns": directives.unchanged}

    def run(self):
        absent = other_chapter_absent(self)
        if absent:
            return absent
        try:
            chapter, entry = chapter_entry(self.env, self.options.get("chapter"))
            path, prog, file = capture_file(entry, self.arguments[0], "captured-table")
            self.env.note_dependency(path)
            with open(path, newline="", encoding="utf-8") as f:
                rows = list(csv.reader(f))
            if not rows:
                raise BookError(f"{path} is empty: a header line is needed")
            header, body = rows[0], rows[1:]
            wanted = self.options.get("columns")
            columns = [c.strip() for c in wanted.split(",")] if wanted else header
            unknown = [c for c in columns if c not in header]
            if unknown:
                raise BookError(f"{file} has no column {', '.join(unknown)} (it has {', '.join(header)})")
        except BookError as e:
            raise self.error(str(e))
        table = nodes.table()
        group = nodes.tgroup(cols=len(columns))
        table += group
        for _ in columns:
            group += nodes.colspec(colwidth=1)

        def row_of(cells, link):
            row = nodes.row()
            for column, value in cells:
                para = nodes.paragraph()
                if link and column == "chapter" and CHAPTER_SLUG.match(value):
                    para += chapter_link(self.env, value, str(int(value[:2])), self.env.docname)
                else:
                    para += nodes.Text(value)
                cell = nodes.entry()
                cell += para
                row += cell
            return row

        head = nodes.thead()
        head += row_of([(c, c) for c in columns], False)
        group += head
        tbody = nodes.tbody()
        index = [header.index(c) for c in columns]
        for r in body:
            tbody += row_of([(c, r[i] if i < len(r) else "") for c, i in zip(columns, index)], True)
        group += tbody
        # The wrapper names the file, so that tests/book/check_pages.py can compare the table with it.
        source = html.escape(f"{chapter}/{prog}/{file}")
        return [nodes.raw("", f'<div class="captured-table" data-table="{source}">', format="html"), table,
                nodes.raw("", "</div>", format="html")]


# --- book-figure, captured-download ------------------------------------------------------------------------

class BookFigure(SphinxDirective):
    """A figure drawn at build time from captured data, in a light and a dark version."""
    required_arguments = 1
    has_content = True
    option_spec = {"alt": directives.unchanged_required, "width": directives.unchanged}

    def run(self):
        try:
            chapter, entry = chapter_entry(self.env)
            name = self.arguments[0]
            fig = next((f for f in entry["figures"] if f["name"] == name), None)
            if fig is None:
                raise BookError(f"chapter {chapter} declares no figure '{name}' (book_figure)")
            alt = unquote(self.options.get("alt"))
            if not alt:
                raise BookError(f"figure {name} needs :alt: text that says what it shows")
            # An EPUB shows the light version only (no theme switching on e-readers).
            themes = ("light",) if self.env.app.builder.name == "epub" else ("light", "dark")
            paths = {t: f"{fig['stem']}-{t}.svg" for t in themes}
            for p in paths.values():
                if not os.path.exists(p):
                    raise BookError(f"figure file {p} is missing: build through CMake, which draws it first")
        except BookError as e:
            raise self.error(str(e))
        figure = nodes.figure(classes=["book-figure"])
        for theme, p in paths.items():
            img = nodes.image(uri=rel_to_doc(self.env, p), alt=alt, classes=[f"only-{theme}"])
            # A width makes Sphinx link the image to its full-size file (html_scaled_image_link): on a
            # phone, the reader opens the SVG and zooms into it. page_html_fixes moves the theme class
            # onto that link.
            # Not in an EPUB: XHTML's width must be a number of pixels, and e-readers fit images anyway.
            if self.env.app.builder.name != "epub":
                img["width"] = self.options.get("width", "100%")
            figure += img
        if self.content:
            caption_text = " ".join(self.content)
            parsed = nodes.Element()
            self.state.nested_parse(self.content, self.content_offset, parsed)
            caption = nodes.caption(caption_text, "")
            for child in parsed.children:
                if isinstance(child, nodes.paragraph):
                    caption += child.children
            figure += caption
        return [figure]


class CapturedDownload(SphinxDirective):
    """A link to a data file that a capture wrote (for example a trace to open in Perfetto)."""
    required_arguments = 1
    has_content = True

    def run(self):
        try:
            chapter, entry = chapter_entry(self.env)
            path, _, file = capture_file(entry, self.arguments[0], "captured-download")
        except BookError as e:
            raise self.error(str(e))
        para = nodes.paragraph(classes=["captured-download"])
        para += download_node(self.env, path, file)
        if self.content:
            para += nodes.Text(" — " + " ".join(self.content))
        return [para]


# --- chapter-code, exercise ----------------------------------------------------------------------------------

class ChapterCode(SphinxDirective):
    """How to get, compile and run the chapter's programs."""

    def run(self):
        try:
            chapter, entry = chapter_entry(self.env)
            archive = entry["archive"]
            if not os.path.exists(archive):
                raise BookError(f"{archive} is missing: build through CMake, which packs it")
        except BookError as e:
            raise self.error(str(e))
        box = nodes.container(classes=["chapter-code"])
        para = nodes.paragraph()
        para += nodes.Text("The chapter's code: ")
        para += download_node(self.env, archive, os.path.basename(archive))
        para += nodes.Text(" (programs, headers, exercises' starter code and tests). Unpacked, each program "
                           "compiles alone with:")
        box += para
        lines = [f"$ tar xzf {os.path.basename(archive)} && cd {chapter}"] + [f"$ {p['one_line']}" for p in entry["programs"]]
        box += code_block("\n".join(lines), "console")
        para = nodes.paragraph()
        para += nodes.Text("In the repository, after the README's first command, the same programs are built as "
                           "CMake targets and can be rerun with other arguments (each prints its options with ")
        para += nodes.literal("--help", "--help")
        para += nodes.Text("):")
        box += para
        lines = []
        for p in entry["programs"]:
            lines.append(f"$ cmake --build build --target {p['target']}")
            lines.append(f"$ ./build/code/{chapter}/{p['name']} --help")
        box += code_block("\n".join(lines), "console")
        return [box]


class Exercise(SphinxDirective):
    """An exercise's starter code and the command that runs its tests (never its solution)."""
    required_arguments = 1

    def run(self):
        try:
            chapter, entry = chapter_entry(self.env)
            ex = next((e for e in entry["exercises"] if e["name"] == self.arguments[0]), None)
            if ex is None:
                raise BookError(f"chapter {chapter} declares no exercise '{self.arguments[0]}' (book_exercise)")
        except BookError as e:
            raise self.error(str(e))
        out = []
        for path in ex["starter"]:
            self.env.note_dependency(path)
            with open(path) as f:
                code = f.read()
            name = os.path.relpath(path, os.path.join(ROOT, "code", chapter))
            test = os.path.join(ex["dir"], "test.cpp")
            caption = [nodes.Text(" (starter code: complete the TODO) · tests: "),
                       download_node(self.env, test, "test.cpp")]
            out.append(listing_box(path, name, caption, code, classes=["exercise-starter"]))
        para = nodes.paragraph()
        para += nodes.Text("Run its tests against your code (they fail until the TODO is done):")
        out.append(para)
        cmd = (f"$ cmake --preset student && cmake --build --preset student\n"
               f"$ ctest --preset student -R '^exercise:{chapter}/{ex['name']}$'")
        out.append(code_block(cmd, "console"))
        return out


# --- Chapters: numbers, titles, the {chapter} role, the front page's list ------------------------------------
# A chapter is chapters/NN-slug.md (one page) or a folder chapters/NN-slug/ of pages: index.md, the overview
# (its title is the chapter's title, its front matter the chapter's data, its toctree the section pages),
# and MM-name.md, section MM of the chapter. Numbers come from the names, never from the order of a build,
# so that a partial build (BOOK_CHAPTERS) numbers chapter 4 as 4.

def chapter_source(slug):
    """The file that holds chapter slug's title and front matter, or None if the chapter does not exist."""
    for path in (os.path.join(ROOT, "chapters", slug + ".md"), os.path.join(ROOT, "chapters", slug, "index.md")):
        if os.path.exists(path):
            return path
    return None


def chapter_docname(env, slug):
    """The docname of chapter slug's first page in this build, or None when the build leaves it out."""
    for doc in (f"chapters/{slug}", f"chapters/{slug}/index"):
        if doc in env.found_docs:
            return doc
    return None


def split_front_matter(text):
    """(front matter text or None, the rest with the front matter's lines blanked, so line numbers hold)."""
    m = re.match(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", text, re.S)
    if not m:
        return None, text
    return m.group(1), "\n" * m.group(0).count("\n") + text[m.end():]


def chapter_title(slug):
    """The chapter's title as its first '# ' heading says, without a number."""
    path = chapter_source(slug)
    if path is None:
        return slug
    with open(path, encoding="utf-8") as f:
        _, text = split_front_matter(f.read())
    return next((l[2:].strip() for l in text.splitlines() if l.startswith("# ")), slug)


def page_number(docname):
    """'4' for chapter 4's first page, '4.2' for section page 02-... of the folder chapter 4, else None."""
    slug = chapter_of_doc(docname)
    if slug is None:
        return None
    number = str(int(slug[:2]))
    parts = docname.split("/")
    if len(parts) == 3 and parts[2] != "index":
        m = re.match(r"^(\d+)-", parts[2])
        return f"{number}.{int(m.group(1))}" if m else None
    return number


def chapter_link(env, slug, text, refdoc, rawtext=""):
    """A link to a chapter with the given text, or the text alone when the build leaves the chapter out
    (marked, so that the browser check can tell a degraded reference from a forgotten one)."""
    section = None
    if "/" in slug:
        slug, section = slug.split("/", 1)
    docname = f"chapters/{slug}/{section}" if section else chapter_docname(env, slug)
    if docname and docname in env.found_docs:
        ref = addnodes.pending_xref(rawtext, refdomain="std", reftype="doc", reftarget="/" + docname,
                                    refexplicit=True, refdoc=refdoc, refwarn=True)
        ref += nodes.inline(rawtext, text, classes=["xref", "std", "std-doc", "book-chapter-ref"])
        return ref
    return nodes.inline(rawtext, text, classes=["book-chapter-ref", "book-chapter-absent"])


def chapter_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """{chapter}`04-shared-state` ("chapter 4 (Shared state)") or {chapter}`chapter 4 <04-shared-state>` (the
    text given): a link to that chapter, or plain text when the chapter is not part of this build
    (BOOK_CHAPTERS, or not written yet), so that partial builds stay warning-free. A section page of a folder
    chapter is named slug/page: {chapter}`section 4.2 <04-shared-state/02-mutexes>`."""
    env = inliner.document.settings.env
    m = re.match(r"^(.*?)\s*<([^>]+)>$", text.strip(), re.S)
    title, slug = (" ".join(m.group(1).split()), m.group(2).strip()) if m else (None, text.strip())
    chapter = slug.split("/", 1)[0]
    if not CHAPTER_SLUG.match(chapter):
        msg = inliner.reporter.error(f"{{chapter}} needs a chapter slug NN-name, not {slug!r}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    if title is None:
        title = f"chapter {int(chapter[:2])}"
        if chapter_source(chapter):
            title += f" ({chapter_title(chapter)})"
    return [chapter_link(env, slug, title, env.docname, rawtext)], []


def built_chapters(env):
    """[(slug, docname)] of every chapter in this build, in order."""
    slugs = set()
    for doc in env.found_docs:
        slug = chapter_of_doc(doc)
        if slug:
            slugs.add(slug)
    return [(slug, chapter_docname(env, slug)) for slug in sorted(slugs) if chapter_docname(env, slug)]


def chapter_toctree(env):
    """The front page's (hidden) toctree of the chapters: the sidebar and the page turning follow it."""
    entries = "\n".join("/" + doc for _, doc in built_chapters(env))
    return f"```{{toctree}}\n:caption: Chapters\n:maxdepth: 2\n:hidden:\n\n{entries}\n```\n"


class ChapterList(SphinxDirective):
    """The front page's list of the chapters that exist in this build: number, title, what it shows (front
    matter `summary`), time needed; and a call to start with the first one."""

    def run(self):
        chapters = built_chapters(self.env)
        out = []
        if chapters:
            slug, doc = chapters[0]
            para = nodes.paragraph(classes=["book-start"])
            para += chapter_link(self.env, slug, f"Start with chapter {int(slug[:2])}: {chapter_title(slug)} →",
                                 self.env.docname)
            out.append(para)
        items = nodes.enumerated_list(classes=["book-chapter-list"])
        for slug, doc in chapters:
            data = front_matter_from_file(slug)
            item = nodes.list_item()
            head = nodes.paragraph(classes=["book-chapter-list-title"])
            head += chapter_link(self.env, slug, f"{int(slug[:2])}. {chapter_title(slug)}", self.env.docname)
            if data.get("time"):
                head += nodes.Text(" · ")
                head += nodes.emphasis("", str(data["time"]))
            item += head
            if data.get("summary"):
                item += nodes.paragraph("", str(data["summary"]))
            items += item
        items["enumtype"] = "arabic"
        out.append(items)
        for slug, doc in chapters:
            self.env.note_dependency(os.path.join(ROOT, self.env.doc2path(doc, False)))
        return out


# --- Front matter: each chapter's time needed and prerequisites, as data ---------------------------------------
# The first page of a chapter starts with YAML front matter (summary is optional):
#   ---
#   time: "about 3 hours: two lectures and a one-hour lab"
#   prerequisites: ["01-processes"]
#   summary: "what the chapter's program shows"
#   ---
# The page shows the time and prerequisites at its top; the course planner reads the same lines.

FRONT_MATTER_KEYS = {"time": str, "prerequisites": list, "summary": str}


def parse_front_matter(docname, raw):
    import yaml
    try:
        data = yaml.safe_load(raw) or {}
    except yaml.YAMLError as e:
        logger.warning(f"{docname}: front matter is not valid YAML: {e}", location=docname)
        return {}
    if not isinstance(data, dict):
        logger.warning(f"{docname}: front matter must be a mapping (time:, prerequisites:)", location=docname)
        return {}
    for key, value in list(data.items()):
        kind = FRONT_MATTER_KEYS.get(key)
        if kind is None:
            continue  # data for other readers (the course planner); the page shows only its own keys
        if not isinstance(value, kind):
            logger.warning(f"{docname}: front matter {key} must be a {kind.__name__}", location=docname)
            data.pop(key)
    for slug in data.get("prerequisites", []):
        if not isinstance(slug, str) or not CHAPTER_SLUG.match(slug):
            logger.warning(f"{docname}: prerequisite {slug!r} is not a chapter slug NN-name", location=docname)
    return data


def front_matter_from_file(slug):
    """A chapter's front matter read from its file (the front page is read before the chapters)."""
    import yaml
    path = chapter_source(slug)
    if path is None:
        return {}
    with open(path, encoding="utf-8") as f:
        raw, _ = split_front_matter(f.read())
    try:
        data = yaml.safe_load(raw) if raw else {}
    except yaml.YAMLError:
        return {}  # the chapter's own page reports it
    return data if isinstance(data, dict) else {}


def front_matter_of(env, docname):
    return getattr(env, "book_front_matter", {}).get(docname, {})


def read_front_matter(app, docname, text):
    """Strips a chapter page's front matter (keeping its line count) and keeps its data in the environment."""
    raw, rest = split_front_matter(text)
    if not hasattr(app.env, "book_front_matter"):
        app.env.book_front_matter = {}
    app.env.book_front_matter.pop(docname, None)
    if raw is not None:
        app.env.book_front_matter[docname] = parse_front_matter(docname, raw)
    return rest


def chapter_facts(env, docname, data):
    """The line under a chapter's title: time needed and prerequisites."""
    box = nodes.container(classes=["chapter-facts"])
    para = nodes.paragraph()
    if data.get("time"):
        para += nodes.strong("", "Time needed: ")
        para += nodes.Text(str(data["time"]))
    if "prerequisites" in data:
        if len(para):
            para += nodes.Text(" · ")
        para += nodes.strong("", "Prerequisites: ")
        prereqs = [p for p in data["prerequisites"] if isinstance(p, str) and CHAPTER_SLUG.match(p)]
        if not prereqs:
            para += nodes.Text("none beyond the preface")
        for i, slug in enumerate(prereqs):
            if i:
                para += nodes.Text(", ")
            para += chapter_link(env, slug, f"chapter {int(slug[:2])} ({chapter_title(slug)})", docname)
    box += para
    return box


# --- Doctree: numbers in titles, the facts under them, the instructor band, API blocks folded -------------------

def on_doctree_read_numbers(app, doctree):
    """Before Sphinx collects the titles (sidebar, page turning, search): the chapter's number in front of
    its title ("4. Shared state", "4.2 Mutexes"), and the chapter's time and prerequisites under it."""
    docname = app.env.docname
    number = page_number(docname)
    section = next(iter(doctree.findall(nodes.section)), None)
    if number is None or section is None or not isinstance(section[0], nodes.title):
        return
    title = section[0]
    prefix = f"{number}. " if "." not in number else f"{number} "
    title.insert(0, nodes.inline(prefix, prefix, classes=["book-number"]))
    data = front_matter_of(app.env, docname)
    if data:
        section.insert(1, chapter_facts(app.env, docname, data))


class api_details(nodes.General, nodes.Element):
    """A fold around API blocks: <details> with a one-line summary (pure HTML, no script)."""


def visit_api_details(self, node):
    self.body.append(f'<details class="book-api"><summary><span class="book-api-label">API</span> '
                     f'{html.escape(node["summary"])}</summary>\n')


def depart_api_details(self, node):
    self.body.append("</details>\n")


def _api_name(desc):
    """'class book::processes::Pipe': the object type, then the qualified name from the signature's last
    line (a template's parameter line comes first and names nothing)."""
    sig = next(iter(desc.findall(addnodes.desc_signature)), None)
    if sig is None:
        return desc.get("objtype", "entity")
    parts = [n for n in sig.findall(lambda n: isinstance(n, (addnodes.desc_addname, addnodes.desc_name)))]
    last = max((i for i, n in enumerate(parts) if isinstance(n, addnodes.desc_name)), default=None)
    if last is None:
        return desc.get("objtype", "entity")
    first = last
    while first > 0 and isinstance(parts[first - 1], addnodes.desc_addname):
        first -= 1
    name = "".join(n.astext() for n in parts[first:last + 1])
    return f"{desc.get('objtype', '')} {name}".strip()


def _top_level_cpp(node):
    if not isinstance(node, addnodes.desc) or node.get("domain") != "cpp":
        return False
    parent = node.parent
    while parent is not None:
        if isinstance(parent, (addnodes.desc, api_details)):
            return False
        parent = parent.parent
    return True


def fold_api_blocks(doctree):
    """Each run of consecutive top-level API descriptions (Breathe) goes into one fold whose summary names
    them; their ids stay, so cross-references still land (book.js opens the fold)."""
    parents = {id(d.parent): d.parent for d in doctree.findall(_top_level_cpp)}
    for parent in parents.values():
        children, i, runs = list(parent.children), 0, []
        while i < len(children):
            if _top_level_cpp(children[i]):
                j = i
                while j < len(children) and (_top_level_cpp(children[j]) or
                                             isinstance(children[j], (nodes.target, addnodes.index))):
                    j += 1
                runs.append((i, j))
                i = j
            else:
                i += 1
        for i, j in reversed(runs):
            group = children[i:j]
            names = [_api_name(d) for d in group if isinstance(d, addnodes.desc)]
            fold = api_details(summary="; ".join(names))
            at = parent.index(group[0])
            for node in group:
                parent.remove(node)
                fold += node
            parent.insert(at, fold)


def on_doctree_read_layout(app, doctree):
    fold_api_blocks(doctree)
    mark_instructor_sections(app, doctree)


# --- Instructor edition: answers under their questions, the material marked ------------------------------------
# A question of "Check your understanding" carries its answer's place:
#     1. Why does ...?
#
#        ```{answer} 1
#        ```
# The instructor edition puts item 1 of the numbered list under "## Answers to Check your understanding" of
# book/instructor/NN-slug.md there; the student edition puts nothing and never opens that file, so no answer
# enters its inputs. A chapter that places its answers this way no longer gets the answers section at its end.

ANSWERS_HEADING = "## Answers to Check your understanding"


def instructor_path(slug):
    return os.path.join(ROOT, "book", "instructor", slug + ".md")


def answers_of(text):
    """{number: markdown} of the numbered list under the answers heading."""
    lines = text.splitlines()
    try:
        start = next(i for i, l in enumerate(lines) if l.strip() == ANSWERS_HEADING)
    except StopIteration:
        return {}
    answers, current, indent = {}, None, 0
    for line in lines[start + 1:]:
        if line.startswith("#"):
            break
        m = re.match(r"^(\d+)\.(\s+)", line)
        if m:
            current, indent = int(m.group(1)), len(m.group(0))
            answers[current] = [line[indent:]]
        elif current is not None:
            answers[current].append(line[indent:] if line[:indent].strip() == "" else line.lstrip())
    return {k: "\n".join(v).strip("\n") for k, v in answers.items()}


def chapter_uses_answers(slug):
    paths = [os.path.join(ROOT, "chapters", slug + ".md")]
    folder = os.path.join(ROOT, "chapters", slug)
    if os.path.isdir(folder):
        paths += [os.path.join(folder, f) for f in sorted(os.listdir(folder)) if f.endswith(".md")]
    for path in paths:
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                if re.search(r"^\s*```\{answer\}", f.read(), re.M):
                    return True
    return False


def without_answers(material):
    """The instructor material without its answers section (the answers sit under their questions)."""
    return re.sub(rf"^{re.escape(ANSWERS_HEADING)}[ \t]*\n.*?(?=^## |\Z)", "", material, flags=re.M | re.S)


class Answer(SphinxDirective):
    """The answer to a question, from book/instructor/NN-slug.md, in the instructor edition only."""
    required_arguments = 1

    def run(self):
        if self.env.config.book_edition != "instructor":
            return []
        slug = chapter_of(self.env)
        try:
            if slug is None:
                raise BookError("an answer belongs on a chapter page")
            path = instructor_path(slug)
            if not os.path.exists(path):
                raise BookError(f"no instructor material at book/instructor/{slug}.md")
            self.env.note_dependency(path)
            with open(path, encoding="utf-8") as f:
                answers = answers_of(f.read())
            number = int(self.arguments[0]) if self.arguments[0].isdigit() else -1
            if number not in answers:
                raise BookError(f"book/instructor/{slug}.md has no answer {self.arguments[0]} under "
                                f"'{ANSWERS_HEADING}' (it has {sorted(answers)})")
        except BookError as e:
            raise self.error(str(e))
        box = nodes.container(classes=["instructor-only", "book-answer"])
        label = nodes.paragraph(classes=["instructor-label"])
        label += nodes.Text(f"Answer {number} · instructor edition")
        box += label
        from docutils.statemachine import StringList
        self.state.nested_parse(StringList(answers[number].splitlines(), source=path), 0, box)
        return [box]


def instructor_label(slug):
    return f"book-instructor-{slug}"


def mark_instructor_sections(app, doctree):
    """Every section of the instructor material carries the instructor band (book.css)."""
    slug = chapter_of(app.env)
    if app.config.book_edition != "instructor" or slug is None:
        return
    label = instructor_label(slug)
    first = next((sec for sec in doctree.findall(nodes.section) if label in sec["ids"]), None)
    if first is None:
        return
    siblings = first.parent.children
    for node in siblings[siblings.index(first):]:
        if isinstance(node, nodes.section):
            node["classes"].append("instructor-only")


def instructor_material(app, env, docname, slug):
    path = instructor_path(slug)
    if not os.path.exists(path):
        logger.warning(f"{docname}: no instructor material at book/instructor/{slug}.md", location=docname)
        return ""
    env.note_dependency(path)
    with open(path, encoding="utf-8") as f:
        material = f.read()
    if chapter_uses_answers(slug):
        material = without_answers(material)
    # A label before the material's first heading: mark_instructor_sections finds the sections by it.
    return f"\n\n({instructor_label(slug)})=\n" + material.lstrip("\n")


# --- Source hooks: front matter, instructor material, glossary, bibliography ----------------------------------

def fragments(folder):
    d = os.path.join(ROOT, "book", folder)
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".md")) if os.path.isdir(d) else []


def fragment_heading(slug):
    """'Chapter 4: Shared state' for 04-shared-state, from the chapter's first heading."""
    title = chapter_title(slug)
    return f"Chapter {int(slug[:2])}: {title}" if slug[:2].isdigit() else title


INSTRUCTOR_MARKER = re.compile(r"^% instructor-material[ \t]*$", re.M)


def on_source_read(app, docname, source):
    text = source[0]
    env = app.env
    slug = chapter_of_doc(docname)
    if slug:
        text = read_front_matter(app, docname, text)
        if not hasattr(env, "book_instructor_pages"):
            env.book_instructor_pages = {}
        env.book_instructor_pages[docname] = bool(INSTRUCTOR_MARKER.search(text))
        material = ""
        if env.book_instructor_pages[docname] and app.config.book_edition == "instructor":
            material = instructor_material(app, env, docname, slug)
        text = INSTRUCTOR_MARKER.sub(lambda _: material, text)
    if "% chapter-toctree" in text:
        text = re.sub(r"^% chapter-toctree[ \t]*$", lambda _: chapter_toctree(env), text, flags=re.M)
    for folder, mark in (("terms", "% glossary-terms"), ("bib", "% bibliography-entries")):
        if mark in text:
            parts = []
            for path in fragments(folder):
                env.note_dependency(path)
                with open(path) as f:
                    body = f.read().strip("\n")
                if folder == "bib":
                    # The bibliography reads chapter by chapter: each chapter cites its own sections.
                    body = f"## {fragment_heading(os.path.basename(path)[:-3])}\n\n{body}"
                parts.append(body)
            text = text.replace(mark, "\n\n".join(parts))
    source[0] = text


def on_env_check_consistency(app, env):
    """Each chapter holds the '% instructor-material' marker on exactly one of its pages."""
    pages = getattr(env, "book_instructor_pages", {})
    by_chapter = {}
    for doc in env.found_docs:
        slug = chapter_of_doc(doc)
        if slug:
            by_chapter.setdefault(slug, []).append(doc)
    for slug, docs in sorted(by_chapter.items()):
        marked = [d for d in docs if pages.get(d)]
        if len(marked) != 1:
            where = ", ".join(marked) if marked else "none of its pages"
            logger.warning(f"chapter {slug}: the '% instructor-material' marker line must be on exactly one of its "
                           f"pages (found on {where})", location=sorted(docs)[0])


def on_env_merge_info(app, env, docnames, other):
    for attr in ("book_front_matter", "book_instructor_pages"):
        mine = getattr(env, attr, None)
        if mine is None:
            mine = {}
            setattr(env, attr, mine)
        mine.update({d: v for d, v in getattr(other, attr, {}).items() if d in docnames})


def on_env_purge_doc(app, env, docname):
    for attr in ("book_front_matter", "book_instructor_pages"):
        getattr(env, attr, {}).pop(docname, None)


def on_env_get_outdated(app, env, added, changed, removed):
    """New or removed glossary and bibliography fragments make their pages outdated."""
    signature = (tuple(fragments("terms")), tuple(fragments("bib")))
    if getattr(env, "book_fragments", None) != signature:
        env.book_fragments = signature
        return [d for d in ("book/glossary", "book/bibliography") if d in env.found_docs]
    return []


# --- Debian's furo, made to work in the browser -------------------------------------------------------------
# Debian's furo (2022.12.07+dfsg) ships its sources unbundled: furo.js starts with an ES-module
# `import Gumshoe from "./gumshoe-patched.js"` but furo adds it as a classic <script>, so it throws a
# SyntaxError on every page and never runs (no theme toggle, no scroll spy: the html element keeps its
# no-js class, which hides the toggle); and furo.css starts with `@import url(/javascript/normalize.css/...)`,
# an absolute path that only an Apache with Debian's javascript-common serves (404 elsewhere, nothing from
# file://). After Sphinx has copied the theme's files, inline gumshoe into furo.js (it is a UMD script that
# sets window.Gumshoe) and normalize.css into furo.css, so the book needs nothing outside its own tree. Also
# guard gumshoe's scroll spy on a page without a table of contents that fits the window (the front page):
# it reads `.content` of the last of no items and throws a TypeError.
FURO_IMPORT = 'import Gumshoe from "./gumshoe-patched.js";'
GUMSHOE_EMPTY = ("if (useLastItem(last, settings)) return last;", "if (last && useLastItem(last, settings)) return last;")
NORMALIZE_IMPORT = "@import url(/javascript/normalize.css/normalize.css);"
NORMALIZE_CSS = "/usr/share/javascript/normalize.css/normalize.css"


DARK_BLOCK = re.compile(r'@media not print \{\s*body\[data-theme="dark"\] \{.*?\} \}\n', re.S)


def furo_auto_dark(css):
    """Debian's furo.css lacks the rules that make the theme "auto" follow a dark system setting (its
    Sass build dropped the nested @media (prefers-color-scheme: dark)), while the Pygments CSS has them: a
    light page with dark code. Add them back, from the explicit dark theme's own rules."""
    if "prefers-color-scheme" in css:
        return css
    m = DARK_BLOCK.search(css)
    if not m:
        logger.warning("furo.css: the dark theme's rules were not found; the system's dark mode is not followed")
        return css
    # "screen and": a "not print and (...)" query would negate the whole of it, and match light systems.
    auto = m.group(0).replace("@media not print {", "@media screen and (prefers-color-scheme: dark) {", 1)
    auto = auto.replace('body[data-theme="dark"]', 'body:not([data-theme="light"])')
    return css[:m.end()] + auto + css[m.end():]


def on_build_finished(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    static = os.path.join(app.outdir, "_static")
    furo_js = os.path.join(static, "scripts", "furo.js")
    gumshoe = os.path.join(static, "scripts", "gumshoe-patched.js")
    if os.path.exists(furo_js) and os.path.exists(gumshoe):
        with open(furo_js, encoding="utf-8") as f:
            text = f.read()
        if FURO_IMPORT in text:
            with open(gumshoe, encoding="utf-8") as f:
                inlined = f.read().replace(*GUMSHOE_EMPTY)
            with open(furo_js, "w", encoding="utf-8") as f:
                f.write(text.replace(FURO_IMPORT, inlined, 1))
    furo_css = os.path.join(static, "styles", "furo.css")
    if os.path.exists(furo_css):
        with open(furo_css, encoding="utf-8") as f:
            text = f.read()
        fixed = furo_auto_dark(text)
        if fixed != text:
            text = fixed
            with open(furo_css, "w", encoding="utf-8") as f:
                f.write(text)
        if NORMALIZE_IMPORT in text:
            normalize = ""
            if os.path.exists(NORMALIZE_CSS):
                with open(NORMALIZE_CSS, encoding="utf-8") as f:
                    normalize = f.read()
            else:
                logger.warning(f"{NORMALIZE_CSS} is missing (Debian package node-normalize.css): furo.css goes without it")
            with open(furo_css, "w", encoding="utf-8") as f:
                f.write(text.replace(NORMALIZE_IMPORT, normalize, 1))


# --- The page as written: accessibility and figure links ----------------------------------------------------

def page_html_fixes(app, pagename, templatename, context, doctree):
    """After furo has built its context: code blocks that scroll take keyboard focus (axe
    scrollable-region-focusable); the sidebar's toctree captions, role="heading" from Sphinx 5.3, get the
    aria-level they lack; a figure's link to its full-size SVG carries its image's theme class."""
    body = context.get("body")
    if body:
        body = re.sub(r'(<div class="highlight"><pre)>', r'\1 tabindex="0">', body)
        body = re.sub(r'<a class="reference internal image-reference" href="([^"]*)"><img ([^>]*?)class="(only-(?:light|dark))"',
                      r'<a class="reference internal image-reference \3" href="\1"><img \2class="\3"', body)
        body = body.replace('role="heading">', 'role="heading" aria-level="2">')
        context["body"] = body
    for key in ("furo_navigation_tree", "toctree"):
        value = context.get(key)
        if isinstance(value, str):
            context[key] = value.replace('role="heading">', 'role="heading" aria-level="2">')


def setup(app):
    app.add_config_value("book_build_dir", os.path.join(ROOT, "build"), "env")
    app.add_config_value("book_edition", "student", "env")
    app.add_config_value("book_ext_signature", "", "env")  # set by conf.py: a new extension rereads all
    app.add_css_file("book-notice.css")
    app.add_directive("listing", Listing)
    app.add_directive("captured-output", CapturedOutput)
    app.add_directive("book-figure", BookFigure)
    app.add_directive("captured-download", CapturedDownload)
    app.add_directive("captured-table", CapturedTable)
    app.add_directive("chapter-code", ChapterCode)
    app.add_directive("exercise", Exercise)
    app.add_directive("answer", Answer)
    app.add_directive("chapter-list", ChapterList)
    app.add_node(api_details, html=(visit_api_details, depart_api_details))
    app.add_role("chapter", chapter_role)
    app.connect("source-read", on_source_read)
    # Before Sphinx's title collector (priority 500): the numbers are part of every title it records.
    app.connect("doctree-read", on_doctree_read_numbers, priority=400)
    app.connect("doctree-read", on_doctree_read_layout)
    app.connect("env-check-consistency", on_env_check_consistency)
    app.connect("env-merge-info", on_env_merge_info)
    app.connect("env-purge-doc", on_env_purge_doc)
    app.connect("html-page-context", page_html_fixes, priority=900)
    app.connect("env-get-outdated", on_env_get_outdated)
    app.connect("build-finished", on_build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}
