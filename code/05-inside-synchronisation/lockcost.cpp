// lockcost.cpp: what one lock acquisition costs for three spinlocks, two futex mutexes
// and std::mutex, from one thread to four times the CPUs.
#include <sched.h>
#include <sys/resource.h>
#include <time.h>

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
#include "costs.hpp"
#include "futex_mutex.hpp"
#include "measure.hpp"
#include "spin_futex_mutex.hpp"
#include "spinlock.hpp"

namespace {

using book::measure::Clock;

// CPU time the calling thread has used so far, in nanoseconds: unlike wall time, it stops
// while the thread is not running.
double thread_cpu_ns() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// Voluntary context switches of the calling thread so far: how often it gave up its CPU
// because it had to wait (in a futex, in sched_yield, ...). It counts for std::mutex too,
// whose futex calls this program cannot see.
std::uint64_t voluntary_switches() {
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    return static_cast<std::uint64_t>(usage.ru_nvcsw);
}

int cpus_available() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
    return std::max(1, CPU_COUNT(&set));
}

// What one measured window produced, beyond its time.
struct Window {
    double ns_per_acquisition = 0;  // wall time of the window / acquisitions
    double cpu_ns_per_acquisition =
        0;  // CPU time of all threads / acquisitions (spinning counts, sleeping does not)
    std::uint64_t acquisitions = 0;
    std::uint64_t lost =
        0;  // acquisitions minus the guarded counter: 0 when the lock excludes
    std::uint64_t futex_waits =
        0;  // futex_wait() calls by all threads (the book's mutexes)
    std::uint64_t futex_wakes = 0;
    std::uint64_t switches = 0;  // voluntary context switches of all threads
};

// [hammer]
// Every thread takes the lock, increments the guarded counter and releases it, as fast as
// it can, until the window closes. Costs = wall time of the window, and CPU time of all
// threads, each divided by the acquisitions made by all threads together. A little
// arithmetic the optimiser cannot remove: stands for real work inside or outside the
// lock.
inline std::uint64_t churn(std::uint64_t x, int steps) {
    for (int i = 0; i < steps; ++i)
        x = x * 6364136223846793005ull + 1442695040888963407ull;
    return x;
}

template <class Lock>
Window hammer(int threads, std::chrono::microseconds window, int inside, int outside) {
    struct alignas(64) Guarded {
        Lock lock;
        std::uint64_t counter = 0, state = 1;
    } shared;
    struct alignas(64) PerThread {
        std::uint64_t count = 0, waits = 0, wakes = 0, switches = 0;
        double cpu_ns = 0;
    };
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
                const double cpu_before = thread_cpu_ns();
                const std::uint64_t switches_before = voluntary_switches();
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
                per[static_cast<std::size_t>(t)] = {
                    n, after.waits - before.waits, after.wakes - before.wakes,
                    voluntary_switches() - switches_before, thread_cpu_ns() - cpu_before};
            });
        ready.arrive_and_wait();
        start = Clock::now();
        std::this_thread::sleep_for(window);  // a measuring window, not synchronisation
        stop.store(true, std::memory_order_relaxed);
    }  // the jthreads join here: the window ends when the last thread has left
    Window w;
    const double elapsed_ns = book::measure::seconds_since(start) * 1e9;
    double cpu_ns = 0;
    for (const auto& p : per) {
        cpu_ns += p.cpu_ns;
        w.acquisitions += p.count;
        w.futex_waits += p.waits;
        w.futex_wakes += p.wakes;
        w.switches += p.switches;
    }
    w.lost = w.acquisitions - shared.counter;
    w.ns_per_acquisition =
        elapsed_ns / static_cast<double>(std::max<std::uint64_t>(w.acquisitions, 1));
    w.cpu_ns_per_acquisition =
        cpu_ns / static_cast<double>(std::max<std::uint64_t>(w.acquisitions, 1));
    return w;
}
// [/hammer]

}  // namespace

