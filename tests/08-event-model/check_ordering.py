"""Output check of chapter 8's ordering program: each script's lines from Node.js and from the book's loop are
identical, and match the order Node.js guarantees for that script."""
import re

# What Node guarantees for each script (each was written so that nothing in it depends on timing).
EXPECTED = {
    "basics": ["script start", "script end", "nextTick 1", "nextTick 2", "promise 1", "microtask", "promise 2",
               "timeout"],
    "nested": ["tick A", "tick from tick A", "promise B", "promise from tick A", "promise from promise B",
               "tick from promise B", "timeout 1", "tick from timeout 1", "promise from timeout 1", "timeout 2"],
    "async_await": ["script start", "a start", "script end", "a after await 1", "b start", "promise 1",
                    "b after await", "promise 2", "a after await b", "promise 3", "a done"],
    "immediate_io": ["main: timeout", "main: immediate", "io: callback", "io: immediate", "io: timeout"],
    "microtask_timer": ["promise", "timeout A", "promise in timeout A", "timeout B", "timeout from promise",
                        "timeout from promise in A"],
    "interval_cleared": ["interval 1", "interval 2", "interval 3", "promise clears the interval",
                         "timeout after the interval"],
    "promise_chain": ["a 1", "b 1", "caught boom", "b 2", "b 3", "a got 2", "b 4"],
    "unhandled": ["microtask 1", "microtask 2", "caught: caught in time", "unhandled: nobody catches me",
                  "timeout"],
}


def blocks(output):
    current = None
    out = {}
    for line in output.splitlines():
        m = re.match(r"^== (\w+)\.cjs: ", line)
        if m:
            current = m.group(1)
            out[current] = []
        elif current and not line.startswith(("identical:", "scripts whose")):
            out[current].append(line)
    return out


def check(output, args):
    found = blocks(output)
    wanted = [a for i, a in enumerate(args) if i > 0 and args[i - 1] == "--script"]
    names = list(EXPECTED) if not wanted or wanted[0] == "all" else wanted
    assert sorted(found) == sorted(names), f"scripts run: {sorted(found)}"
    with_node = "--node" in args
    for name in names:
        lines = found[name]
        if with_node:
            assert lines and re.match(r"^node\s+\| book loop$", lines[0]), f"{name}: no side-by-side header"
            rows = [tuple(part.strip() for part in l.split(" | ", 1)) for l in lines[1:]]
            node = [r[0] for r in rows]
            book = [r[1] for r in rows]
            assert node == book, f"{name}: Node.js and the book's loop differ: {node} vs {book}"
            assert node == EXPECTED[name], f"{name}: Node.js printed {node}"
        else:
            book = lines
        assert book == EXPECTED[name], f"{name}: the book's loop printed {book}"
    if with_node:
        assert "scripts whose orders differ: 0" in output
