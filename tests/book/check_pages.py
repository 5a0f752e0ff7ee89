#!/usr/bin/env python3
"""Book check: every chapter page shows what the chapter contract needs, from this build.

For each chapter in the manifest (one page, or a folder of pages, taken together): the page exists; its
title starts with the chapter's number and its time needed and prerequisites (front matter) are under
it; it has the contract's sections; every declared capture
is shown, each output block carrying exactly the text of the capture file it names, followed by its stamp;
every declared figure is on the page in both themes with alt text, and the image files exist; the chapter's
documented headers are rendered (Breathe); the code archive is linked and exists. The front page lists every
chapter, index.html leads to it, and the offline search index knows every chapter.
"""
import argparse
import html
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "book", "_ext"))
from htmltext import text_of  # noqa: E402
from bookext import slice_output  # noqa: E402

SECTIONS = ["learning-objectives", "pitfalls", "exercises", "check-your-understanding", "further-reading"]
failures = []
checked = 0
MANIFEST = {}


def expect(ok, message):
    global checked
    checked += 1
    if not ok:
        failures.append(message)


def chapter_pages(html_dir, slug):
    """The pages of chapter slug: chapters/slug.html, or every page of the folder chapters/slug/."""
    single = os.path.join(html_dir, "chapters", slug + ".html")
    if os.path.exists(single):
        return [single]
    folder = os.path.join(html_dir, "chapters", slug)
    if os.path.isdir(folder):
        return [os.path.join(folder, f) for f in sorted(os.listdir(folder)) if f.endswith(".html")]
    return []


BLOCK = re.compile(r'<div class="captured-output" data-capture="([^"]+)" data-run="(\d+)" '
                   r'data-from="([^"]*)" data-until="([^"]*)"(?: data-omit="([^"]*)")?>.*?<pre[^>]*>(.*?)</pre></div>\s*'
                   r'(<details class="capture-stamp">.*?</details>)?', re.S)


TABLE = re.compile(r'<div class="captured-table" data-table="([^"]+)">\s*<table.*?<tbody>(.*?)</tbody>', re.S)


def check_tables(page, where, manifest):
    """Every captured-table shows one row per data row of the CSV file that its capture wrote."""
    for source, body in TABLE.findall(page):
        chapter, name, file = html.unescape(source).split("/", 2)
        entry = manifest["chapters"].get(chapter, {"captures": []})
        cap = next((c for c in entry["captures"] if c["name"] == name), None)
        expect(cap is not None, f"{where}: table from unknown capture {source}")
        if cap is None:
            continue
        with open(os.path.join(cap["dir"], file), encoding="utf-8") as f:
            rows = [line for line in f.read().splitlines()[1:] if line]
        expect(body.count("<tr") == len(rows), f"{where}: table {source} does not show every row of {file}")


