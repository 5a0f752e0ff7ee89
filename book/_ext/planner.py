"""The course planner: a week-by-week plan, a prerequisite graph and each chapter's time and
prerequisites, all read from what the chapters declare, so the planner and the chapter pages
cannot disagree.

Directive ``{course-planner}`` (book/planner.md). Data, per chapter of this build:
- the YAML front matter of chapters/NN-slug.md: ``time`` (text shown to readers),
  ``hours`` (optional number; otherwise the first "N hours" in ``time``, else 3) and
  ``prerequisites`` (chapter slugs);
- the chapter's title, learning objectives and teaching sections (its ``##`` headings);
- its exercises (code/NN-slug/exercises/*/) and their test cases (TEST_CASE names), which
  the instructor edition turns into a grading rubric.
"""
import math
import os
import re
import subprocess

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from bookext import chapter_source, split_front_matter

logger = logging.getLogger(__name__)
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WEEKS = 13
NOT_TEACHING = {"Learning objectives", "Pitfalls", "Exercises", "Check your understanding",
                "Further reading", "Summary"}
# Okabe-Ito, as the matplotlib figures use them.
THEMES = {"light": {"fg": "#222222", "edge": "#555555", "fill": "#e8f1f8", "line": "#0072B2"},
          "dark": {"fg": "#e6e6e6", "edge": "#aaaaaa", "fill": "#1d2b36", "line": "#56B4E9"}}


class PlannerError(Exception):
    pass


def front_matter(text):
    """The YAML front matter at the top of a chapter's first page, as a dict."""
    import yaml
    raw, _ = split_front_matter(text)
    try:
        data = yaml.safe_load(raw) if raw else {}
    except yaml.YAMLError as e:
        raise PlannerError(f"front matter is not valid YAML: {e}")
    return data if isinstance(data, dict) else {}


def hours_of(meta):
    if "hours" in meta:
        try:
            return max(1.0, float(meta["hours"]))
        except ValueError:
            pass
    m = re.search(r"(\d+(?:\.\d+)?)\s*hours?", meta.get("time", ""))
    return float(m.group(1)) if m else 3.0


def chapter_pages(slug):
    """The chapter's source files: its one page, or the first page of its folder and then the rest."""
    first = chapter_source(slug)
    if first is None:
        raise PlannerError(f"chapter {slug} has no page")
    pages = [first]
    if os.path.basename(first) == "index.md":
        folder = os.path.dirname(first)
        pages += sorted(os.path.join(folder, f) for f in os.listdir(folder)
                        if f.endswith(".md") and f != "index.md")
    return pages


def chapter_data(slug):
    pages = chapter_pages(slug)
    path = pages[0]
    texts = []
    for page in pages:
        with open(page) as f:
            texts.append(f.read())
    text = "\n".join(texts)
    meta = front_matter(text)
    title = next((l[2:].strip() for l in text.splitlines() if l.startswith("# ")), slug)
    sections = [h for h in re.findall(r"^## (.+)$", text, re.M) if h.strip() not in NOT_TEACHING]
    objectives = []
    m = re.search(r"^## Learning objectives\n(.*?)^## ", text, re.S | re.M)
    if m:
        objectives = [re.sub(r"\s+", " ", o).strip()
                      for o in re.findall(r"^(?:\d+\.|-)\s+(.+?)(?=^\d+\.|^-|\Z)", m.group(1),
                                          re.S | re.M)]
    exercises = []
    ex_dir = os.path.join(ROOT, "code", slug, "exercises")
    if os.path.isdir(ex_dir):
        for name in sorted(os.listdir(ex_dir)):
            test = os.path.join(ex_dir, name, "test.cpp")
            if os.path.exists(test):
                with open(test) as f:
                    cases = re.findall(r'TEST_CASE\(\s*"((?:[^"\\]|\\.)*)"', f.read())
                exercises.append({"name": name, "cases": cases, "test": test})
    return {"slug": slug, "path": path, "pages": pages, "title": title, "meta": meta, "hours": hours_of(meta),
            "prerequisites": meta.get("prerequisites", []), "sections": sections,
            "objectives": objectives, "exercises": exercises,
            "number": int(slug[:2]) if slug[:2].isdigit() else 0}