int main(int argc, char** argv) {
    int reps = 7;
    int window_us = 20000;
    int max_threads = 0;
    int inside = 0, outside = 0;
    std::string csv, costs_path;
    book::cli::Parser cli("lockcost",
                          "Measures lock+unlock cost of six locks, uncontended and "
                          "contended, for 1..N threads.");
    cli.option("reps", reps, 1, 100,
               "measured windows per lock and thread count (after one warm-up)")
        .option("window-us", window_us, 100, 1000000,
                "length of one measured window in microseconds")
        .option("max-threads", max_threads, 0, 256,
                "largest thread count; 0 means four times the CPUs available")
        .option("inside", inside, 0, 10000,
                "steps of arithmetic inside the critical section")
        .option("outside", outside, 0, 100000,
                "steps of arithmetic between a thread's acquisitions")
        .option("csv", csv,
                "write lock, threads, cpus, then median, min and max of wall and of CPU "
                "ns per acquisition to this file")
        .option("costs", costs_path, "write the headline costs to this cost file (JSON)");
    cli.parse(argc, argv);

    const int cpus = cpus_available();
    if (max_threads == 0) max_threads = std::min(256, 4 * cpus);
    std::vector<int> counts;
    for (int t = 1; t < max_threads; t *= 2) counts.push_back(t);
    counts.push_back(max_threads);
    const std::chrono::microseconds window(window_us);

    std::printf(
        "== lock cost per acquisition (lock, increment, unlock), all threads together\n");
    std::printf("CPUs available: %d; thread counts:", cpus);
    for (int t : counts) std::printf(" %d", t);
    std::printf(
        "\nnanoseconds, median [min .. max] of %d windows of %.1f ms per point, locks "
        "interleaved, 1 warm-up window\n",
        reps, window_us / 1000.0);
    std::printf(
        "wall = window / acquisitions; CPU = CPU time of all threads / acquisitions; x = "
        "ratio to std::mutex\n");

    std::ofstream out;
    if (!csv.empty()) {
        out.open(csv);
        out << "lock,threads,cpus,wall_median_ns,wall_min_ns,wall_max_ns,cpu_median_ns,"
               "cpu_min_ns,cpu_max_ns\n";
    }
    std::uint64_t lost_total = 0, windows_total = 0;
    constexpr std::size_t locks = 6;
    // Medians per thread count of the futex calls (the two futex mutexes) and of the
    // voluntary context switches (every lock), per 1000 acquisitions.
    struct KernelRow {
        int threads;
        double waits[2], wakes[2], switches[locks];
    };
    std::vector<KernelRow> kernel_rows;
    std::vector<std::string> names;
    // The headline costs for the book's cost file: every lock alone and with two threads.
    book::measure::CostFile costs("05-inside-synchronisation", "lockcost");
    const char* slugs[] = {
        "tas", "ttas", "ttas_backoff", "futex_mutex", "spin_futex_mutex", "std_mutex"};

    for (int threads : counts) {
        // per contender, one entry per window, warm-up first
        std::vector<std::vector<double>> cpu(locks), waits(2), wakes(2), switches(locks);
        // [contenders]
        auto sample = [&]<class Lock>(std::type_identity<Lock>, std::size_t index) {
            return [&, index] {
                const Window w = hammer<Lock>(threads, window, inside, outside);
                lost_total += w.lost;
                ++windows_total;
                const double per_k = 1000.0 / static_cast<double>(std::max<std::uint64_t>(
                                                  w.acquisitions, 1));
                cpu[index].push_back(w.cpu_ns_per_acquisition);
                switches[index].push_back(per_k * static_cast<double>(w.switches));
                constexpr bool futex = std::is_same_v<Lock, book::sync::FutexMutex> ||
                                       std::is_same_v<Lock, book::sync::SpinFutexMutex>;
                if constexpr (futex) {
                    const std::size_t f =
                        std::is_same_v<Lock, book::sync::FutexMutex> ? 0 : 1;
                    waits[f].push_back(per_k * static_cast<double>(w.futex_waits));
                    wakes[f].push_back(per_k * static_cast<double>(w.futex_wakes));
                }
                return w.ns_per_acquisition;
            };
        };
        const std::vector<book::measure::Contender> contenders{
            {"TAS spinlock", sample(std::type_identity<book::sync::TasSpinlock>{}, 0)},
            {"TTAS spinlock", sample(std::type_identity<book::sync::TtasSpinlock>{}, 1)},
            {"TTAS+backoff",
             sample(std::type_identity<book::sync::BackoffSpinlock>{}, 2)},
            {"futex mutex", sample(std::type_identity<book::sync::FutexMutex>{}, 3)},
            {"spin+futex", sample(std::type_identity<book::sync::SpinFutexMutex>{}, 4)},
            {"std::mutex", sample(std::type_identity<std::mutex>{}, 5)},
        };
        const auto wall = book::measure::interleaved(contenders, 1, reps);
        // [/contenders]
        // The median of the measured windows (the first entry is the warm-up).
        auto median = [](const std::vector<double>& v) {
            return book::measure::summarize({v.begin() + 1, v.end()}).median;
        };
        std::vector<book::measure::Summary> cpu_summary;
        for (auto& c : cpu)
            cpu_summary.push_back(book::measure::summarize({c.begin() + 1, c.end()}));
        std::printf("\nthreads=%d%s\n", threads,
                    threads == 1     ? " (uncontended)"
                    : threads > cpus ? " (more threads than CPUs)"
                                     : "");
        names.clear();
        for (std::size_t i = 0; i < contenders.size(); ++i) {
            const auto& w = wall[i];
            const auto& c = cpu_summary[i];
            names.push_back(contenders[i].name);
            // plain nanoseconds, no padding: runs then differ only in their numbers
            std::printf(
                "  %-14s (threads=%d) wall %.1f ns [%.1f .. %.1f] %.2fx   CPU %.1f ns "
                "[%.1f .. %.1f] %.2fx\n",
                contenders[i].name.c_str(), threads, w.median, w.min, w.max,
                w.median / wall.back().median, c.median, c.min, c.max,
                c.median / cpu_summary.back().median);
            if (out)
                out << contenders[i].name << ',' << threads << ',' << cpus << ','
                    << w.median << ',' << w.min << ',' << w.max << ',' << c.median << ','
                    << c.min << ',' << c.max << '\n';
        }
        if (threads == 1 || threads == 2) {
            const std::string when = threads == 1 ? "uncontended" : "contended";
            for (std::size_t i = 0; i < contenders.size(); ++i)
                costs.add(
                    {std::string("lock.") + slugs[i] + "." + when,
                     contenders[i].name + " (threads=" + std::to_string(threads) + ")",
                     "one lock, increment, unlock; wall time per acquisition of all " +
                         std::to_string(threads) + " thread(s) together",
                     "ns", wall[i]});
            for (std::size_t i = 0; i + 1 < contenders.size(); ++i)
                costs.compare(std::string("lock.") + slugs[i] + "." + when,
                              "lock.std_mutex." + when);
        }
        KernelRow row{threads,
                      {median(waits[0]), median(waits[1])},
                      {median(wakes[0]), median(wakes[1])},
                      {}};
        for (std::size_t i = 0; i < locks; ++i) row.switches[i] = median(switches[i]);
        kernel_rows.push_back(row);
    }

    std::printf("\n== futex mutex: system calls per 1000 acquisitions (median window)\n");
    for (const auto& row : kernel_rows)
        std::printf("threads=%d: futex_wait %.1f, futex_wake %.1f\n", row.threads,
                    row.waits[0], row.wakes[0]);
    std::printf(
        "\n== spin+futex mutex: system calls per 1000 acquisitions (median window)\n");
    for (const auto& row : kernel_rows)
        std::printf("threads=%d: futex_wait %.1f, futex_wake %.1f\n", row.threads,
                    row.waits[1], row.wakes[1]);
    std::printf(
        "\n== voluntary context switches per 1000 acquisitions, all threads (median "
        "window)\n");
    for (const auto& row : kernel_rows) {
        std::printf("threads=%d:", row.threads);
        for (std::size_t i = 0; i < locks; ++i)
            std::printf("%s %s %.1f", i == 0 ? "" : ",", names[i].c_str(),
                        row.switches[i]);
        std::printf("\n");
    }

    if (!costs_path.empty()) costs.write(costs_path);

    std::printf("\n== mutual exclusion: %llu lost increments in %llu windows\n",
                static_cast<unsigned long long>(lost_total),
                static_cast<unsigned long long>(windows_total));
    return lost_total == 0 ? 0 : 1;
}