def check_chapter(html_dir, slug, entry):
    pages = chapter_pages(html_dir, slug)
    expect(bool(pages), f"{slug}: no page chapters/{slug}.html nor chapters/{slug}/index.html")
    if not pages:
        return
    page = "\n".join(open(p, encoding="utf-8").read() for p in pages)
    first = open(pages[0] if len(pages) == 1 else os.path.join(html_dir, "chapters", slug, "index.html"),
                 encoding="utf-8").read()
    for sec in SECTIONS:
        expect(re.search(rf'<section id="{sec}(-\d+)?"', page) is not None, f"{slug}: no '{sec}' section")
    # The number in the title, and the time and prerequisites under it (front matter).
    m = re.search(r"<h1>(.*?)<a class=\"headerlink\"", first, re.S)
    title = re.sub(r"<[^>]+>", "", m.group(1)).strip() if m else ""
    expect(title.startswith(f"{int(slug[:2])}. "), f"{slug}: the title {title!r} does not start with its number")
    expect(re.search(r'class="chapter-facts[^"]*">.*?Time needed: .*?Prerequisites: ', first, re.S) is not None,
           f"{slug}: no time needed and prerequisites at the top (front matter time: and prerequisites:)")

    blocks = BLOCK.findall(page)
    shown = set()
    for capture, run, start, until, omit, pre, stamp in blocks:
        ch, name = capture.split("/", 1)
        cap = next((c for c in entry["captures"] if c["name"] == name), None)
        expect(ch == slug and cap is not None, f"{slug}: output block names unknown capture {capture}")
        if cap is None:
            continue
        record = json.load(open(cap["json"]))
        want = slice_output(record["runs"][int(run) - 1]["output"], html.unescape(start), html.unescape(until),
                            html.unescape(omit) or None)
        text = html.unescape(re.sub(r"<[^>]+>", "", pre))
        expect(text == want, f"{slug}: output block of {name} (run {run}) differs from {cap['json']}")
        expect(bool(stamp) and "CPUs available" in stamp and "load average" in stamp and "by this build" in stamp,
               f"{slug}: output block of {name} has no stamp under it")
        shown.add(name)
    # A capture that did not show what the text describes carries a visible notice on the page (the
    # expectations of book/measuring.md), with what was expected.
    for cap in entry["captures"]:
        if cap["skipped"] or not os.path.exists(cap["json"]) or cap["name"] not in shown:
            continue
        for notice in json.load(open(cap["json"])).get("notices", []):
            expect('class="book-notice"' in page and html.escape(notice["description"]) in page,
                   f"{slug}: capture {cap['name']} has a notice ({notice['description']}) missing from the page")
    for cap in entry["captures"]:
        if cap["skipped"]:
            expect("Capture skipped" in page, f"{slug}: skipped capture {cap['name']} is not explained")
        else:
            expect(cap["name"] in shown, f"{slug}: capture {cap['name']} is never shown on the page")

    for fig in entry["figures"]:
        for theme in ("light", "dark"):
            m = re.search(rf'<img[^>]*alt="([^"]+)"[^>]*class="only-{theme}"[^>]*src="([^"]*{re.escape(fig["name"])}-{theme}[^"]*\.svg)"'
                          rf'|<img[^>]*class="only-{theme}"[^>]*src="([^"]*{re.escape(fig["name"])}-{theme}[^"]*\.svg)"[^>]*alt="([^"]+)"', page)
            src = m and (m.group(2) or m.group(3))
            alt = m and (m.group(1) or m.group(4))
            expect(bool(m), f"{slug}: figure {fig['name']} ({theme}) is not on the page with alt text")
            if m:
                expect(len(alt.strip()) >= 10, f"{slug}: figure {fig['name']} has too short an alt text")
                path = next((os.path.normpath(os.path.join(os.path.dirname(p), src)) for p in pages
                             if os.path.exists(os.path.normpath(os.path.join(os.path.dirname(p), src)))),
                            os.path.normpath(os.path.join(html_dir, "chapters", src)))
                expect(os.path.exists(path) and os.path.getsize(path) > 0, f"{slug}: figure file {path} is missing or empty")

    if entry.get("headers"):
        expect(re.search(r'<dl class="cpp (class|struct|function|type|concept|enum)', page) is not None,
               f"{slug}: documented headers but no API rendered on the page")
    check_tables(page, slug, MANIFEST)
    archive = os.path.basename(entry["archive"])
    m = re.search(rf'href="((?:\.\./)+_downloads/[0-9a-f]+/{re.escape(archive)})"', page)
    expect(bool(m), f"{slug}: no download link to {archive}")
    if m:
        expect(os.path.exists(os.path.join(html_dir, m.group(1).replace("../", ""))), f"{slug}: {archive} link is broken")
    text = text_of(page)
    expect("g++ -std=c++20" in text, f"{slug}: no one-line compile command")
    for prog in entry["programs"]:
        expect(prog["one_line"] in text, f"{slug}: the one-line command of {prog['name']} is not shown")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--html", required=True)
    ap.add_argument("--manifest", required=True)
    a = ap.parse_args()
    manifest = json.load(open(a.manifest))
    MANIFEST.update(manifest)
    for slug, entry in manifest["chapters"].items():
        check_chapter(a.html, slug, entry)
    # Tables of chapters' captures on pages outside the chapters (the appendix on production runtimes).
    for name in sorted(os.listdir(os.path.join(a.html, "book"))):
        if name.endswith(".html"):
            check_tables(open(os.path.join(a.html, "book", name), encoding="utf-8").read(), f"book/{name}",
                         manifest)
    index = open(os.path.join(a.html, "index.html"), encoding="utf-8").read()
    expect('url=book/index.html' in index, "index.html does not lead to the front page")
    front = open(os.path.join(a.html, "book", "index.html"), encoding="utf-8").read()
    search = open(os.path.join(a.html, "searchindex.js"), encoding="utf-8").read()
    for slug in manifest["chapters"]:
        expect(f'href="../chapters/{slug}.html"' in front or f'href="../chapters/{slug}/index.html"' in front,
               f"the front page does not list {slug}")
        expect(f'"chapters/{slug}"' in search or f'"chapters/{slug}/index"' in search,
               f"the search index does not know {slug}")
    for f in failures:
        print("FAIL:", f)
    print(f"{checked - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
