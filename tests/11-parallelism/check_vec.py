"""Output check of the vectorisation reports: the compiler says it vectorised a loop of simd.cpp."""
import re


def check(output, args):
    lines = [l for l in output.splitlines() if l.startswith("simd.cpp:")]
    assert lines, "the report names lines of simd.cpp"
    assert any(re.search(r"vectori[sz]ed", l) and "not" not in l for l in lines), "at least one loop is vectorised"
