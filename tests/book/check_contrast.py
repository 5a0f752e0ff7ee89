#!/usr/bin/env python3
"""Book check: every token colour of the book's Pygments styles (book/_ext/bookstyle.py) reaches 4.5:1
against its code background (WCAG 2 AA, normal text), in the light and the dark style, and so do the
colours book.css uses on captured output (the key lines, the diff of what varied between runs).

usage: check_contrast.py [ROOT]    prints each style's lowest ratio; exits 1 if any colour falls short.
"""
import os
import re
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "book", "_ext"))
from pygments.token import STANDARD_TYPES  # noqa: E402
import bookstyle  # noqa: E402

MINIMUM = 4.5


def luminance(hex_colour):
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def main():
    failures = []
    for style in (bookstyle.BookLight, bookstyle.BookDark):
        background = style.background_color
        lowest = None
        for token in STANDARD_TYPES:
            colour = style.style_for_token(token)["color"]
            if not colour:
                continue
            r = ratio("#" + colour, background)
            if lowest is None or r < lowest[0]:
                lowest = (r, token)
            if r < MINIMUM:
                failures.append(f"{style.__name__}: {token} #{colour} on {background} is {r:.2f}:1")
        print(f"{style.__name__}: lowest token contrast {lowest[0]:.2f}:1 ({lowest[1]}) on {background}")
    # The colour pairs book.css declares for output, as /* contrast: FG on BG */ comments next to the rules.
    css = open(os.path.join(ROOT, "book", "_static", "book.css"), encoding="utf-8").read()
    pairs = re.findall(r"/\* contrast: (#[0-9a-fA-F]{3,6}) on (#[0-9a-fA-F]{3,6}) \*/", css)
    for fg, bg in pairs:
        r = ratio(fg, bg)
        if r < MINIMUM:
            failures.append(f"book.css: {fg} on {bg} is {r:.2f}:1")
    print(f"book.css: {len(pairs)} declared colour pairs checked")
    for f in failures:
        print("FAIL:", f)
    print(f"{'0 failed' if not failures else str(len(failures)) + ' failed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
