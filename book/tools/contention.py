"""How much CPU other programs took while a capture ran, and a bounded wait for a quiet machine.

The load average cannot tell whether a capture competed with anything: it is damped over a minute, lags
the build's own compile phase, and counts every container on the host. This module measures the
competition during the run itself:

  other programs' CPUs = (busy time of the CPUs in our affinity mask, from their per-CPU lines of
                          /proc/stat) - (our own CPU time and our children's, from getrusage)
                         ------------------------------------------------------------------------
                                                  wall time of the window

clamped at zero and read with a tolerance (tick accounting and softirq work make the difference noisy:
a loopback TCP program reads as -0.2 CPUs). Beside it: the CPU time the hypervisor stole from the mask's
CPUs (the steal column), and the time the cgroup was throttled by a CPU quota (cpu.stat, v1 or v2).
/proc/pressure/cpu counts our own runnable threads as pressure, so it is read only as a short probe before
and after a run, never as the measure of competition during it.

Used by capture.py: `Window` around every run, `wait_for_quiet` before a measurement capture.
"""
import os
import resource
import time

TICK = os.sysconf("SC_CLK_TCK")
# Below this many CPUs used by others, a window reads as quiet. Two ticks of accounting noise per CPU of
# a one-second window are 0.02 CPUs each; scheduler housekeeping, the build tool and the terminal take a
# few percent. A quarter of a CPU is far above both and far below one busy loop.
QUIET_BELOW = 0.25


def _mask():
    return sorted(os.sched_getaffinity(0))


def _cpu_ticks(cpus):
    """(busy, steal) clock ticks summed over the CPUs in cpus, from their lines of /proc/stat."""
    wanted = {f"cpu{c}" for c in cpus}
    busy = steal = 0
    try:
        with open("/proc/stat") as f:
            for line in f:
                if not line.startswith("cpu") or line.startswith("cpu "):
                    continue
                fields = line.split()
                if fields[0] not in wanted:
                    continue
                v = [int(x) for x in fields[1:]] + [0] * 10
                user, nice, system, _idle, _iowait, irq, softirq, st = v[:8]
                busy += user + nice + system + irq + softirq  # guest time is already inside user
                steal += st
    except OSError:
        return None
    return busy, steal


def _cgroup_paths():
    """cpu.stat files that may describe our cgroup (v2 unified, v1 cpu / cpu,cpuacct)."""
    rel = {}
    try:
        with open("/proc/self/cgroup") as f:
            for line in f:
                _, controllers, path = line.rstrip("\n").split(":", 2)
                for c in controllers.split(",") if controllers else [""]:
                    rel[c] = path
    except OSError:
        pass
    candidates = []
    if "" in rel:
        candidates.append(os.path.join("/sys/fs/cgroup", rel[""].lstrip("/"), "cpu.stat"))
    for mount in ("cpu,cpuacct", "cpu", "cpuacct,cpu"):
        candidates.append(os.path.join("/sys/fs/cgroup", mount, rel.get("cpu", "/").lstrip("/"), "cpu.stat"))
    candidates.append("/sys/fs/cgroup/cpu.stat")
    return [p for p in dict.fromkeys(candidates) if os.path.exists(p)]


CGROUP_STAT = _cgroup_paths()


def _throttled_seconds():
    """Seconds our cgroup has spent throttled by its CPU quota so far (v2 throttled_usec, v1 ns)."""
    for path in CGROUP_STAT:
        try:
            with open(path) as f:
                stats = dict(line.split() for line in f if len(line.split()) == 2)
        except (OSError, ValueError):
            continue
        if "throttled_usec" in stats:
            return int(stats["throttled_usec"]) / 1e6
        if "throttled_time" in stats:
            return int(stats["throttled_time"]) / 1e9
    return 0.0


def psi_some_avg10():
    """The 'some avg10' of /proc/pressure/cpu (percent), or None where the kernel lacks it."""
    try:
        with open("/proc/pressure/cpu") as f:
            for line in f:
                if line.startswith("some"):
                    return float(dict(kv.split("=") for kv in line.split()[1:])["avg10"])
    except (OSError, KeyError, ValueError):
        pass
    return None


def _own_seconds():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


