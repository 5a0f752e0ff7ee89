"""Output check of chapter 7's ucontext_pingpong: both variants made every switch."""
import re


def check(output, args):
    impl = "both"
    rounds = 1000
    for i, a in enumerate(args):
        if a == "--impl":
            impl = args[i + 1]
        if a == "--rounds":
            rounds = int(args[i + 1])
    for name in ("ucontext", "book"):
        if impl in (name, "both"):
            assert f"{name}: {rounds} round trips, {2 * rounds} switches" in output, name
