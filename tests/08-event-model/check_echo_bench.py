"""Output check of chapter 8's echo_bench: every server answered at every connection count, each event loop
used one thread and the thread-per-connection server one thread per connection. Times and ratios are never
asserted; expectations() says what a quiet machine shows."""
import re

ROW = re.compile(r"^(\d+)\s+(book loop|libuv|Boost\.Asio|threads|Node\.js|io_uring)\s+(\d+) \(\s*(\d+)-\s*(\d+)\)"
                 r"\s+([\d.]+) \(\s*([\d.]+)-\s*([\d.]+)\)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)$")


def parse(output):
    out = {}
    for line in output.splitlines():
        m = ROW.match(line)
        if m:
            out[(m.group(2), int(m.group(1)))] = {"tput": float(m.group(3)), "cpu": float(m.group(6)),
                                                  "threads": int(m.group(12))}
    return out


def check(output, args):
    # --conns is a list ("1,100,1000"), which checklib's int_option does not read: taken as it is given.
    conns = next((b for a, b in zip(args, args[1:]) if a == "--conns"),
                 next((a.split("=", 1)[1] for a in args if a.startswith("--conns=")), "1,100,1000"))
    counts = [int(c) for c in conns.split(",") if c]
    table = parse(output)
    assert "open-file limit: soft" in output
    servers = {s for s, _ in table}
    assert "book loop" in servers, "the book's loop did not run"
    assert "threads" in servers, "the thread-per-connection server did not run"
    for s in servers:
        for c in counts:
            assert (s, c) in table, f"no row for {s} at {c} connections"
            assert table[(s, c)]["tput"] > 0, f"{s} echoed nothing at {c} connections"
    for c in counts:
        assert table[("book loop", c)]["threads"] == 1, "the book's loop used more than one thread"
        assert table[("threads", c)]["threads"] >= c + 1, "thread-per-connection: fewer threads than connections"
    for line in output.splitlines():
        if "skipped" in line:
            assert re.search(r"io_uring: skipped \(unavailable: io_uring_setup refused", line), line


def expectations(output, args):
    table = parse(output)
    out = []
    for c in sorted({c for _, c in table}):
        if ("book loop", c) in table and ("libuv", c) in table:
            r = table[("book loop", c)]["cpu"] / table[("libuv", c)]["cpu"]
            out.append((f"{c} connections: the book's loop within 1.1x libuv's CPU time per message", r <= 1.1,
                        f"{r:.2f}x"))
        if c >= 100 and ("threads", c) in table and ("book loop", c) in table:
            r = table[("threads", c)]["cpu"] / table[("book loop", c)]["cpu"]
            out.append((f"{c} connections: thread-per-connection costs more CPU per message than the loop",
                        r > 1.0, f"{r:.2f}x"))
    return out
