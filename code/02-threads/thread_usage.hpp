// thread_usage.hpp: how much CPU time the calling thread has had, and how often it was
// switched out.
#pragma once

#include <sys/resource.h>
#include <time.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <system_error>

namespace book::threads {

/**
 * @brief A snapshot of the calling thread's own CPU time and context-switch counters.
 *
 * `cpu` is the time the thread has spent running on a CPU (user plus kernel
 * mode) since it started, from clock_gettime(2) with CLOCK_THREAD_CPUTIME_ID.
 * The two counters come from getrusage(2) with RUSAGE_THREAD (Linux):
 * a *voluntary* switch happens when the thread blocks (waits for a lock, I/O
 * or a join), an *involuntary* one when the scheduler takes the CPU away
 * from a thread that still wanted to run: its time slice ran out or a more
 * deserving thread woke up.
 *
 * Take one sample before and one after a piece of work, on the same thread,
 * and subtract them:
 *
 * @code
 * auto before = book::threads::ThreadUsage::now();
 * work();
 * auto used = book::threads::ThreadUsage::now() - before;
 * std::printf("%lld us on a CPU, %ld times preempted\n",
 *             (long
 * long)std::chrono::duration_cast<std::chrono::microseconds>(used.cpu).count(),
 *             used.involuntary_switches);
 * @endcode
 */
struct ThreadUsage {
    std::chrono::nanoseconds cpu{0};  ///< CPU time consumed by the thread (user + system)
    long voluntary_switches = 0;      ///< times the thread gave up the CPU by blocking
    long involuntary_switches = 0;    ///< times the scheduler preempted the thread

    /// Samples the calling thread. Throws std::system_error if the kernel refuses.
    static ThreadUsage now() {
        timespec ts{};
        if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
            throw std::system_error(errno, std::generic_category(),
                                    "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
        rusage ru{};
        if (getrusage(RUSAGE_THREAD, &ru) != 0)
            throw std::system_error(errno, std::generic_category(),
                                    "getrusage(RUSAGE_THREAD)");
        ThreadUsage u;
        u.cpu = std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
        u.voluntary_switches = ru.ru_nvcsw;
        u.involuntary_switches = ru.ru_nivcsw;
        return u;
    }

    /// What happened between two samples of the same thread: @p earlier subtracted field
    /// by field.
    friend ThreadUsage operator-(const ThreadUsage& later, const ThreadUsage& earlier) {
        ThreadUsage d;
        d.cpu = later.cpu - earlier.cpu;
        d.voluntary_switches = later.voluntary_switches - earlier.voluntary_switches;
        d.involuntary_switches =
            later.involuntary_switches - earlier.involuntary_switches;
        return d;
    }
};

/**
 * @brief Keeps the calling thread busy on a CPU until it has consumed @p budget of CPU
 * time.
 *
 * The amount of *work* is fixed in CPU time, not in wall-clock time, so the
 * wall-clock time the call takes shows how much of the CPU the thread got:
 * alone on an idle CPU the call takes about @p budget; sharing one CPU with
 * another busy thread it takes about twice that. Returns the number of
 * arithmetic steps done (useful as a rough speed gauge).
 *
 * @code
 * auto start = std::chrono::steady_clock::now();
 * book::threads::spin_for_cpu_time(std::chrono::milliseconds(50));
 * // steady_clock::now() - start  >=  50 ms, more if the thread had to wait for a CPU
 * @endcode
 */
inline unsigned long long spin_for_cpu_time(std::chrono::nanoseconds budget) {
    const auto start = ThreadUsage::now().cpu;
    unsigned long long steps = 0;
    std::uint64_t x =
        88172645463325252ull;  // xorshift state: cheap work the optimiser cannot fold
    while (true) {
        for (int i = 0; i < 4096; ++i) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        asm volatile(
            ""
            : "+r"(x));  // tells g++ and clang that x is used, so the loop is kept
        steps += 4096;
        // Reading the thread's CPU clock is a system call: do it only every few thousand
        // steps.
        if (ThreadUsage::now().cpu - start >= budget) return steps;
    }
}

}  // namespace book::threads
