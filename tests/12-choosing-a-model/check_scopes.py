"""Output check of scopes: the task group's guarantees, which hold in every run."""
import re


def _int(pattern, output):
    m = re.search(pattern, output, re.M)
    assert m, f"line missing: {pattern}"
    return [int(g) for g in m.groups()]


def check(output, args):
    children = 4
    if "--children" in args:
        children = int(args[args.index("--children") + 1])
    assert "start_and_forget returned; its work is still running: yes" in output
    assert 'the work failed after its caller returned: "disk full"' in output
    assert f'the scope rethrew: "child {children} failed"' in output, "the failing child's error"
    started, ended, cancelled = _int(r"^children started: (\d+), ended before the scope did: (\d+), "
                                     r"cancelled: (\d+)$", output)
    assert started == ended == children, "every child ended before the scope did"
    assert cancelled == children - 1, "every sibling of the failing child was cancelled"
    thrown, = _int(r"^exceptions thrown: (\d+), rethrown by the scope: 1 \(one of the children's\)$", output)
    assert thrown == children
    spawned, kids, grandkids, ended = _int(r"^spawned: (\d+) \((\d+) children, (\d+) grandchildren\), "
                                           r"grandchildren ended: (\d+)$", output)
    assert spawned == kids + grandkids and ended == grandkids == 2 * kids == 2 * children
