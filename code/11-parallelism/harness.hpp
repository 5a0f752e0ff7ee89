// harness.hpp: what the chapter's comparisons share: the CPUs to use, a thread count for
// oneTBB and std::execution, the declared sanitizer exemptions, and a CSV of results.
#pragma once

#include <sched.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include "measure.hpp"
#include "sanitizers.hpp"

namespace book::par {

/// The CPUs this process may run on (its affinity mask), at least 1.
inline unsigned usable_cpus() {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return static_cast<unsigned>(CPU_COUNT(&set));
    const unsigned hc = std::thread::hardware_concurrency();
    return hc > 0 ? hc : 1;
}

/**
 * @brief Runs code on oneTBB with exactly @p threads threads.
 *
 * std::execution::par has no thread-count knob; with libstdc++, whose parallel
 * algorithms run on oneTBB, an arena of @p threads slots sets it, and a global_control
 * lets the arena have more threads than CPUs (oneTBB caps it at the CPU count).
 */
class TbbThreads {
public:
    /// Limits oneTBB to @p threads threads and makes an arena of that size.
    explicit TbbThreads(int threads)
        : limit_(oneapi::tbb::global_control::max_allowed_parallelism,
                 static_cast<std::size_t>(threads)),
          arena_(threads) {}
    /// Runs @p f in the arena and returns what it returns.
    template <class F>
    auto run(F&& f) {
        return arena_.execute(std::forward<F>(f));
    }

private:
    oneapi::tbb::global_control limit_;
    oneapi::tbb::task_arena arena_;
};

/// Whether the production contenders run under this build: oneTBB, std::execution (on
/// oneTBB) and libgomp give false reports under ThreadSanitizer, so they are declared
/// exempt there (printed once); the book's pool always runs.
inline bool production_contenders_run() {
    static const bool run = !book::sanitizers::exempt(
        "thread", "oneTBB, std::execution (oneTBB backend) and OpenMP",
        "their runtimes are not built with TSan, so it reports false races on their "
        "synchronisation; the book's pool stays checked");
    return run;
}

/// Rows of `workload,contender,threads,unit,median,min,max` written to a CSV file.
class ResultCsv {
public:
    /// Opens @p path (nothing is written when @p path is empty).
    explicit ResultCsv(const std::string& path) {
        if (path.empty()) return;
        out_.open(path);
        if (!out_) throw std::runtime_error("cannot write " + path);
        out_ << "workload,contender,threads,unit,median,min,max\n";
    }
    /// Appends one measured row.
    void row(const std::string& workload, const std::string& contender, unsigned threads,
             const std::string& unit, const book::measure::Summary& s) {
        if (out_.is_open())
            out_ << workload << ',' << contender << ',' << threads << ',' << unit << ','
                 << s.median << ',' << s.min << ',' << s.max << '\n';
    }

private:
    std::ofstream out_;
};

/// Milliseconds taken by one call of @p f.
template <class F>
double time_ms(F&& f) {
    const auto start = book::measure::Clock::now();
    f();
    return book::measure::seconds_since(start) * 1e3;
}

}  // namespace book::par
