// worker_count.hpp: how many CPU-bound worker threads a program should start: the
// affinity mask, capped by the cgroup CPU quota (cgroup v1 and v2).
#pragma once

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <sys/stat.h>

#include "cpu_affinity.hpp"

namespace book::threads {

/**
 * @brief A CPU quota read from a cgroup: so many CPUs' worth of time per period.
 */
struct CpuQuota {
    double cpus = 0;   ///< quota divided by period, for example 1.5
    std::string file;  ///< the file it was read from, for reports
};

namespace detail {
inline std::optional<std::string> read_text(const std::string& path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

inline bool is_directory(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// "/a/b" -> "/a"; "/a" -> "" (the root of the hierarchy).
inline std::string parent_of(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

// The cgroup path of this process in the hierarchy whose controller list (the
// second field of a /proc/self/cgroup line) satisfies `wanted`.
template <class Wanted>
std::optional<std::string> cgroup_path(std::string_view self_cgroup, Wanted wanted) {
    std::istringstream lines{std::string(self_cgroup)};
    for (std::string line; std::getline(lines, line);) {
        const auto first = line.find(':');
        const auto second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos) continue;
        if (wanted(std::string_view(line).substr(first + 1, second - first - 1))) {
            std::string path = line.substr(second + 1);
            if (path == "/") path.clear();
            return path;
        }
    }
    return std::nullopt;
}

inline bool names_cpu_controller(std::string_view controllers) {
    while (!controllers.empty()) {
        const auto comma = controllers.find(',');
        if (controllers.substr(0, comma) == "cpu") return true;
        if (comma == std::string_view::npos) break;
        controllers.remove_prefix(comma + 1);
    }
    return false;
}

// The smallest quota found in `dir` and its ancestors up to `top` (a parent's
// limit applies to everything below it), read by `read_at`.
template <class ReadAt>
std::optional<CpuQuota> smallest_quota(const std::string& top, std::string dir,
                                       ReadAt read_at) {
    if (!is_directory(top + dir)) dir.clear();  // a container sees its own root
    std::optional<CpuQuota> best;
    for (;;) {
        const auto here = read_at(top + dir);
        if (here && (!best || here->cpus < best->cpus)) best = here;
        if (dir.empty()) return best;
        dir = parent_of(dir);
    }
}
}  // namespace detail

/**
 * @brief Parses the contents of a cgroup v2 `cpu.max` file: "QUOTA PERIOD" in
 * microseconds, or "max PERIOD" for no quota.
 *
 * @return QUOTA / PERIOD, or std::nullopt for "max" and for text that is not in
 *         that form.
 */
inline std::optional<double> parse_cpu_max(std::string_view text) {
    std::istringstream in{std::string(text)};
    std::string quota;
    long long period = 0;
    if (!(in >> quota >> period) || period <= 0 || quota == "max") return std::nullopt;
    try {
        std::size_t used = 0;
        const long long q = std::stoll(quota, &used);
        if (used != quota.size() || q <= 0) return std::nullopt;
        return static_cast<double>(q) / static_cast<double>(period);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

/**
 * @brief Parses cgroup v1's `cpu.cfs_quota_us` and `cpu.cfs_period_us` contents.
 *
 * @return quota / period, or std::nullopt when the quota is -1 (none) or either
 *         text is not a positive number.
 */
inline std::optional<double> parse_cfs_quota(std::string_view quota_text,
                                             std::string_view period_text) {
    try {
        const long long quota = std::stoll(std::string(quota_text));
        const long long period = std::stoll(std::string(period_text));
        if (quota <= 0 || period <= 0) return std::nullopt;
        return static_cast<double>(quota) / static_cast<double>(period);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

/**
 * @brief The CPU quota of this process's cgroup, if one is set, for cgroup v2 and
 * v1.
 *
 * Under cgroup v2 (a `cgroup.controllers` file at @p root) it reads `cpu.max` of the
 * process's cgroup and of each ancestor; under v1 it reads `cpu.cfs_quota_us` and
 * `cpu.cfs_period_us` in the `cpu` controller's hierarchy (mounted at `root/cpu` or
 * `root/cpu,cpuacct`). The smallest quota found wins, since a parent's limit applies
 * to all below it. When the process's cgroup path does not exist under the mount
 * (inside a container, which sees its own cgroup as the root), the root is read.
 *
 * @param root where the cgroup file systems are mounted.
 * @param self_cgroup the text of `/proc/self/cgroup` (a parameter so that tests can
 *        give a made-up hierarchy).
 * @return the smallest quota, or std::nullopt when none is set or nothing can be
 *         read.
 */
inline std::optional<CpuQuota> cgroup_cpu_quota(const std::string& root,
                                                std::string_view self_cgroup) {
    if (detail::read_text(root + "/cgroup.controllers")) {  // cgroup v2
        const auto path = detail::cgroup_path(
            self_cgroup, [](std::string_view c) { return c.empty(); });
        if (!path) return std::nullopt;
        return detail::smallest_quota(
            root, *path, [](const std::string& dir) -> std::optional<CpuQuota> {
                const auto text = detail::read_text(dir + "/cpu.max");
                if (!text) return std::nullopt;
                const auto cpus = parse_cpu_max(*text);
                if (!cpus) return std::nullopt;
                return CpuQuota{*cpus, dir + "/cpu.max"};
            });
    }
    const auto path = detail::cgroup_path(self_cgroup, detail::names_cpu_controller);
    if (!path) return std::nullopt;
    for (const char* mount : {"/cpu", "/cpu,cpuacct", "/cpuacct,cpu"}) {
        if (!detail::is_directory(root + mount)) continue;
        return detail::smallest_quota(
            root + mount, *path, [](const std::string& dir) -> std::optional<CpuQuota> {
                const auto quota = detail::read_text(dir + "/cpu.cfs_quota_us");
                const auto period = detail::read_text(dir + "/cpu.cfs_period_us");
                if (!quota || !period) return std::nullopt;
                const auto cpus = parse_cfs_quota(*quota, *period);
                if (!cpus) return std::nullopt;
                return CpuQuota{*cpus, dir + "/cpu.cfs_quota_us"};
            });
    }
    return std::nullopt;
}

/// The CPU quota of this process's cgroup: cgroup_cpu_quota() with the system's
/// `/sys/fs/cgroup` and `/proc/self/cgroup`.
inline std::optional<CpuQuota> this_process_cpu_quota() {
    return cgroup_cpu_quota("/sys/fs/cgroup",
                            detail::read_text("/proc/self/cgroup").value_or(""));
}

/**
 * @brief How many CPU-bound workers to start: the number of CPUs in the affinity
 * mask, capped by a CPU quota rounded up, and at least 1.
 *
 * A quota of 1.5 CPUs allows two workers: two threads can use the 1.5 CPUs' worth
 * of time, one cannot. The JVM rounds up in the same way when it sizes its pools;
 * Go's automaxprocs library reads the same files but rounds down, preferring a CPU
 * left idle to a worker throttled.
 *
 * @code
 * book::threads::worker_count(64, 2.0);          // 2: a container with --cpus=2
 * book::threads::worker_count(2, std::nullopt);  // 2: no quota, two CPUs allowed
 * @endcode
 */
inline unsigned worker_count(unsigned affinity_cpus, std::optional<double> quota_cpus) {
    unsigned n = std::max(affinity_cpus, 1u);
    if (quota_cpus && *quota_cpus > 0)
        n = std::min(n, static_cast<unsigned>(std::max(1.0, std::ceil(*quota_cpus))));
    return n;
}

/// worker_count() for this process: its affinity mask and its cgroup's quota.
inline unsigned this_process_worker_count() {
    const auto quota = this_process_cpu_quota();
    return worker_count(allowed_cpu_count(),
                        quota ? std::optional<double>(quota->cpus) : std::nullopt);
}

}  // namespace book::threads
