"""The book's Sphinx extension: directives that put this build's programs, captures and figures on the page.

Directives (see book/AUTHORING.md): listing, captured-output, book-figure, captured-download,
chapter-code, exercise. Source hooks: the instructor material marker of each chapter, and the glossary and
bibliography pages, which gather the fragments under book/terms/ and book/bib/.

Everything produced by the build is found through the manifest that CMake writes
(BUILD/book/manifest.json); nothing is pasted into the prose.
"""
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
MARKER = re.compile(r"^\s*//\s*\[(/?)([\w.-]+)\]\s*$")
NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
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


def chapter_of(env):
    docname = env.docname
    if not docname.startswith("chapters/"):
        return None
    return docname.split("/", 1)[1]


def chapter_entry(env, chapter=None):
    chapter = chapter or chapter_of(env)
    if chapter is None:
        raise BookError(f"{env.docname} is not a chapter page")
    chapters = manifest(env)["chapters"]
    if chapter not in chapters:
        raise BookError(f"chapter {chapter} is not in this build's manifest (was it configured out by BOOK_CHAPTERS?)")
    return chapter, chapters[chapter]


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

def slice_output(text, start, until):
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
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def variations_html(texts):
    """What differed between runs: per-field values when only numbers changed, differing lines otherwise."""
    n = len(texts)
    runs = [t.splitlines() for t in texts]
    first = runs[0]
    if all(r == first for r in runs):
        return f'<p class="variations-summary">All {n} runs printed exactly the same lines.</p>'
    def shape(line):  # numbers masked, runs of spaces folded (aligned columns widen with their numbers)
        return NUMBER.sub("#", " ".join(line.split()))

    same_shape = all(len(r) == len(first) for r in runs) and all(
        shape(r[i]) == shape(first[i]) for r in runs for i in range(len(first)))
    if same_shape:
        rows = []
        for i, line in enumerate(first):
            variants = [r[i] for r in runs]
            numbers = [NUMBER.findall(v) for v in variants]
            if all(nums == numbers[0] for nums in numbers):
                continue
            differing = [k for k in range(len(numbers[0])) if len({nums[k] for nums in numbers}) > 1]
            matches = list(NUMBER.finditer(line))
            label, last = "", 0
            for k, m in enumerate(matches):
                label += html.escape(line[last:m.start()])
                label += "<b>…</b>" if k in differing else html.escape(m.group())
                last = m.end()
            label += html.escape(line[last:])
            cells = "".join(f"<td>{html.escape(' / '.join(nums[k] for k in differing))}</td>" for nums in numbers)
            rows.append(f"<tr><td><code>{label.strip()}</code></td>{cells}</tr>")
        head = "".join(f"<th>run {r + 1}</th>" for r in range(n))
        shown = rows[:60]
        more = f'<p class="variations-summary">… and {len(rows) - 60} more lines.</p>' if len(rows) > 60 else ""
        return (f'<p class="variations-summary">{n} runs. {len(first) - len(rows)} of {len(first)} lines were '
                f"identical in every run; the other {len(rows)} differed only in the numbers marked …, "
                "whose values in each run are these:</p>"
                f'<div class="table-wrapper"><table class="variations docutils"><thead><tr><th>line</th>{head}</tr></thead>'
                f"<tbody>{''.join(shown)}</tbody></table></div>{more}")
    parts = [f'<p class="variations-summary">{n} runs, whose lines differed in more than their numbers; '
             "the lines of each later run that differ from run 1 (− run 1, + that run):</p>"]
    for r in range(1, n):
        diff = [d for d in difflib.unified_diff(first, runs[r], n=0, lineterm="")
                if not d.startswith(("---", "+++", "@@"))]
        if not diff:
            parts.append(f'<p class="variations-summary">Run {r + 1}: the same as run 1.</p>')
            continue
        body = "\n".join(("− " + d[1:]) if d.startswith("-") else ("+ " + d[1:]) for d in diff[:80])
        if len(diff) > 80:
            body += f"\n… and {len(diff) - 80} more changed lines"
        parts.append(f'<p class="variations-summary">Run {r + 1}:</p><pre class="variations-diff">{html.escape(body)}</pre>')
    return "".join(parts)


