#!/usr/bin/env python3
"""Book check: a chapter can be a folder of pages, and everything a chapter has works across them.

Renders the fixture book tests/book/fixtures/chapter-folder (chapter 1 of one page; chapter 2 a folder:
an overview and two section pages) with the book's own conf.py, extension, theme files and a manifest of
made-up captures, in the student and the instructor edition and in a partial build of chapter 1 alone,
each with warnings as errors. Then asserts: numbers in titles and the sidebar (1., 2., 2.1, 2.2); page
turning in the order overview, sections; the front page's list and hidden toctree; the front matter's time
and prerequisites at the chapter's top; captures, the code box and the exercise on section pages; {chapter}
references to a chapter and to a section page, degraded to marked text in the partial build; in the
instructor edition each answer under its question, the instructor band, and no answers section at the end;
in the student edition no answer or teaching note in any file of the tree.

usage: test_chapter_folder.py ROOT WORKDIR    (ROOT: the repository; WORKDIR: a scratch folder)
"""
import json
import os
import re
import shutil
import subprocess
import sys

failures = []
passed = 0


def expect(ok, message):
    global passed
    if ok:
        passed += 1
    else:
        failures.append(message)
    return ok


def make_tree(root, work):
    """The fixture as a source tree beside copies of the book's configuration, extension and theme."""
    src = os.path.join(work, "src")
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(os.path.join(root, "tests", "book", "fixtures", "chapter-folder"), src)
    shutil.copy(os.path.join(root, "conf.py"), src)
    for folder in ("_ext", "_static", "_templates"):
        shutil.copytree(os.path.join(root, "book", folder), os.path.join(src, "book", folder),
                        ignore=shutil.ignore_patterns("__pycache__"))
    build = os.path.join(work, "build")
    captures = os.path.join(build, "captures", "02-beta", "counter")
    os.makedirs(captures)
    stamp = {"compiler": "GNU 12.2.0", "flags": "-O2", "cpu_model": "Fixture CPU", "cpus_available": 2,
             "cpus_online": 2, "virtualisation": "none", "load_average": [0.1, 0.2, 0.3],
             "kernel": "Linux fixture", "date": "2026-01-01 00:00 UTC", "contention_reading": "quiet"}
    runs = [{"output": f"== counter\ntotal 200\nelapsed {t} ms\nfinal line\n", "exit": 0, "seconds": 0.1}
            for t in ("1.5", "2.5")]
    record = {"chapter": "02-beta", "name": "counter", "command": ["counter", "--n", "2"],
              "display": "./counter --n 2", "expect_exit": 0, "runs": runs, "stamp": stamp}
    capture_json = os.path.join(captures, "capture.json")
    with open(capture_json, "w") as f:
        json.dump(record, f)
    # A second capture whose runs differ in more than numbers: shown as a line diff.
    order_dir = os.path.join(build, "captures", "02-beta", "order")
    os.makedirs(order_dir)
    order_json = os.path.join(order_dir, "capture.json")
    with open(order_json, "w") as f:
        json.dump(dict(record, name="order", command=["order"], display="./order",
                       runs=[{"output": f"== order\n{a}\n{b}\n", "exit": 0, "seconds": 0.1}
                             for a, b in (("ping", "pong"), ("pong", "ping"))]), f)
    archive = os.path.join(build, "archives", "02-beta.tar.gz")
    os.makedirs(os.path.dirname(archive))
    with open(archive, "wb") as f:
        f.write(b"fixture")
    ex_dir = os.path.join(src, "code", "02-beta", "exercises", "grow")

    def chapter(slug, captures_, exercises, programs):
        return {"captures": captures_, "figures": [], "exercises": exercises, "programs": programs,
                "archive": archive, "headers": []}

    manifest = {"root": src, "compiler": "GNU 12.2.0", "chapters": {
        "01-alpha": chapter("01-alpha", [], [], []),
        "02-beta": chapter("02-beta", [{"name": "counter", "json": capture_json, "dir": captures, "skipped": ""},
                                       {"name": "order", "json": order_json, "dir": order_dir, "skipped": ""}],
                           [{"name": "grow", "dir": ex_dir, "starter": [os.path.join(ex_dir, "starter", "grow.hpp")]}],
                           [{"name": "counter", "target": "ch02_counter",
                             "one_line": "g++ -std=c++20 -O2 -pthread counter.cpp -o counter"}]),
    }}
    os.makedirs(os.path.join(build, "book"))
    with open(os.path.join(build, "book", "manifest.json"), "w") as f:
        json.dump(manifest, f)
    return src, build


