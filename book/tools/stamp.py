"""The stamp shown under every captured output: where and how the numbers were taken."""
import datetime
import fcntl
import json
import os
import platform
import re
import shutil
import subprocess


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "Model", "Hardware", "cpu model"):
                    return " ".join(value.split())
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _virtualisation():
    tool = shutil.which("systemd-detect-virt")
    if tool:
        try:
            out = subprocess.run([tool], capture_output=True, text=True, timeout=5).stdout.strip()
            if out:
                return out  # "none" on bare metal, "kvm", "docker", ...
        except (OSError, subprocess.TimeoutExpired):
            pass
    try:
        with open("/proc/cpuinfo") as f:
            if " hypervisor" in f.read():
                vendor = ""
                try:
                    with open("/sys/class/dmi/id/sys_vendor") as v:
                        vendor = v.read().strip()
                except OSError:
                    pass
                return f"hypervisor present{' (' + vendor + ')' if vendor else ''}"
    except OSError:
        pass
    return "none detected"


def _run(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (p.stdout.strip() or p.stderr.strip()) if p.returncode == 0 else ""


def _first_line(text):
    return text.splitlines()[0].strip() if text else ""


def _dpkg(package):
    return _run(["dpkg-query", "-W", "-f=${Version}", package])


def _pkg_config(module):
    return _run(["pkg-config", "--modversion", module])


def _node_versions():
    text = _run(["node", "-p", "JSON.stringify(process.versions)"])
    try:
        return json.loads(text)
    except ValueError:
        return {}


def _boost():
    try:
        with open("/usr/include/boost/version.hpp") as f:
            m = re.search(r'#define BOOST_LIB_VERSION "([\d_]+)"', f.read())
            if m:
                return m.group(1).replace("_", ".")
    except OSError:
        pass
    return _dpkg("libboost-dev")


def _version_of(name):
    """The version of one external runtime or library, read from the tool itself where it can say."""
    if name in ("node", "uv"):
        v = _node_versions().get(name, "")
        return (f"node {v}" if name == "node" else f"libuv {v} (node's own)") if v else ""
    readers = {
        "go": lambda: _run(["/usr/bin/go", "version"]),
        "rustc": lambda: _run(["/usr/bin/rustc", "-V"]),
        "cargo": lambda: _run(["/usr/bin/cargo", "-V"]),
        "mpirun": lambda: _first_line(_run(["mpirun", "--version"])),
        "python": lambda: _run(["/usr/bin/python3", "--version"]),
        "tbb": lambda: "oneTBB " + (_pkg_config("tbb") or _dpkg("libtbb-dev")),
        "boost": lambda: "Boost " + _boost(),
        "libuv": lambda: "libuv " + (_pkg_config("libuv") or _dpkg("libuv1-dev")),
        "liburing": lambda: "liburing " + (_pkg_config("liburing") or _dpkg("liburing-dev")),
        "openmp": lambda: "libgomp " + _dpkg("libgomp1"),
        "gdb": lambda: _first_line(_run(["gdb", "--version"])),
        "clang": lambda: _first_line(_run(["clang++", "--version"])),
    }
    reader = readers.get(name, lambda: _first_line(_run([name, "--version"])))
    v = reader()
    return "" if v.endswith(" ") else v


def runtime_versions(names, cache_path=None):
    """{name: version text} for every runtime in names, cached per build in cache_path (JSON), since
    asking node or mpirun costs a fraction of a second each. A runtime that cannot be found reads
    'not found'."""
    if not names:
        return {}
    cache = {}
    lock = None
    if cache_path:
        os.makedirs(os.path.dirname(cache_path), exist_ok=True)
        lock = open(cache_path + ".lock", "w")
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with open(cache_path) as f:
                cache = json.load(f)
        except (OSError, ValueError):
            cache = {}
    changed = False
    for name in names:
        if name not in cache:
            cache[name] = _version_of(name) or "not found"
            changed = True
    if cache_path and changed:
        with open(cache_path + ".tmp", "w") as f:
            json.dump(cache, f, indent=1)
        os.replace(cache_path + ".tmp", cache_path)
    if lock:
        lock.close()
    return {name: cache[name] for name in names}


def make_stamp(compiler="", flags="", runtimes=None, contention=None):
    """A dict describing the machine, the toolchain and the moment of a capture.

    runtimes: {name: version} of the external runtimes the capture used (runtime_versions);
    contention: what other programs took while it ran (contention.combine), with its one-line reading.
    """
    load = os.getloadavg()
    return {
        "compiler": compiler,
        "flags": flags,
        "cpu_model": _cpu_model(),
        "cpus_available": len(os.sched_getaffinity(0)),
        "cpus_online": os.cpu_count(),
        "virtualisation": _virtualisation(),
        "load_average": [round(x, 2) for x in load],
        "kernel": f"{platform.system()} {platform.release()} {platform.machine()}",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "runtimes": dict(runtimes or {}),
        "contention": contention,
        "contention_reading": contention["reading"] if contention else "not measured",
    }


def stamp_line(stamp):
    """The stamp as one line of text, as the book prints it."""
    parts = []
    if stamp.get("compiler"):
        parts.append(f"{stamp['compiler']} {stamp.get('flags', '')}".strip())
    parts += [
        stamp["cpu_model"],
        f"{stamp['cpus_available']} of {stamp['cpus_online']} CPUs available",
        f"virtualisation: {stamp['virtualisation']}",
        "load average " + " ".join(f"{x:.2f}" for x in stamp["load_average"]),
        stamp["kernel"],
        stamp["date"],
    ]
    parts[-2:-2] = list((stamp.get("runtimes") or {}).values())
    if stamp.get("contention_reading"):
        parts.insert(-2, "competition: " + stamp["contention_reading"])
    return " · ".join(parts)