def plan_weeks(chapters, term=WEEKS):
    """Spreads the chapters over a term with a last week for review: each chapter gets at least
    one week, and the remaining weeks go to the chapters that declare the most hours (largest
    remainder). With more chapters than weeks, the term grows to at most 14 weeks and then
    says so. Returns (chapter, index of its week, number of its weeks) per week."""
    available = max(len(chapters), term - 1)
    if len(chapters) > 13:
        available = len(chapters)
    total = sum(ch["hours"] for ch in chapters) or 1.0
    shares = [available * ch["hours"] / total for ch in chapters]
    counts = [max(1, int(x)) for x in shares]
    while sum(counts) > available:
        i = max(range(len(counts)), key=lambda k: (counts[k] - shares[k], counts[k]))
        counts[i] -= 1
    while sum(counts) < available:
        i = max(range(len(counts)), key=lambda k: shares[k] - counts[k])
        counts[i] += 1
    weeks = []
    for ch, n in zip(chapters, counts):
        for i in range(n):
            weeks.append((ch, i, n))
    return weeks


def dot_source(chapters, theme):
    c = THEMES[theme]
    lines = ["digraph prerequisites {", "  rankdir=LR;", '  bgcolor="transparent";',
             f'  node [shape=box, style="rounded,filled", fontname="sans-serif", fontsize=11, '
             f'color="{c["edge"]}", fillcolor="{c["fill"]}", fontcolor="{c["fg"]}"];',
             f'  edge [color="{c["line"]}"];']
    known = {ch["slug"] for ch in chapters}
    for ch in chapters:
        label = f"{ch['number']}. {ch['title']}".replace('"', "'")
        lines.append(f'  "{ch["slug"]}" [label="{label}\\n{ch["hours"]:g} h"];')
    for ch in chapters:
        for pre in ch["prerequisites"]:
            if pre in known:
                lines.append(f'  "{pre}" -> "{ch["slug"]}";')
    lines.append("}")
    return "\n".join(lines) + "\n"


