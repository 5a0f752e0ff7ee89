// lockcost.cpp: what one lock acquisition costs for three spinlocks, a futex mutex and std::mutex, from one thread to four times the CPUs.
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <latch>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "cli.hpp"
#include "futex_mutex.hpp"
#include "measure.hpp"
#include "spinlock.hpp"

namespace {

using book::measure::Clock;

int cpus_available() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
    return std::max(1, CPU_COUNT(&set));
}

// What one measured window produced, beyond its time.
struct Window {
    double ns_per_acquisition = 0;
    std::uint64_t acquisitions = 0;
    std::uint64_t lost = 0;          // acquisitions minus the guarded counter: 0 when the lock excludes
    std::uint64_t futex_waits = 0;   // futex_wait() calls by all threads (FutexMutex only)
    std::uint64_t futex_wakes = 0;
};

// [hammer]
// Every thread takes the lock, increments the guarded counter and releases it, as fast as it can,
// until the window closes. Cost = wall time of the window / acquisitions made by all threads together.
// A little arithmetic the optimiser cannot remove: stands for real work inside or outside the lock.
inline std::uint64_t churn(std::uint64_t x, int steps) {
    for (int i = 0; i < steps; ++i) x = x * 6364136223846793005ull + 1442695040888963407ull;
    return x;
}

template <class Lock>
Window hammer(int threads, std::chrono::microseconds window, int inside, int outside) {
    struct alignas(64) Guarded { Lock lock; std::uint64_t counter = 0, state = 1; } shared;
    struct alignas(64) PerThread { std::uint64_t count = 0, waits = 0, wakes = 0; };
    std::vector<PerThread> per(static_cast<std::size_t>(threads));
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> sink{0};  // keeps the outside work observable
    std::latch ready(threads + 1);
    Clock::time_point start;
    {
        std::vector<std::jthread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                ready.arrive_and_wait();
                const auto before = book::sync::futex_calls_of_this_thread();
                std::uint64_t n = 0, local = static_cast<std::uint64_t>(t);
                while (!stop.load(std::memory_order_relaxed)) {
                    {
                        std::lock_guard guard(shared.lock);
                        shared.state = churn(shared.state, inside);
                        ++shared.counter;
                    }
                    local = churn(local, outside);
                    ++n;
                }
                sink.fetch_add(local, std::memory_order_relaxed);
                const auto after = book::sync::futex_calls_of_this_thread();
                per[static_cast<std::size_t>(t)] = {n, after.waits - before.waits, after.wakes - before.wakes};
            });
        ready.arrive_and_wait();
        start = Clock::now();
        std::this_thread::sleep_for(window);  // a measuring window, not synchronisation
        stop.store(true, std::memory_order_relaxed);
    }  // the jthreads join here: the window ends when the last thread has left
    Window w;
    const double elapsed_ns = book::measure::seconds_since(start) * 1e9;
    for (const auto& p : per) {
        w.acquisitions += p.count;
        w.futex_waits += p.waits;
        w.futex_wakes += p.wakes;
    }
    w.lost = w.acquisitions - shared.counter;
    w.ns_per_acquisition = elapsed_ns / static_cast<double>(std::max<std::uint64_t>(w.acquisitions, 1));
    return w;
}
// [/hammer]

}  // namespace

