#!/usr/bin/env python3
"""Writes the book's downloadable archives, reproducibly (sorted entries, fixed times and owners).

  archive.py chapter --manifest build/book/manifest.json --chapter NN-slug --out NN-slug.tar.gz
      the chapter's programs and headers in one flat folder, so that the chapter's one-line g++
      command compiles them as they are, plus the exercises' starter code and tests (never a solution);
  archive.py pack --root REPO --out student-pack.tar.gz
      the whole code tree for a course: starter code, tests and build files, and no solution.
"""
import argparse
import gzip
import io
import json
import os
import sys
import tarfile


def is_solution(path):
    return "solution" in path.replace("\\", "/").split("/")


def add_bytes(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    info.mode = 0o755 if name.endswith(("/grade", ".sh")) else 0o644  # scripts stay runnable
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    tar.addfile(info, io.BytesIO(data))


def write_tar(out, entries):
    """entries: {archive name: bytes}; written sorted, gzip without a timestamp."""
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for name in sorted(entries):
            add_bytes(tar, name, entries[name])
    tmp = out + ".tmp"
    with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(buf.getvalue())
    os.replace(tmp, out)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def chapter_archive(args):
    with open(args.manifest) as f:
        manifest = json.load(f)
    ch = manifest["chapters"][args.chapter]
    root = manifest["root"]
    top = args.chapter
    entries = {}
    code_dir = ch["code_dir"]
    # Program sources and every header beside them, flat.
    dirs = {code_dir, os.path.join(root, "code", "common")}
    for prog in ch["programs"]:
        for src in prog["sources"]:
            entries[f"{top}/{os.path.basename(src)}"] = read(src)
        dirs.update(prog["uses"])
    for d in sorted(dirs):
        for name in sorted(os.listdir(d)):
            path = os.path.join(d, name)
            # Headers from every folder; from the chapter's own, every file the chapter shows (sources
            # its programs do not list, scripts), but not its CMakeLists.txt, which needs the whole book.
            if name.endswith((".hpp", ".h")) or (d == code_dir and os.path.isfile(path) and name != "CMakeLists.txt"):
                entries.setdefault(f"{top}/{name}", read(path))
    # Sub-folders of the chapter other than its exercises (a Cargo package, Go or Node.js sources), whole.
    for sub in sorted(os.listdir(code_dir)):
        sub_dir = os.path.join(code_dir, sub)
        if not os.path.isdir(sub_dir) or sub == "exercises":
            continue
        for dirpath, dirnames, files in os.walk(sub_dir):
            dirnames[:] = sorted(d for d in dirnames if d not in ("target", "node_modules", "__pycache__"))
            for name in sorted(files):
                path = os.path.join(dirpath, name)
                entries[f"{top}/{os.path.relpath(path, code_dir)}"] = read(path)
    # Exercises: starter code and tests only.
    for ex in ch["exercises"]:
        for dirpath, _, files in os.walk(ex["dir"]):
            for name in files:
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, code_dir)
                if not is_solution(rel):
                    entries[f"{top}/{rel}"] = read(path)
    lines = [f"Chapter {args.chapter}: the code, as the book builds it.", "",
             "Compile each program alone with:", ""]
    lines += ["    " + p["one_line"] for p in ch["programs"]]
    if ch["exercises"]:
        lines += ["", "Exercises: complete the TODO in exercises/<name>/starter/, then run its tests",
                  "(doctest: Debian package doctest-dev) with:", "",
                  "    g++ -std=c++20 -O2 -pthread -DDOCTEST_CONFIG_IMPLEMENT_WITH_MAIN -I . -I exercises/<name>/starter \\",
                  "        exercises/<name>/test.cpp -o test && ./test"]
    entries[f"{top}/README.txt"] = ("\n".join(lines) + "\n").encode()
    write_tar(args.out, entries)


PACK_TOP = ["CMakeLists.txt", "CMakePresets.json", "LICENSE", "README.md"]
PACK_DIRS = ["code", "tests", "book/cmake", "book/tools"]


def student_pack(args):
    entries = {}
    root = args.root
    for name in PACK_TOP:
        if os.path.exists(os.path.join(root, name)):
            entries[f"book-code/{name}"] = read(os.path.join(root, name))
    for d in PACK_DIRS:
        for dirpath, dirnames, files in os.walk(os.path.join(root, d)):
            dirnames[:] = [x for x in dirnames if x != "__pycache__"]
            for name in files:
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                if is_solution(rel):
                    continue
                entries[f"book-code/{rel}"] = read(path)
    entries["book-code/grade"] = (
        "#!/bin/sh\n# Grades your exercises: see STUDENT.md.\n"
        'exec python3 "$(dirname "$0")/book/tools/grade.py" "$@"\n').encode()
    entries["book-code/STUDENT.md"] = (
        "# Student pack\n\n"
        "The book's code with every exercise's starter code and tests, and no solutions.\n\n"
        "    cmake --preset student\n"
        "    cmake --build --preset student\n"
        "    ctest --preset student -L exercise     # fails until you complete the TODOs\n\n"
        "Run one exercise's tests: ctest --preset student -R 'exercise:01-processes/'\n\n"
        "## Grading\n\n"
        "    ./grade                                   # every exercise: a table, exit 0 when all solved\n"
        "    ./grade --exercise 01-processes/pipe-sum  # one exercise\n"
        "    ./grade --junit results.xml               # also JUnit XML for a grading system\n\n"
        "An exercise counts as solved when all its test cases pass. A crash or a hang is reported\n"
        "for that exercise (time limit per exercise: --timeout, default 60 s). The build folder\n"
        "build-grade/ is kept, so grading again recompiles only what you changed.\n").encode()
    write_tar(args.out, entries)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="what", required=True)
    c = sub.add_parser("chapter")
    c.add_argument("--manifest", required=True)
    c.add_argument("--chapter", required=True)
    c.add_argument("--out", required=True)
    p = sub.add_parser("pack")
    p.add_argument("--root", required=True)
    p.add_argument("--out", required=True)
    args = ap.parse_args()
    chapter_archive(args) if args.what == "chapter" else student_pack(args)


if __name__ == "__main__":
    sys.exit(main())
