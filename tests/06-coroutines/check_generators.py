"""Output check of chapter 6's generators program: the exact order of control transfer, the values, and frame ownership."""
import re

from checklib import int_option, section_lines  # book/tools/checklib.py


def _section(output, title):
    return section_lines(output, title)


def _fib(n):
    a, b = 0, 1
    out = []
    for _ in range(n):
        out.append(a)
        a, b = b, a + b
    return out


def check(output, args):
    steps = int_option(args, "--steps", 3)
    fib = int_option(args, "--fib", 12)
    even = int_option(args, "--even", 6)

    # The hand-overs are deterministic: the exact sequence of lines is the claim of the section.
    expected = [f"caller: calling numbers({steps})", "caller: got the generator; the body has not run yet"]
    if steps > 0:
        expected.append(f"  coroutine: body starts (n = {steps})")
        for i in range(1, steps + 1):
            expected += [f"  coroutine: co_yield {i}", f"caller: received {i}", f"  coroutine: resumed after yielding {i}"]
        expected.append("  coroutine: body ends")
    else:
        expected += ["  coroutine: body starts (n = 0)", "  coroutine: body ends"]
    expected.append("caller: loop over")
    got = _section(output, "control transfer")
    assert got == expected, "the control-transfer trace differs from the expected order:\n" + "\n".join(got)

    line = "\n".join(_section(output, "fibonacci"))
    assert f"first {fib} Fibonacci numbers: " + " ".join(map(str, _fib(fib))) in line, "wrong Fibonacci numbers"

    pipe = "\n".join(_section(output, "lazy pipeline"))
    assert "pipeline built; Fibonacci values produced so far: 0" in pipe, "building the pipeline ran the source"
    evens = [v for v in _fib(200) if v % 2 == 0][:even]
    assert f"first {even} even Fibonacci numbers: " + " ".join(map(str, evens)) in pipe, "wrong even Fibonacci numbers"
    produced = int(re.search(r"Fibonacci values produced to find them: (\d+)", pipe).group(1))
    # The last even value wanted is F(3*(even-1)); a lazy pipeline stops right there.
    assert produced == 3 * (even - 1) + 1, f"the pipeline pulled {produced} values; laziness would pull {3 * (even - 1) + 1}"

    own = "\n".join(_section(output, "frame ownership"))
    # g++ allocates the frame on the heap; clang may elide the allocation (then both counts are 0).
    left = re.search(r"managed: after the generator left scope, allocated: (\d+), freed: (\d+)", own)
    assert left, "ownership line missing"
    assert left.group(1) == left.group(2) and left.group(1) in ("0", "1"), "the generator did not free its frame"
    assert "leaky:   after the object left scope, frames alive: 1" in own, "the leaky coroutine's frame is not shown alive"
    assert "leaky:   after an explicit handle.destroy(), frames alive: 0" in own, "destroy() did not free the frame"

    misuse = "\n".join(_section(output, "misuse"))
    assert "after the last value: finished = yes" in misuse
    assert "advancing once more: std::logic_error:" in misuse, "advancing past the end did not fail loudly"