def render(src, build, edition, out, chapters=""):
    env = dict(os.environ, BOOK_BUILD_DIR=build, BOOK_EDITION=edition, BOOK_CHAPTERS=chapters,
               BOOK_DOXYGEN_XML=os.path.join(build, "doxygen", "xml"), MPLCONFIGDIR=os.path.join(build, "mpl"))
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "-n", "--keep-going", "-q", "-j", "1",
           "-d", out + ".doctrees", src, out]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    what = f"{edition} edition" + (f" of {chapters} alone" if chapters else "")
    expect(p.returncode == 0, f"sphinx-build of the {what} failed:\n{p.stdout}{p.stderr}")
    return p.returncode == 0


def page(out, rel):
    path = os.path.join(out, rel)
    if not expect(os.path.exists(path), f"{rel} was not written"):
        return ""
    with open(path, encoding="utf-8") as f:
        return f.read()


def h1(html):
    m = re.search(r"<h1>(.*?)<a class=\"headerlink\"", html, re.S)
    return re.sub(r"<[^>]+>", "", m.group(1)).strip() if m else ""


def rel_link(html, rel):
    m = re.search(rf'<link rel="{rel}" title="[^"]*" href="([^"]+)"', html)
    return m.group(1) if m else None


def all_text(out):
    texts = []
    for dirpath, _, files in os.walk(out):
        for name in files:
            with open(os.path.join(dirpath, name), "rb") as f:
                texts.append(f.read().decode("utf-8", "replace"))
    return "\n".join(texts)


