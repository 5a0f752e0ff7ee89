"""Output check of initonce: each one-time initialisation ran once and was seen whole; the
reader-writer lock admits readers together and a writer alone; the scripted interface race
loses the item."""
import re


def check(output, args):
    for way in ("std::call_once", "function-local static", "double-checked locking"):
        m = re.search(re.escape(way) + r":\s+built (\d+) time\(s\), (\d+) thread\(s\) saw a wrong field", output)
        assert m, f"no line for {way}"
        assert m.group(1) == "1", f"{way}: built {m.group(1)} times instead of once"
        assert m.group(2) == "0", f"{way}: a thread saw a half-built object"
    assert "while one thread holds it shared: another reader gets in, a writer is refused" in output, \
        "shared_mutex: readers must share, a writer must wait"
    assert "once nobody holds it: a writer gets in" in output, "shared_mutex: a free lock refused a writer"
    assert "B: saw an item: yes, popped: yes" in output, "the scripted order: B takes the item"
    assert re.search(r"^A: saw an item: yes, popped: no", output, re.M), \
        "the scripted order: A checked first, but the item was gone when it acted"