class Window:
    """One measurement window: start() before the run, stop() after the child has been waited for.

    The child's CPU time reaches RUSAGE_CHILDREN only once it has been reaped, which Popen.communicate
    does before it returns; so the delta covers the program and any grandchild it waited for.
    """

    def __init__(self):
        self.cpus = _mask()
        self.start()

    def start(self):
        self._t = time.monotonic()
        self._ticks = _cpu_ticks(self.cpus)
        self._own = _own_seconds()
        self._thr = _throttled_seconds()
        self._psi = psi_some_avg10()
        return self

    def stop(self, threshold=QUIET_BELOW):
        wall = max(time.monotonic() - self._t, 1e-6)
        ticks = _cpu_ticks(self.cpus)
        own = _own_seconds() - self._own
        if ticks is None or self._ticks is None:
            busy = steal = 0.0
            available = False
        else:
            busy = (ticks[0] - self._ticks[0]) / TICK
            steal = (ticks[1] - self._ticks[1]) / TICK
            available = True
        raw = (busy - own) / wall
        # The resolution of the tick counters, as CPUs over this window: a short run reads noisier.
        resolution = 2 * len(self.cpus) / TICK / wall
        tolerance = max(threshold, resolution)
        others = max(0.0, raw)
        result = {
            "window_s": round(wall, 3),
            "cpus_in_mask": len(self.cpus),
            "others_cpus": round(others, 2),
            "raw_others_cpus": round(raw, 2),
            "own_cpus": round(own / wall, 2),
            "steal_cpus": round(max(0.0, steal) / wall, 2),
            "throttled_s": round(max(0.0, _throttled_seconds() - self._thr), 3),
            "psi_some_avg10_before": self._psi,
            "psi_some_avg10_after": psi_some_avg10(),
            "tolerance_cpus": round(tolerance, 2),
            "measured": available,
        }
        result["quiet"] = bool(available and others < tolerance and result["steal_cpus"] < tolerance
                               and result["throttled_s"] == 0)
        result["reading"] = reading(result)
        return result


def reading(c):
    """One line a reader understands: 'quiet', or 'busy: other programs used 0.8 CPUs'."""
    if not c.get("measured", True):
        return "not measured (no per-CPU /proc/stat)"
    if c["quiet"]:
        return "quiet"
    parts = []
    if c["others_cpus"] >= c["tolerance_cpus"]:
        parts.append(f"other programs used {c['others_cpus']:.1f} of {c['cpus_in_mask']} CPUs")
    if c["steal_cpus"] >= c["tolerance_cpus"]:
        parts.append(f"the hypervisor stole {c['steal_cpus']:.1f} CPUs")
    if c["throttled_s"] > 0:
        parts.append(f"the CPU quota throttled the build for {c['throttled_s']:.2f} s")
    return "busy: " + ", ".join(parts or ["near the tolerance"])


def combine(windows):
    """The reading of several runs of one capture: the worst of them, with every run's figure."""
    if not windows:
        return None
    worst = max(windows, key=lambda w: (not w["quiet"], w["others_cpus"] + w["steal_cpus"]))
    out = dict(worst)
    out["runs_others_cpus"] = [w["others_cpus"] for w in windows]
    out["quiet"] = all(w["quiet"] for w in windows)
    out["reading"] = reading(out)
    if len(windows) > 1 and out["quiet"]:
        out["reading"] = "quiet"
    elif len(windows) > 1:
        out["reading"] += " (the busiest of its runs; each: " + ", ".join(
            f"{x:.1f}" for x in out["runs_others_cpus"]) + ")"
    return out


class Budget:
    """The build's total time for waiting, shared by every capture through a ledger file.

    The ledger is reset at the start of each build (a CMake target that always runs, ordered before the
    captures), so each build may wait at most its budget in total.
    """

    def __init__(self, path, total):
        self.path, self.total = path, total

    def spent(self):
        try:
            with open(self.path) as f:
                return float(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            return 0.0

    def remaining(self):
        return max(0.0, self.total - self.spent())

    def charge(self, seconds):
        spent = self.spent() + seconds
        if self.path:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            with open(self.path, "w") as f:
                f.write(f"{spent:.3f}\n")


def wait_for_quiet(budget, window_s=0.5, max_wait=30.0, threshold=QUIET_BELOW):
    """Waits, in windows of window_s, until other programs use less than threshold CPUs, at most max_wait
    seconds and at most what remains of the build's budget. Returns a dict: quiet (bool), waited_s, and the
    last window's figures."""
    allowed = min(max_wait, budget.remaining()) if budget else max_wait
    start = time.monotonic()
    last = None
    while True:
        w = Window()
        time.sleep(window_s)
        last = w.stop(threshold)
        waited = time.monotonic() - start
        if last["quiet"] or waited + window_s > allowed:
            break
    waited = time.monotonic() - start
    # The first window is the probe every measurement capture pays; only time beyond it is waiting.
    charged = max(0.0, waited - window_s) if last["quiet"] else waited
    charged = min(charged, allowed)  # a last probe with nothing left to spend is not waiting
    if budget:
        budget.charge(charged)
    return {"quiet": last["quiet"], "waited_s": round(waited, 2), "charged_s": round(charged, 2),
            "last_window": last}