def check_common(out, edition):
    where = f"({edition})"
    alpha = page(out, "chapters/01-alpha.html")
    overview = page(out, "chapters/02-beta/index.html")
    first = page(out, "chapters/02-beta/01-first.html")
    second = page(out, "chapters/02-beta/02-second.html")
    front = page(out, "book/index.html")
    expect(h1(alpha) == "1. Alpha", f"{where} chapter 1's title is {h1(alpha)!r}, not '1. Alpha'")
    expect(h1(overview) == "2. Beta", f"{where} the folder chapter's overview is titled {h1(overview)!r}")
    expect(h1(first) == "2.1 First", f"{where} the first section page is titled {h1(first)!r}")
    expect(h1(second) == "2.2 Second", f"{where} the second section page is titled {h1(second)!r}")
    sidebar = re.sub(r"<[^>]+>", " ", alpha.split('class="sidebar-tree"', 1)[-1].split("</nav>", 1)[0])
    sidebar = " ".join(sidebar.split())
    for entry in ("1. Alpha", "2. Beta", "2.1 First", "2.2 Second"):
        expect(entry in sidebar, f"{where} the sidebar lacks {entry!r} (has: {sidebar[:200]})")
    # Page turning: alpha -> overview -> first -> second.
    expect(rel_link(alpha, "next") == "02-beta/index.html", f"{where} after chapter 1 comes {rel_link(alpha, 'next')}")
    expect(rel_link(overview, "next") == "01-first.html", f"{where} after the overview comes {rel_link(overview, 'next')}")
    expect(rel_link(first, "next") == "02-second.html", f"{where} after 2.1 comes {rel_link(first, 'next')}")
    expect(rel_link(second, "prev") == "01-first.html", f"{where} before 2.2 comes {rel_link(second, 'prev')}")
    # The front page: the list of chapters, the start call, no visible toctree.
    expect('class="book-start"' in front and "Start with chapter 1" in front, f"{where} no 'Start with chapter 1'")
    expect(len(re.findall(r'<ol class="[^"]*\bbook-chapter-list\b', front)) == 1
           and "../chapters/02-beta/index.html" in front, f"{where} the front page does not list the folder chapter")
    wrappers = re.findall(r'<div class="toctree-wrapper[^"]*">(.*?)</div>', front, re.S)
    expect(all("<li" not in w for w in wrappers), f"{where} the front page shows a toctree in its body")
    # Front matter at the chapter's top.
    expect(re.search(r'class="[^"]*chapter-facts.*?Time needed: </strong>about two hours.*?'
                     r'Prerequisites: </strong>.*?href="\.\./01-alpha\.html"', overview, re.S),
           f"{where} the overview does not show its time and a link to its prerequisite")
    expect("front matter" not in overview and "time:" not in overview, f"{where} the front matter shows as text")
    # Capture, code box and exercise on section pages.
    expect('data-capture="02-beta/counter"' in first and "$ ./counter --n 2" in first,
           f"{where} the section page lacks the capture with its command")
    expect('<details class="capture-variations">' in first and "1.5–2.5" in first,
           f"{where} the capture's variations are not folded with their range")
    diff = re.search(r'<pre class="variations-diff">(.*?)</pre>', first, re.S)
    expect(diff and 'class="diff-add">+ pong</span>' in diff.group(1) and 'class="diff-del">− pong</span>' in
           diff.group(1) and "\n" not in diff.group(1), f"{where} the line diff of the order capture is missing")
    expect('<details class="capture-stamp">' in first and "quiet" in first, f"{where} the stamp's one line is missing")
    expect("g++ -std=c++20 -O2 -pthread counter.cpp" in re.sub(r"<[^>]+>", "", first),
           f"{where} the code box is not on the section page")
    expect("make it grow" in re.sub(r"<[^>]+>", "", second).lower() and "TODO" in second, f"{where} the exercise's starter code is missing")
    # References to a chapter and to a section page.
    expect(re.search(r'href="02-beta/index\.html"[^>]*>.*?chapter 2 \(Beta\)', alpha, re.S),
           f"{where} {{chapter}}`02-beta` does not link the overview as 'chapter 2 (Beta)'")
    expect(re.search(r'href="02-beta/02-second\.html"[^>]*>.*?section 2\.2', alpha, re.S),
           f"{where} the reference to section 2.2 does not link its page")
    return alpha, overview, first, second


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    root, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    src, build = make_tree(root, work)
    outs = {e: os.path.join(work, "html-" + e) for e in ("student", "instructor")}
    for edition, out in outs.items():
        if render(src, build, edition, out):
            alpha, overview, first, second = check_common(out, edition)
            if edition == "instructor":
                m = re.search(r"Why does beta have three pages\?(.*?)Which page holds", second, re.S)
                expect(m and "instructor-only book-answer" in m.group(1) and "reads better in sittings" in m.group(1),
                       "instructor: answer 1 is not under question 1")
                m = re.search(r"Which page holds the instructor material\?(.*?)Further reading", second, re.S)
                expect(m and "The last page holds it" in m.group(1) and "second paragraph of the second answer" in m.group(1),
                       "instructor: answer 2 (two paragraphs) is not under question 2")
                expect("Answers to Check your understanding" not in second,
                       "instructor: the answers section is still at the chapter's end")
                expect(re.search(r'<section class="instructor-only" id="teaching-notes">', second)
                       and "Beta teaching notes" in second, "instructor: the teaching notes lack the instructor band")
                expect(re.search(r'<section class="instructor-only" id="exercise-solutions">', second),
                       "instructor: the exercise solutions lack the instructor band")
                expect("Alpha is the first letter" in alpha, "instructor: chapter 1's answer is missing")
            else:
                tree = all_text(out)
                for secret in ("reads better in sittings", "The last page holds it", "Beta teaching notes",
                               "Alpha is the first letter", "walked through for the instructor"):
                    expect(secret not in tree, f"student: {secret!r} is in the student edition's tree")
                expect("instructor-only" not in second, "student: the instructor band shows")
    # A partial build: chapter 1 alone; its references to chapter 2 degrade to marked text, without warnings.
    out = os.path.join(work, "html-partial")
    if render(src, build, "student", out, chapters="01-alpha"):
        alpha = page(out, "chapters/01-alpha.html")
        expect(not os.path.exists(os.path.join(out, "chapters", "02-beta", "index.html")),
               "partial: chapter 2 was rendered")
        expect(re.search(r'<span class="book-chapter-ref book-chapter-absent">chapter 2 \(Beta\)</span>', alpha),
               "partial: the reference to chapter 2 is not marked plain text")
        expect("02-beta/index.html" not in alpha, "partial: chapter 1 links the absent chapter 2")
    for f in failures:
        print("FAIL:", f)
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
