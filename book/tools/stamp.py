"""The stamp shown under every captured output: where and how the numbers were taken."""
import datetime
import os
import platform
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


def make_stamp(compiler="", flags=""):
    """A dict describing the machine, the toolchain and the moment of a capture."""
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
    return " · ".join(parts)