int main(int argc, char** argv) {
    int reps = 7;
    int window_us = 20000;
    int max_threads = 0;
    int inside = 20, outside = 100;
    std::string csv;
    book::cli::Parser cli("lockcost", "Measures lock+unlock cost of five locks, uncontended and contended, for 1..N threads.");
    cli.option("reps", reps, 1, 100, "measured windows per lock and thread count (after one warm-up)")
        .option("window-us", window_us, 100, 1000000, "length of one measured window in microseconds")
        .option("max-threads", max_threads, 0, 256, "largest thread count; 0 means four times the CPUs available")
        .option("inside", inside, 0, 10000, "steps of arithmetic inside the critical section")
        .option("outside", outside, 0, 100000, "steps of arithmetic between a thread's acquisitions")
        .option("csv", csv, "write lock,threads,cpus,median_ns,min_ns,max_ns to this file");
    cli.parse(argc, argv);

    const int cpus = cpus_available();
    if (max_threads == 0) max_threads = std::min(256, 4 * cpus);
    std::vector<int> counts;
    for (int t = 1; t < max_threads; t *= 2) counts.push_back(t);
    counts.push_back(max_threads);
    const std::chrono::microseconds window(window_us);

    std::printf("== lock cost: wall time per acquisition (lock, increment, unlock), all threads together\n");
    std::printf("CPUs available: %d; thread counts:", cpus);
    for (int t : counts) std::printf(" %d", t);
    std::printf("\nmedian [min .. max] of %d windows of %.1f ms per point, locks interleaved, 1 warm-up window\n",
                reps, window_us / 1000.0);

    std::ofstream out;
    if (!csv.empty()) {
        out.open(csv);
        out << "lock,threads,cpus,median_ns,min_ns,max_ns\n";
    }
    std::uint64_t lost_total = 0, windows_total = 0;
    struct FutexRow { int threads; double waits_per_k, wakes_per_k; };
    std::vector<FutexRow> futex_rows;

    for (int threads : counts) {
        std::vector<double> futex_waits_per_k, futex_wakes_per_k;
        // [contenders]
        auto sample = [&]<class Lock>(std::type_identity<Lock>) {
            return [&] {
                const Window w = hammer<Lock>(threads, window, inside, outside);
                lost_total += w.lost;
                ++windows_total;
                if constexpr (std::is_same_v<Lock, book::sync::FutexMutex>) {
                    futex_waits_per_k.push_back(1000.0 * static_cast<double>(w.futex_waits) / static_cast<double>(w.acquisitions));
                    futex_wakes_per_k.push_back(1000.0 * static_cast<double>(w.futex_wakes) / static_cast<double>(w.acquisitions));
                }
                return w.ns_per_acquisition;
            };
        };
        const std::vector<book::measure::Contender> contenders{
            {"TAS spinlock", sample(std::type_identity<book::sync::TasSpinlock>{})},
            {"TTAS spinlock", sample(std::type_identity<book::sync::TtasSpinlock>{})},
            {"TTAS+backoff", sample(std::type_identity<book::sync::BackoffSpinlock>{})},
            {"futex mutex", sample(std::type_identity<book::sync::FutexMutex>{})},
            {"std::mutex", sample(std::type_identity<std::mutex>{})},
        };
        const auto results = book::measure::interleaved(contenders, 1, reps);
        // [/contenders]
        std::printf("\nthreads=%d%s\n", threads,
                    threads == 1 ? " (uncontended)" : threads > cpus ? " (more threads than CPUs)" : "");
        const double reference = results.back().median;  // std::mutex
        for (std::size_t i = 0; i < contenders.size(); ++i) {
            const auto& r = results[i];
            std::printf("  %-14s %10s  [%s .. %s]  %6.2fx std::mutex\n", contenders[i].name.c_str(),
                        book::measure::format_ns(r.median).c_str(), book::measure::format_ns(r.min).c_str(),
                        book::measure::format_ns(r.max).c_str(), r.median / reference);
            if (out) out << contenders[i].name << ',' << threads << ',' << cpus << ',' << r.median << ',' << r.min << ',' << r.max << '\n';
        }
        futex_rows.push_back({threads, book::measure::summarize(futex_waits_per_k).median,
                              book::measure::summarize(futex_wakes_per_k).median});
    }

    std::printf("\n== futex mutex: system calls per 1000 acquisitions (median window)\n");
    for (const auto& row : futex_rows)
        std::printf("threads=%-3d futex_wait %8.1f   futex_wake %8.1f\n", row.threads, row.waits_per_k, row.wakes_per_k);

    std::printf("\n== mutual exclusion: %llu lost increments in %llu windows\n",
                static_cast<unsigned long long>(lost_total), static_cast<unsigned long long>(windows_total));
    return lost_total == 0 ? 0 : 1;
}
