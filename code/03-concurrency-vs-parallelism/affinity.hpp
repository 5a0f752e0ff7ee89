// affinity.hpp: which CPUs this process may run on, and confining the calling thread (and
// the threads it starts) to some of them.
#pragma once

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <sched.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace book::cvp {

namespace detail {

inline std::runtime_error os_error(const char* what) {
    return std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}

inline cpu_set_t to_cpu_set(const std::vector<int>& cpus) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int cpu : cpus) {
        if (cpu < 0 || cpu >= CPU_SETSIZE)
            throw std::invalid_argument("CPU number out of range: " +
                                        std::to_string(cpu));
        CPU_SET(cpu, &set);
    }
    return set;
}

inline std::vector<int> from_cpu_set(const cpu_set_t& set) {
    std::vector<int> cpus;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
        if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
    return cpus;
}

}  // namespace detail

/**
 * @brief The CPUs the calling thread may run on (its affinity mask), in increasing order.
 *
 * This, not std::thread::hardware_concurrency(), is the number of CPUs a
 * program can use at once: `taskset`, a container runtime or a batch
 * scheduler may have narrowed the mask to fewer CPUs than the machine has.
 *
 * @code
 * auto cpus = book::cvp::allowed_cpus();   // for example {0, 1}
 * @endcode
 * @throws std::runtime_error when sched_getaffinity fails.
 */
inline std::vector<int> allowed_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        throw detail::os_error("sched_getaffinity");
    return detail::from_cpu_set(set);
}

/**
 * @brief The CPU the calling thread is running on at this instant (sched_getcpu).
 *
 * The answer may be stale as soon as it is returned: the scheduler may move
 * the thread to another CPU of its mask at any time.
 * @throws std::runtime_error when sched_getcpu fails.
 */
inline int current_cpu() {
    const int cpu = sched_getcpu();
    if (cpu < 0) throw detail::os_error("sched_getcpu");
    return cpu;
}

/// Formats a CPU list compactly, for example `{0-3,6}`.
inline std::string format_cpus(const std::vector<int>& cpus) {
    std::string out = "{";
    for (std::size_t i = 0; i < cpus.size();) {
        std::size_t j = i;
        while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
        if (i > 0) out += ",";
        out += std::to_string(cpus[i]);
        if (j > i) out += "-" + std::to_string(cpus[j]);
        i = j + 1;
    }
    return out + "}";
}

/**
 * @brief Confines the calling thread to a set of CPUs for the lifetime of this object.
 *
 * Threads created while it is alive inherit the narrowed mask (see
 * pthread_create(3)), so confining the thread that starts the workers
 * confines the workers too. The destructor restores the mask the thread had
 * before; threads already started keep the mask they inherited.
 *
 * @code
 * {
 *     book::cvp::ScopedAffinity one_cpu({book::cvp::allowed_cpus().front()});
 *     std::jthread worker(work);   // runs only on that CPU
 * }                                // the starting thread's mask is restored
 * @endcode
 */
class ScopedAffinity {
public:
    /// Restricts the calling thread to @p cpus; throws std::invalid_argument if it is
    /// empty or names a CPU outside the current mask.
    explicit ScopedAffinity(const std::vector<int>& cpus) {
        if (cpus.empty()) throw std::invalid_argument("ScopedAffinity: no CPU given");
        CPU_ZERO(&previous_);
        if (sched_getaffinity(0, sizeof previous_, &previous_) != 0)
            throw detail::os_error("sched_getaffinity");
        for (int cpu : cpus)
            if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &previous_))
                throw std::invalid_argument("ScopedAffinity: CPU " + std::to_string(cpu) +
                                            " is not in the affinity mask");
        cpu_set_t wanted = detail::to_cpu_set(cpus);
        if (sched_setaffinity(0, sizeof wanted, &wanted) != 0)
            throw detail::os_error("sched_setaffinity");
    }
    ScopedAffinity(const ScopedAffinity&) = delete;
    ScopedAffinity& operator=(const ScopedAffinity&) = delete;
    /// Restores the affinity mask the thread had before.
    ~ScopedAffinity() { (void)sched_setaffinity(0, sizeof previous_, &previous_); }

private:
    cpu_set_t previous_;
};

}  // namespace book::cvp
