#!/usr/bin/env python3
"""Book check: the student edition and the student pack hold no solution and no teaching note, anywhere.

Probes are taken from the instructor material (book/instructor/*.md: runs of eight words of its prose)
and from every exercise solution (the lines in which it differs from the starter code). None may occur in
any file of the student edition's output tree (pages, search index, downloads, archives unpacked) or of the
student pack. To show that the probes can find what they look for, the instructor edition must contain
most prose probes and a line of every solution.
"""
import argparse
import gzip
import io
import json
import os
import re
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from htmltext import text_of  # noqa: E402


def norm(text):
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def prose_probes(md):
    """Runs of eight words from the prose of a Markdown file (code, directives and headings left out)."""
    probes, fenced = [], False
    for line in md.splitlines():
        if re.match(r"^\s*(```|~~~|:::)", line):
            fenced = not fenced
            continue
        if fenced or line.startswith(("#", "%", "|")):
            continue
        line = re.sub(r"\{[a-z:-]+\}`([^`<]*)(<[^>]*>)?`", r"\1", line)  # {term}`x`  -> x
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)            # [x](y)     -> x
        words = norm(line).split()
        if len(words) >= 8:
            probes.append(" ".join(words[:8]))
    return probes


def public_texts(root):
    """Normalised text of every source that is public in both editions: code and tests except solutions,
    the chapters, and book/ except the instructor material. A probe found in one of them is no secret."""
    texts = []
    for top in ("code", "tests", "chapters", "book"):
        for dirpath, dirnames, files in os.walk(os.path.join(root, top)):
            parts = os.path.relpath(dirpath, root).split(os.sep)
            if "solution" in parts or parts[:2] == ["book", "instructor"] or "node_modules" in parts:
                dirnames[:] = []
                continue
            for name in files:
                if name.endswith((".png", ".svg", ".pyc")):
                    continue
                with open(os.path.join(dirpath, name), errors="replace") as f:
                    texts.append(norm(f.read()))
    return texts


def solution_probes(root, chapters):
    """For each exercise: the normalised lines of its solution found in no public file (starter, tests, programs)."""
    out = {}
    public = public_texts(root)
    for dirpath, dirnames, files in os.walk(os.path.join(root, "code")):
        if os.path.basename(dirpath) != "solution":
            continue
        if os.path.relpath(dirpath, os.path.join(root, "code")).split(os.sep)[0] not in chapters:
            continue
        starter_dir = os.path.join(os.path.dirname(dirpath), "starter")
        starter = set()
        for name in os.listdir(starter_dir) if os.path.isdir(starter_dir) else []:
            starter |= {norm(l) for l in open(os.path.join(starter_dir, name), errors="replace")}
        lines = []
        for name in files:
            for l in open(os.path.join(dirpath, name), errors="replace"):
                n = norm(l)
                if len(n) >= 16 and n not in starter and not any(n in text for text in public):
                    lines.append(n)
        out[os.path.relpath(os.path.dirname(dirpath), root)] = lines
    return out


def corpus(tree):
    """{file: normalised text} for every file of an output tree; archives are unpacked."""
    docs = {}

    def add(name, data):
        if name.endswith((".tar.gz", ".tgz")):
            with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
                for m in tar.getmembers():
                    if m.isfile():
                        add(f"{name}!{m.name}", tar.extractfile(m).read())
            return
        if name.endswith((".png", ".jpg", ".woff", ".woff2", ".ico")):
            return
        text = data.decode("utf-8", "replace")
        docs[name] = norm(text_of(text) if name.endswith(".html") else text)

    if os.path.isdir(tree):
        for dirpath, _, files in os.walk(tree):
            for f in files:
                path = os.path.join(dirpath, f)
                add(os.path.relpath(path, tree), open(path, "rb").read())
    else:
        add(os.path.basename(tree), open(tree, "rb").read())
    return docs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--student", required=True)
    ap.add_argument("--instructor", required=True)
    ap.add_argument("--pack", required=True)
    ap.add_argument("--manifest", required=True)
    a = ap.parse_args()
    failures = []
    for path in (a.student, a.instructor, a.pack):
        if not os.path.exists(path):
            print(f"FAIL: {path} does not exist (build the targets book, book-instructor and student-pack)")
            return 1
    student = corpus(a.student)
    student.update({f"pack:{k}": v for k, v in corpus(a.pack).items()})
    instructor = corpus(a.instructor)
    leaks = [f for f in student if "solution" in re.split(r"[/!]", f)]
    failures += [f"a solution file is in the student output: {f}" for f in leaks]

    chapters = set(json.load(open(a.manifest))["chapters"])
    inst_dir = os.path.join(a.root, "book", "instructor")
    probes = []
    public = public_texts(a.root)
    for name in sorted(os.listdir(inst_dir)) if os.path.isdir(inst_dir) else []:
        if name[:-3] not in chapters:
            continue
        probes += [(name, p) for p in prose_probes(open(os.path.join(inst_dir, name)).read())
                   if not any(p in text for text in public)]  # quoting the chapter or the starter is no leak
    found_in_instructor = 0
    for name, p in probes:
        hits = [f for f, text in student.items() if p in text]
        if hits:
            failures.append(f"instructor text from {name} ('{p}') is in the student output: {hits[:3]}")
        found_in_instructor += any(p in text for text in instructor.values())
    if probes and found_in_instructor < 0.8 * len(probes):
        failures.append(f"only {found_in_instructor} of {len(probes)} instructor probes are in the instructor edition: "
                        "the check could not see what it looks for")

    for ex, lines in solution_probes(a.root, chapters).items():
        for line in lines:
            hits = [f for f, text in student.items() if line in text]
            if hits:
                failures.append(f"solution line of {ex} ('{line}') is in the student output: {hits[:3]}")
        if lines and not any(line in text for line in lines for text in instructor.values()):
            failures.append(f"the solution of {ex} is not shown in the instructor edition")

    search = open(os.path.join(a.student, "searchindex.js"), encoding="utf-8").read()
    for title in ("Teaching notes", "Answers to Check your understanding", "Exercise solutions"):
        if f'"{title}"' in search:
            failures.append(f"the student search index lists the title '{title}'")
        # The answers sit under their questions ({answer}), so that heading may be gone from both editions.
        required = title != "Answers to Check your understanding"
        if required and f'"{title}"' not in open(os.path.join(a.instructor, "searchindex.js"), encoding="utf-8").read() and probes:
            failures.append(f"the instructor search index lacks the title '{title}'")
    for f in failures:
        print("FAIL:", f)
    n = len(probes) + sum(len(v) for v in solution_probes(a.root, chapters).values())
    print(f"{n} probes over {len(student)} student files and {len(instructor)} instructor files")
    print(f"{1 if not failures else 0} passed, {1 if failures else 0} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