def draw(chapters, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    paths = {}
    for theme in THEMES:
        path = os.path.join(out_dir, f"prerequisites-{theme}.svg")
        src = dot_source(chapters, theme)
        try:
            proc = subprocess.run(["dot", "-Tsvg"], input=src, capture_output=True, text=True,
                                  timeout=60)
        except OSError as e:
            raise PlannerError(f"graphviz's dot is missing ({e}): install the graphviz package")
        if proc.returncode != 0:
            raise PlannerError(f"dot failed: {proc.stderr.strip()}")
        with open(path, "w") as f:
            f.write(proc.stdout)
        paths[theme] = path
    return paths


class CoursePlanner(SphinxDirective):
    """{course-planner} PART: one part of the course plan, from the chapters of this build.
    PART is `chapters` (time and prerequisites per chapter), `prerequisites` (the graph),
    `weeks` (the week-by-week plan) or `grading` (assessment and a rubric per exercise: in the
    instructor edition only; nothing at all in the student edition)."""
    required_arguments = 1

    def run(self):
        env = self.env
        part = self.arguments[0]
        if part not in ("chapters", "prerequisites", "weeks", "grading"):
            raise self.error(f"course-planner: unknown part {part!r}")
        if part == "grading" and not env.app.tags.has("instructor"):
            return []
        slugs = sorted({d.split("/")[1] for d in env.found_docs if d.startswith("chapters/")})
        try:
            chapters = [chapter_data(s) for s in slugs]
            for ch in chapters:
                for page in ch["pages"]:
                    env.note_dependency(page)
                for ex in ch["exercises"]:
                    env.note_dependency(ex["test"])
                missing = [k for k in ("time", "prerequisites") if k not in ch["meta"]]
                if missing:
                    raise PlannerError(f"{os.path.relpath(ch['path'], ROOT)} declares no "
                                       f"{' and no '.join(missing)} in its front matter")
            if part == "prerequisites":
                return [self._figure(draw(chapters, os.path.join(
                    env.config.book_build_dir, "figures", "planner")))]
        except PlannerError as e:
            raise self.error(str(e))
        md = getattr(self, "_" + part)(chapters)
        container = nodes.container(classes=["course-planner"])
        from docutils.statemachine import StringList
        self.state.nested_parse(StringList(md, source="course-planner"), self.content_offset,
                                container)
        return [container]

    def _figure(self, paths):
        figure = nodes.figure(classes=["book-figure"])
        alt = ("Graph of the chapters' prerequisites: one box per chapter with the hours it "
               "declares, an arrow from each prerequisite to the chapter that needs it.")
        doc_dir = os.path.dirname(self.env.doc2path(self.env.docname))
        for theme, p in paths.items():
            if theme == "dark" and self.env.app.builder.name == "epub":
                continue  # e-readers have no theme switch: the light version only
            figure += nodes.image(uri=os.path.relpath(p, doc_dir), alt=alt,
                                  classes=[f"only-{theme}"])
        figure += nodes.caption("", "The chapters' prerequisites, as each chapter declares them.")
        return figure

    @staticmethod
    def _chapters(chapters):
        md = ["| chapter | time needed | prerequisites | exercises |",
              "| --- | --- | --- | --- |"]
        for ch in chapters:
            pre = ", ".join(f"{{chapter}}`chapter {int(p[:2])} <{p}>`"
                            for p in ch["prerequisites"]) or "none"
            md.append(f"| {{chapter}}`{ch['number']}. {ch['title']} <{ch['slug']}>` | "
                      f"{ch['meta']['time']} | {pre} | {len(ch['exercises'])} |")
        return md

    @staticmethod
    def _weeks(chapters):
        weeks = plan_weeks(chapters)
        total = sum(ch["hours"] for ch in chapters)
        md = [f"A course of {len(weeks) + 1} weeks for the {total:g} hours the chapters declare "
              f"(about {total / max(1, len(weeks)):.1f} contact hours a week: lectures and a "
              "lab). Each chapter gets at least a week, and the longest get more; its exercises "
              "are the lab of its last week and are due a week later, graded with the student "
              "pack's `./grade`.", "",
              "| week | chapter | read | lab | due |", "| --- | --- | --- | --- | --- |"]
        due_next = ""
        for number, (ch, i, n) in enumerate(weeks, 1):
            per = max(1, math.ceil(len(ch["sections"]) / n))
            read = "; ".join(ch["sections"][i * per:(i + 1) * per]) or "review"
            lab = (", ".join(e["name"] for e in ch["exercises"]) if i == n - 1
                   else "run and change the chapter's programs")
            part = f" ({i + 1} of {n})" if n > 1 else ""
            md.append(f"| {number} | {{chapter}}`{ch['number']} <{ch['slug']}>`{part} | "
                      f"{read} | {lab} | {due_next or '-'} |")
            due_next = (f"{{chapter}}`chapter {ch['number']} <{ch['slug']}>`'s exercises"
                        if i == n - 1 and ch["exercises"] else "")
        md.append(f"| {len(weeks) + 1} | review | the models compared on a problem of the "
                  f"class's own | project | {due_next or '-'} |")
        if len(weeks) + 1 > 14:
            md += ["", f"The chapters declare more time than a 14-week term holds "
                       f"({len(weeks) + 1} weeks): merge labs, or leave chapters to a second "
                       "course."]
        return md

    @staticmethod
    def _grading(chapters):
        md = ["```{rubric} Assessment and grading (instructor edition)", "```", "",
              "Suggested weights: labs 50% (each exercise graded by its tests, `./grade "
              "--junit results.xml` for a grading system), two short quizzes on the \"Check "
              "your understanding\" questions 20%, a final project 30% (a program of the "
              "student's choice built on two models and measured, defended with numbers "
              "from their own machine).", "",
              "Rubric per exercise: correctness 70%, decided by the tests (every test case "
              "passes); the other 30% read from the code: the synchronisation is explained "
              "in comments, no sleep stands in for synchronisation, and the code is clean "
              "under the asan and tsan presets. The test cases of each exercise, which are "
              "its correctness criteria:", ""]
        for ch in chapters:
            for ex in ch["exercises"]:
                md.append(f"- **{ch['number']}. {ex['name']}**: " + "; ".join(ex["cases"]))
        return md


def setup(app):
    app.add_directive("course-planner", CoursePlanner)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
