#!/usr/bin/env python3
"""Every source file a listing can show fits the page: no line longer than 90 columns.

Checks every file in the chapters' code folders that a listing can show (C++, assembly, Go,
Rust, JavaScript, shell, Python; CMakeLists.txt files are not shown). The repository's
.clang-format keeps C++ there; Go keeps gofmt's layout, Rust rustfmt's with max_width = 90, the
others are kept by hand. Tabs count as 4 columns (gofmt indents with tabs).
"""
import pathlib
import sys

LIMIT = 90
SUFFIXES = {".cpp", ".hpp", ".h", ".S", ".s", ".go", ".rs", ".js", ".cjs", ".mjs", ".sh", ".py",
            ".toml"}


def width(line: str) -> int:
    return len(line.rstrip("\n").expandtabs(4))


def main() -> int:
    root = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pathlib.Path(__file__).parents[2]
    long_lines = []
    for folder in ("code",):
        for path in sorted((root / folder).rglob("*")):
            if not path.is_file() or path.suffix not in SUFFIXES:
                continue
            if any(part in ("node_modules", "target") for part in path.parts):
                continue
            for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                if width(line) > LIMIT:
                    long_lines.append(f"{path.relative_to(root)}:{number}: {width(line)} columns")
    for entry in long_lines:
        print(entry)
    print(f"{len(long_lines)} lines over {LIMIT} columns in the chapters' code")
    return 1 if long_lines else 0


if __name__ == "__main__":
    sys.exit(main())
