#!/usr/bin/env python3
"""Book check: every chapter page shows what the chapter contract needs, from this build.

For each chapter in the manifest: the page exists; it has the contract's sections; every declared capture
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


def expect(ok, message):
    global checked
    checked += 1
    if not ok:
        failures.append(message)


def check_chapter(html_dir, slug, entry):
    page_path = os.path.join(html_dir, "chapters", slug + ".html")
    expect(os.path.exists(page_path), f"{slug}: no page {page_path}")
    if not os.path.exists(page_path):
        return
    page = open(page_path, encoding="utf-8").read()
    for sec in SECTIONS:
        expect(re.search(rf'<section id="{sec}(-\d+)?">', page) is not None, f"{slug}: no '{sec}' section")

    blocks = re.findall(r'<div class="captured-output" data-capture="([^"]+)" data-run="(\d+)" '
                        r'data-from="([^"]*)" data-until="([^"]*)">.*?<pre>(.*?)</pre></div>\s*'
                        r'(<p class="capture-stamp">.*?</p>)?', page, re.S)
    shown = set()
    for capture, run, start, until, pre, stamp in blocks:
        ch, name = capture.split("/", 1)
        cap = next((c for c in entry["captures"] if c["name"] == name), None)
        expect(ch == slug and cap is not None, f"{slug}: output block names unknown capture {capture}")
        if cap is None:
            continue
        record = json.load(open(cap["json"]))
        want = slice_output(record["runs"][int(run) - 1]["output"], html.unescape(start), html.unescape(until))
        expect(html.unescape(pre) == want, f"{slug}: output block of {name} (run {run}) differs from {cap['json']}")
        expect(bool(stamp) and "CPUs available" in stamp and "load average" in stamp,
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
                path = os.path.normpath(os.path.join(html_dir, "chapters", src))
                expect(os.path.exists(path) and os.path.getsize(path) > 0, f"{slug}: figure file {path} is missing or empty")

    if entry.get("headers"):
        expect(re.search(r'<dl class="cpp (class|struct|function|type|concept|enum)', page) is not None,
               f"{slug}: documented headers but no API rendered on the page")
    archive = os.path.basename(entry["archive"])
    m = re.search(rf'href="(\.\./_downloads/[0-9a-f]+/{re.escape(archive)})"', page)
    expect(bool(m), f"{slug}: no download link to {archive}")
    if m:
        expect(os.path.exists(os.path.normpath(os.path.join(html_dir, "chapters", m.group(1)))), f"{slug}: {archive} link is broken")
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
    for slug, entry in manifest["chapters"].items():
        check_chapter(a.html, slug, entry)
    index = open(os.path.join(a.html, "index.html"), encoding="utf-8").read()
    expect('url=book/index.html' in index, "index.html does not lead to the front page")
    front = open(os.path.join(a.html, "book", "index.html"), encoding="utf-8").read()
    search = open(os.path.join(a.html, "searchindex.js"), encoding="utf-8").read()
    for slug in manifest["chapters"]:
        expect(f'href="../chapters/{slug}.html"' in front, f"the front page does not list {slug}")
        expect(f'"chapters/{slug}"' in search, f"the search index does not know {slug}")
    for f in failures:
        print("FAIL:", f)
    print(f"{checked - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