def stamp_extras(s):
    """The stamp's newer fields as items: the versions of the external runtimes the capture used, and
    what other programs took from the CPUs while it ran ("competition: quiet")."""
    items = [html.escape(v) for v in (s.get("runtimes") or {}).values()]
    if s.get("contention_reading"):
        items.append("competition: " + html.escape(s["contention_reading"]))
    return items


def stamp_html(record, run_index):
    s = record["stamp"]
    run = record["runs"][run_index]
    command = "$ " + record.get("display", " ".join(["./" + record["command"][0], *record["command"][1:]]))
    items = [f"<code>{html.escape(command)}</code>", f"exit status {run['exit']}", f"{run['seconds']:.2f} s"]
    if s.get("compiler"):
        items.append(html.escape(f"{s['compiler']} {s.get('flags', '')}".strip()))
    items += [html.escape(s["cpu_model"]), f"{s['cpus_available']} of {s['cpus_online']} CPUs available",
              "virtualisation: " + html.escape(s["virtualisation"]),
              "load average " + " ".join(f"{x:.2f}" for x in s["load_average"]),
              html.escape(s["kernel"]), html.escape(s["date"])]
    items[-2:-2] = stamp_extras(s)
    label = f"Run {run_index + 1} of {len(record['runs'])}" if len(record["runs"]) > 1 else "Captured"
    return f'<p class="capture-stamp"><span class="capture-stamp-label">{label} by this build:</span> ' + " · ".join(items) + "</p>"


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


class CapturedOutput(SphinxDirective):
    """What a program printed when this build ran it, its stamp, and what varied between runs."""
    required_arguments = 1
    option_spec = {"from": directives.unchanged, "until": directives.unchanged, "run": directives.positive_int,
                   "no-variations": directives.flag}

    def run(self):
        try:
            chapter, entry = chapter_entry(self.env)
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
            texts = [slice_output(r["output"], start, until) for r in record["runs"]]
            run_index = self.options.get("run", 1) - 1
            if run_index >= len(texts):
                raise BookError(f"capture {name} has {len(texts)} run(s), not {run_index + 1}")
            if texts[run_index] is None:
                raise BookError(f"capture {name}: no line starts with {start!r} in run {run_index + 1}")
        except BookError as e:
            raise self.error(str(e))
        shown = texts[run_index]
        attrs = (f'data-capture="{html.escape(chapter)}/{html.escape(name)}" data-run="{run_index + 1}" '
                 f'data-from="{html.escape(start)}" data-until="{html.escape(until)}"')
        out = ""
        notices = notices_for(self.env, record, shown)
        if notices:
            out += notice_html(record, notices, run_index)
        out += (f'<div class="captured-output" {attrs}><div class="captured-output-label">Output</div>'
                f"<pre>{html.escape(shown)}</pre></div>")
        out += stamp_html(record, run_index)
        if len(texts) > 1 and "no-variations" not in self.options:
            present = [t for t in texts if t is not None]
            out += f'<div class="capture-variations"><p class="capture-variations-title">What varied between runs</p>{variations_html(present)}</div>'
        return [nodes.raw("", out, format="html")]


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
            if "width" in self.options:
                img["width"] = self.options["width"]
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
            prog, _, file = self.arguments[0].partition(":")
            cap = next((c for c in entry["captures"] if c["name"] == prog), None)
            if cap is None or not file:
                raise BookError(f"captured-download needs program:file of a declared capture, got {self.arguments[0]}")
            path = os.path.join(cap["dir"], file)
            if not os.path.exists(path):
                raise BookError(f"{path} is missing: was it declared in DATA and written by the run?")
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


