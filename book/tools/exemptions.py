#!/usr/bin/env python3
"""Lists every sanitizer exemption of this preset with its reason (the ctest sanitizers:exemptions).

Two kinds: a whole program declared with EXEMPT in its chapter's CMakeLists.txt (passed here by CMake as
--declared "preset|chapter/program|reason;..."), and a contender a program left out at run time with
book::sanitizers::exempt() (code/common/sanitizers.hpp), which its run test (outcheck.py) wrote to
--dir/<chapter>/<program>.txt. The book's own code is never exempt: this list names production libraries.
"""
import argparse
import os
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--declared", default="")
    a = ap.parse_args()
    lines = []
    for item in filter(None, a.declared.split(";")):
        preset, program, reason = item.split("|", 2)
        lines.append(f"BOOK EXEMPTION ({preset}): {program}: {reason}")
    if os.path.isdir(a.dir):
        for chapter in sorted(os.listdir(a.dir)):
            for name in sorted(os.listdir(os.path.join(a.dir, chapter))):
                with open(os.path.join(a.dir, chapter, name)) as f:
                    for line in f:
                        if line.strip():
                            lines.append(f"{line.strip()}  [in {chapter}/{name[:-4]}]")
    print(f"Sanitizer exemptions of the {a.preset} preset: {len(lines)}")
    for line in lines:
        print("  " + line)
    if not lines:
        print("  none: every program and contender of this build ran under it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
