"""Every echo server of chapter 8 against bad clients: garbage bytes, a half-closed connection, a
connection reset in the middle of a message, and one reset while the server still has echo to send.
None may crash the server or leak a descriptor: the server's own descriptor count
(/proc/PID/fd) comes back to what it was before the clients came, a fresh client is still served,
and the server ends with status 0 when its standard input closes (under the sanitizer presets, a
leak or a race report would make that status non-zero).

Usage: servers_bad_input.py --bindir DIR [--node NODE --script echo.js] SERVER...
SERVER is a program name in DIR (echo_loop, echo_uv, ...) or 'node'. A server that is not built
here (echo_asio under the tsan preset) or whose kernel interface is refused (io_uring_setup in some
containers) is skipped with its reason printed; everything else must pass."""
import argparse
import os
import socket
import struct
import subprocess
import sys
import time

SCALE = float(os.environ.get("BOOK_TIMEOUT_SCALE", "1") or 1)
DEADLINE = 60.0 * max(1.0, SCALE)  # a bounded wait, never a threshold: a correct server is far quicker


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def read_exactly(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def reset(s):
    """Close with RST instead of FIN: the peer sees ECONNRESET, mid-conversation."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def wait_until(what, predicate):
    end = time.monotonic() + DEADLINE
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting ({DEADLINE:.0f} s): {what}")
        time.sleep(0.01)  # polling the kernel's view; the assertion is the condition, not the time


def bad_clients(port):
    """Runs the four bad clients; returns how many connections they made."""
    junk = b"\x00\xff\x01binary\r\n\x7f" + bytes(range(256))
    garbage = connect(port)
    garbage.sendall(junk)
    assert read_exactly(garbage, len(junk)) == junk, "garbage was not echoed byte for byte"

    half = connect(port)
    half.sendall(b"bye")
    half.shutdown(socket.SHUT_WR)  # half-closed: the echo must still come back, then end of file
    assert read_exactly(half, 3) == b"bye", "no echo after a half-close"
    assert half.recv(1) == b"", "the server did not close its side after the client's end of file"

    partial = connect(port)
    partial.sendall(b"partial mess")  # a message cut off: the client vanishes with RST
    reset(partial)

    flood = connect(port)  # the server has echo to send when the client resets
    flood.setblocking(False)
    sent = 0
    try:
        while sent < 4 << 20:
            sent += flood.send(b"x" * 65536)
    except BlockingIOError:
        pass
    reset(flood)

    garbage.close()
    half.close()
    return 4


def run_one(name, argv):
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    line = proc.stdout.readline().decode().strip()
    if not line.startswith("port "):
        proc.stdin.close()
        proc.wait(timeout=DEADLINE)
        if line.startswith("unavailable:"):
            print(f"{name}: skipped, {line}")
            return True
        print(f"{name}: FAILED, no port line (got {line!r}, status {proc.returncode})")
        return False
    port = int(line.split()[1])
    try:
        # One well-behaved client first, so that what a server opens once on first use (a
        # thread pool's wake-up descriptor, say) is in the baseline and not taken for a leak.
        ok = connect(port)
        ok.sendall(b"hello\n")
        assert read_exactly(ok, 6) == b"hello\n", "a plain echo failed"
        with_one = fd_count(proc.pid)  # the server has accepted it: it answered
        ok.close()
        before = with_one - 1
        wait_until(f"the plain client's descriptor closed ({before} descriptors)",
                   lambda: fd_count(proc.pid) == before or proc.poll() is not None)
        bad_clients(port)
        wait_until(f"descriptors back to {before}",
                   lambda: fd_count(proc.pid) == before or proc.poll() is not None)
        assert proc.poll() is None, f"the server died (status {proc.returncode})"
        after = fd_count(proc.pid)
        assert after == before, f"descriptors: {before} before the bad clients, {after} after"
        again = connect(port)
        again.sendall(b"still here")
        assert read_exactly(again, 10) == b"still here", "no echo after the bad clients"
        again.close()
    except (AssertionError, OSError) as e:
        proc.kill()
        proc.wait()
        print(f"{name}: FAILED, {e}")
        return False
    proc.stdin.close()
    status = proc.wait(timeout=DEADLINE)
    if status != 0:
        print(f"{name}: FAILED, exit status {status} after its input closed")
        return False
    print(f"{name}: garbage echoed, half-close answered, two resets survived; "
          f"descriptors {before} before and {after} after; exit 0")
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bindir", required=True)
    ap.add_argument("--node")
    ap.add_argument("--script")
    ap.add_argument("--emulator", default="",
                    help="run the servers through this emulator (a cross-built preset)")
    ap.add_argument("servers", nargs="+")
    a = ap.parse_args()
    ok = True
    for name in a.servers:
        if name == "node":
            if not (a.node and a.script):
                print("node: skipped, node is not installed on this machine")
                continue
            argv = [a.node, a.script]
        else:
            path = os.path.join(a.bindir, name)
            if not os.path.exists(path):
                print(f"{name}: skipped, not built in this preset")
                continue
            argv = a.emulator.split() + [path]
        ok = run_one(name, argv) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