# --- chapter role ---------------------------------------------------------------------------------------------

def chapter_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """{chapter}`04-shared-state` or {chapter}`chapter 4 <04-shared-state>`: a link to that chapter (with its
    title, or the text given), or plain text when the chapter is not part of this build (BOOK_CHAPTERS),
    so that partial builds stay warning-free."""
    env = inliner.document.settings.env
    m = re.match(r"^(.*?)\s*<([^>]+)>$", text.strip())
    title, slug = (m.group(1), m.group(2)) if m else (None, text.strip())
    docname = f"chapters/{slug}"
    if docname in env.found_docs:
        ref = addnodes.pending_xref(rawtext, refdomain="std", reftype="doc", reftarget="/" + docname,
                                    refexplicit=title is not None, refdoc=env.docname, refwarn=True)
        ref += nodes.inline(rawtext, title or slug, classes=["xref", "std", "std-doc"])
        return [ref], []
    label = title or (f"chapter {int(slug[:2])}" if slug[:2].isdigit() else slug)
    return [nodes.Text(label)], []


# --- Source hooks: instructor material, glossary, bibliography -------------------------------------------

def fragments(folder):
    d = os.path.join(ROOT, "book", folder)
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".md")) if os.path.isdir(d) else []


def fragment_heading(slug):
    """'Chapter 4: Shared state' for 04-shared-state, from the chapter's first heading."""
    path = os.path.join(ROOT, "chapters", slug + ".md")
    title = slug
    if os.path.exists(path):
        with open(path) as f:
            title = next((l[2:].strip() for l in f if l.startswith("# ")), slug)
    return f"Chapter {int(slug[:2])}: {title}" if slug[:2].isdigit() else title


def on_source_read(app, docname, source):
    text = source[0]
    env = app.env
    if docname.startswith("chapters/"):
        slug = docname.split("/", 1)[1]
        marker = re.compile(r"^% instructor-material[ \t]*$", re.M)
        if not marker.search(text):
            logger.warning(f"{docname}: the chapter lacks the '% instructor-material' marker line", location=docname)
            return
        material = ""
        if app.config.book_edition == "instructor":
            path = os.path.join(ROOT, "book", "instructor", slug + ".md")
            if not os.path.exists(path):
                logger.warning(f"{docname}: no instructor material at book/instructor/{slug}.md", location=docname)
            else:
                env.note_dependency(path)
                with open(path) as f:
                    material = "\n\n" + f.read()
        source[0] = marker.sub(lambda _: material, text)
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
            source[0] = source[0].replace(mark, "\n\n".join(parts))


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
        if NORMALIZE_IMPORT in text:
            normalize = ""
            if os.path.exists(NORMALIZE_CSS):
                with open(NORMALIZE_CSS, encoding="utf-8") as f:
                    normalize = f.read()
            else:
                logger.warning(f"{NORMALIZE_CSS} is missing (Debian package node-normalize.css): furo.css goes without it")
            with open(furo_css, "w", encoding="utf-8") as f:
                f.write(text.replace(NORMALIZE_IMPORT, normalize, 1))


def setup(app):
    app.add_config_value("book_build_dir", os.path.join(ROOT, "build"), "env")
    app.add_config_value("book_edition", "student", "env")
    app.add_config_value("book_ext_signature", "", "env")  # set by conf.py: a new extension rereads all
    app.add_css_file("book-notice.css")
    app.add_directive("listing", Listing)
    app.add_directive("captured-output", CapturedOutput)
    app.add_directive("book-figure", BookFigure)
    app.add_directive("captured-download", CapturedDownload)
    app.add_directive("chapter-code", ChapterCode)
    app.add_directive("exercise", Exercise)
    app.add_role("chapter", chapter_role)
    app.connect("source-read", on_source_read)
    app.connect("env-get-outdated", on_env_get_outdated)
    app.connect("build-finished", on_build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
