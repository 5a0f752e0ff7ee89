#!/usr/bin/env python3
"""The offline editions: the EPUB passes epubcheck with zero errors and carries every chapter,
its captured outputs and its figures (light versions only), and no script; the PDF has every
chapter's title and every figure's caption, and page numbers.

usage: check_offline.py --epub FILE.epub --pdf FILE.pdf --manifest build/book/manifest.json
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import zipfile

EPUBCHECK = "/usr/share/java/epubcheck.jar"  # /usr/bin/epubcheck needs binfmt_misc
failures = []


def expect(cond, message):
    if not cond:
        failures.append(message)


def chapter_sources(root, slug):
    """The prose files of a chapter: chapters/slug.md, or its folder's pages, index.md first."""
    single = os.path.join(root, "chapters", slug + ".md")
    if os.path.exists(single):
        return [single]
    folder = os.path.join(root, "chapters", slug)
    return [os.path.join(folder, "index.md")] + sorted(
        os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".md") and f != "index.md")


def chapter_titles(root, slugs):
    titles = {}
    for slug in slugs:
        with open(chapter_sources(root, slug)[0]) as f:
            titles[slug] = next(l[2:].strip() for l in f if l.startswith("# "))
    return titles


def plain(text):
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    text = text.replace("\u201d", '"')
    return re.sub(r"\s+", " ", re.sub(r"[`*_]", "", text)).strip()


def check_epub(path, titles):
    proc = subprocess.run(["java", "-jar", EPUBCHECK, path], capture_output=True, text=True,
                          timeout=600)
    out = proc.stdout + proc.stderr
    errors = [l for l in out.splitlines() if l.startswith(("ERROR", "FATAL"))]
    print(f"epubcheck: {len(errors)} errors, "
          f"{sum(l.startswith('WARNING') for l in out.splitlines())} warnings")
    for l in errors[:20]:
        print("  " + l)
    expect(proc.returncode == 0 and not errors, f"epubcheck reports {len(errors)} errors")
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        pages = {n: z.read(n).decode("utf-8", "replace") for n in names
                 if n.endswith((".xhtml", ".html"))}
    text = "\n".join(pages.values())
    expect(not re.search(r"<script\b", text), "the EPUB contains a <script>")
    for slug, title in titles.items():
        expect(any(n.endswith((f"chapters/{slug}.xhtml", f"chapters/{slug}/index.xhtml")) for n in names),
               f"the EPUB has no page for chapter {slug}")
        expect(plain(title) in plain(re.sub(r"<[^>]+>", "", text)),
               f"the EPUB lacks the title of {slug}: {title}")
    svgs = [n for n in names if n.endswith(".svg")]
    expect(svgs and not any(n.endswith("-dark.svg") for n in svgs),
           "the EPUB must carry the light figures and no dark ones")
    expect("captured-output" in text, "the EPUB shows no captured output")
    print(f"EPUB: {len(pages)} pages, {len(svgs)} figures, {os.path.getsize(path)} bytes")


def check_pdf(path, titles, manifest):
    proc = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True,
                          timeout=300)
    expect(proc.returncode == 0, f"pdftotext failed: {proc.stderr.strip()}")
    text = plain(proc.stdout).lower()  # captions may be set in capitals
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    for slug, title in titles.items():
        expect(plain(title).lower() in text, f"the PDF lacks the title of {slug}: {title}")
    # Every figure is on paper: its caption is (the captions come from the prose).
    captions = 0
    for slug in titles:
        src = "\n".join(open(p).read() for p in chapter_sources(manifest["root"], slug))
        for m in re.finditer(r"```\{book-figure\}[^\n]*\n(?::[^\n]*\n)*(.+?)\n```", src, re.S):
            first = plain(m.group(1)).split(". ")[0][:50]
            first = re.sub(r"\{[a-z-]+\}", "", first)
            if len(first) > 15:
                captions += 1
                expect(first[:30].lower() in text,
                       f"the PDF lacks a figure of {slug}: '{first[:30]}'")
    expect(f"1 / {pages}" in proc.stdout or f"1/{pages}" in text.replace(" ", ""),
           "the PDF has no page numbers")
    print(f"PDF: {pages} pages, {captions} figure captions found, "
          f"{os.path.getsize(path)} bytes")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epub", required=True)
    ap.add_argument("--pdf", required=True)
    ap.add_argument("--manifest", required=True)
    args = ap.parse_args()
    with open(args.manifest) as f:
        manifest = json.load(f)
    slugs = sorted(manifest["chapters"])
    titles = chapter_titles(manifest["root"], slugs)
    epubs = glob.glob(args.epub) if "*" in args.epub else [args.epub]
    expect(len(epubs) == 1, f"expected one EPUB at {args.epub}, found {epubs}")
    if epubs:
        check_epub(epubs[0], titles)
    check_pdf(args.pdf, titles, manifest)
    for f in failures:
        print("FAIL: " + f)
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
