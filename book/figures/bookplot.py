"""Shared look of the book's figures: a colour-blind-safe palette, and one light and one dark version of each figure.

A chapter's figure script calls draw_both(draw, out_stem); draw(fig, theme) draws on a fresh
matplotlib Figure using theme.palette (Okabe-Ito colours) and theme.fg / theme.muted for text and grid.
"""
import csv
import sys
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# Okabe & Ito (2008), "Color Universal Design": distinguishable with the common colour-vision deficiencies.
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999"]


@dataclass
class Theme:
    name: str
    fg: str
    muted: str
    bg: str
    palette: list


LIGHT = Theme("light", fg="#1f2328", muted="#8c959f", bg="#ffffff", palette=OKABE_ITO)
# furo's dark background is near #131416; text and grid are lightened to stay readable on it.
DARK = Theme("dark", fg="#e6e6e6", muted="#6e7681", bg="#131416", palette=OKABE_ITO)


def _style(theme):
    return {
        "text.color": theme.fg,
        "axes.labelcolor": theme.fg,
        "axes.edgecolor": theme.muted,
        "xtick.color": theme.fg,
        "ytick.color": theme.fg,
        "grid.color": theme.muted,
        "grid.alpha": 0.35,
        "axes.facecolor": "none",
        "figure.facecolor": "none",
        "savefig.transparent": True,
        "legend.frameon": False,
        "font.size": 10,
        "svg.fonttype": "none",
        "svg.hashsalt": "book",  # deterministic ids: rebuilding the same data gives the same file
    }


def draw_both(draw, out_stem, figsize=(7.0, 3.6)):
    """Draws the figure twice (light, dark) and writes OUT_STEM-light.svg and OUT_STEM-dark.svg."""
    for theme in (LIGHT, DARK):
        with plt.rc_context(_style(theme)):
            fig = plt.figure(figsize=figsize)
            draw(fig, theme)
            fig.tight_layout()
            fig.savefig(f"{out_stem}-{theme.name}.svg", metadata={"Date": None})
            plt.close(fig)


def read_csv(path):
    """Rows of a CSV file with a header line, as a list of dicts of strings."""
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def data_args(argv=None):
    """Parses the figure script's command line: FIGURE_NAME OUT_STEM program:path ... -> (name, stem, {program:file: path})."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) < 2:
        sys.exit("usage: FIGURE_NAME OUT_STEM [program:file=path ...]")
    data = {}
    for item in argv[2:]:
        key, _, path = item.partition("=")
        data[key] = path
    return argv[0], argv[1], data
