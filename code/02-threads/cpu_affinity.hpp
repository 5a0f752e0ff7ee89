// cpu_affinity.hpp: which CPUs the calling thread may run on, and how to narrow that set
// for a while.
#pragma once

#include <sched.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace book::threads {

/**
 * @brief The CPUs the calling thread is allowed to run on (its affinity mask), in
 * increasing order.
 *
 * This is the number that matters for "how many threads can run at once": a
 * container, `taskset`, a cgroup cpuset or a batch scheduler may allow fewer
 * CPUs than the machine has, and `std::thread::hardware_concurrency()` does
 * not know about any of them. Wraps sched_getaffinity(2) for thread 0 (the
 * caller). Throws std::system_error if the kernel refuses.
 *
 * @code
 * auto cpus = book::threads::allowed_cpus();     // for example {0, 1}
 * std::printf("%zu CPUs allowed\n", cpus.size());
 * @endcode
 */
inline std::vector<int> allowed_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        throw std::system_error(errno, std::generic_category(), "sched_getaffinity");
    std::vector<int> cpus;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
        if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
    return cpus;
}

/// The number of CPUs the calling thread may run on: `allowed_cpus().size()`, never 0.
inline unsigned allowed_cpu_count() {
    return static_cast<unsigned>(allowed_cpus().size());
}

/**
 * @brief Restricts the calling thread to a set of CPUs until the guard is destroyed.
 *
 * On Linux the affinity mask belongs to a thread, and a new thread inherits
 * the mask of the thread that creates it. So a guard made in `main` before
 * starting workers confines those workers too; the guard's destructor
 * restores the caller's previous mask (threads already started keep theirs).
 *
 * Misuse fails loudly: an empty CPU list, or a CPU outside the set the thread
 * is currently allowed, throws std::invalid_argument.
 *
 * @code
 * {
 *     book::threads::AffinityGuard one_cpu({book::threads::allowed_cpus().front()});
 *     std::jthread a(work), b(work);   // both share one CPU: the scheduler slices time
 * between them }                                    // the caller's previous mask is back
 * @endcode
 */
class AffinityGuard {
public:
    /// Confines the calling thread (and the threads it creates from now on) to @p cpus.
    explicit AffinityGuard(const std::vector<int>& cpus)
        : owner_(std::this_thread::get_id()) {
        if (cpus.empty())
            throw std::invalid_argument("AffinityGuard: the CPU list is empty");
        if (sched_getaffinity(0, sizeof previous_, &previous_) != 0)
            throw std::system_error(errno, std::generic_category(), "sched_getaffinity");
        cpu_set_t wanted;
        CPU_ZERO(&wanted);
        for (int cpu : cpus) {
            if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &previous_))
                throw std::invalid_argument(
                    "AffinityGuard: CPU " + std::to_string(cpu) +
                    " is not in the calling thread's allowed set");
            CPU_SET(cpu, &wanted);
        }
        if (sched_setaffinity(0, sizeof wanted, &wanted) != 0)
            throw std::system_error(errno, std::generic_category(), "sched_setaffinity");
    }

    /// Restores the mask the calling thread had before the guard was made.
    ~AffinityGuard() {
        // The mask belongs to one thread: restoring it from another thread would change
        // the wrong one.
        if (std::this_thread::get_id() == owner_)
            (void)sched_setaffinity(0, sizeof previous_, &previous_);
    }

    AffinityGuard(const AffinityGuard&) = delete;             ///< one guard, one restore
    AffinityGuard& operator=(const AffinityGuard&) = delete;  ///< one guard, one restore

private:
    cpu_set_t previous_{};
    std::thread::id owner_;
};

}  // namespace book::threads
