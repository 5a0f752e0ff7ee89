#!/usr/bin/env python3
"""Book check: every reference from the prose to another chapter of the book goes through the {chapter}
role, which links it when that chapter is in the build and degrades to marked plain text when it is not.

Fails on a plain-text "chapter 4", "chapters 2 and 3", "the next chapter" or "the goroutine chapter" in the
prose of the chapters, the instructor material, the glossary fragments and the front matter pages. Not
counted: text inside a {chapter} role; code (fenced blocks and inline code); "Further reading" sections
and the bibliography, where "chapters 24 to 28" cites another book; and a citation elsewhere, recognised
as a chapter number that follows an italic title (*The Linux Programming Interface*) or a {ref} to a
bibliography entry in the same sentence.
"this chapter", "the chapter" and "each chapter" are the page itself, and "later chapters" no chapter in
particular: neither is a reference.

usage: check_references.py [ROOT]    prints every plain reference as FILE:LINE: text; exits 1 if any.
"""
import os
import re
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
NUMBERED = re.compile(r"\b[Cc]hapters?\s+\d+(?:\s*(?:,|and|or|to|-|–)\s*\d+)*")
ORDINAL = re.compile(r"\b(?:next|previous|following|preceding|earlier|later|coming|companion) chapter\b"
                     r"|\bthe (?!this\b|same\b|whole\b|present\b|current\b|first\b|chapter\b)[\w-]+ chapter\b",
                     re.I)
ROLE = re.compile(r"\{chapter\}`[^`]*`")
CODE = re.compile(r"``[^`]*``|`[^`]*`")
CITATION = re.compile(r"((?<!\*)\*[^*\s][^*]*\*(?!\*)|\{ref\}`[^`]*bib-[^`]*`)[^.;|]*$")


def sources(root):
    for top in ("chapters", os.path.join("book", "instructor"), os.path.join("book", "terms")):
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if name.endswith(".md"):
                    yield os.path.join(dirpath, name)
    for name in ("index.md", "preface.md", "measuring.md", "debugging.md", "glossary.md"):
        path = os.path.join(root, "book", name)
        if os.path.exists(path):
            yield path


def plain_references(path):
    found = []
    fenced = False
    skipping = False  # inside a Further reading section
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    previous = ""
    for number, line in enumerate(lines, 1):
        if re.match(r"^\s*(```|~~~|:::)", line):
            fenced = not fenced if not re.match(r"^\s*```\{[\w-]+\}.*```\s*$", line) else fenced
            continue
        if fenced:
            continue
        if line.startswith("#"):
            skipping = bool(re.match(r"^#+\s+(Further reading|Bibliography)", line))
            continue
        if skipping:
            continue
        text = CODE.sub(lambda m: " " * len(m.group()), ROLE.sub(lambda m: "§" * len(m.group()), line))
        for m in list(NUMBERED.finditer(text)) + list(ORDINAL.finditer(text)):
            before = (previous + " " + line[:m.start()])[-200:]
            if CITATION.search(before):
                continue
            found.append((number, m.group()))
        # A reference broken across two lines: "chapter" at the end of one, its number on the next.
        following = lines[number] if number < len(lines) else ""
        if re.search(r"\b[Cc]hapters?\s*$", text) and re.match(r"\s*\d", following):
            if not CITATION.search((previous + " " + line)[-200:]):
                found.append((number, text.split()[-1] + " " + following.split()[0]))
        previous = line if line.strip() else ""
    return found


def main():
    count = 0
    for path in sources(ROOT):
        for number, text in plain_references(path):
            count += 1
            print(f"{os.path.relpath(path, ROOT)}:{number}: plain reference \"{text}\": use {{chapter}}")
    print(f"{count} plain-text chapter references")
    return 1 if count else 0


if __name__ == "__main__":
    sys.exit(main())
