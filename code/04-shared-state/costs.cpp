// Measures four correct ways for threads to count into one total (mutex, scoped_lock,
// atomic, per-thread counts) side by side.
#include <atomic>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cli.hpp"
#include "costs.hpp"
#include "measure.hpp"

namespace {

// Stops the compiler from folding a counting loop into one addition: the value must
// really be in a register after every increment. (Without it, the per-thread loop would
// take no time at all.)
inline void keep(long& value) { asm volatile("" : "+r"(value)); }

// [fixes]
struct LockGuardCounter {
    std::mutex m;
    long total = 0;
    void run(long n) {
        for (long i = 0; i < n; ++i) {
            std::lock_guard<std::mutex> lock(m);  // unlocks at the end of each iteration
            ++total;
        }
    }
};

struct ScopedLockCounter {
    std::mutex m;
    long total = 0;
    void run(long n) {
        for (long i = 0; i < n; ++i) {
            std::scoped_lock lock(
                m);  // C++17: same as lock_guard for one mutex, and takes several
            ++total;
        }
    }
};

struct AtomicCounter {
    std::atomic<long> total{0};
    void run(long n) {
        for (long i = 0; i < n; ++i) total.fetch_add(1, std::memory_order_relaxed);
    }
};

struct PerThreadCounter {
    std::atomic<long> total{0};
    void run(long n) {
        long mine = 0;  // private to this thread: no sharing, no synchronisation
        for (long i = 0; i < n; ++i) {
            ++mine;
            keep(mine);
        }
        total.fetch_add(mine, std::memory_order_relaxed);  // one shared update per thread
    }
};
// [/fixes]

// [sample]
// One sample: `threads` threads each count `n` times into a fresh counter; returns
// nanoseconds per increment (wall time of the whole run, thread start and join included,
// over threads * n).
template <class Counter>
double sample(int threads, long n) {
    Counter counter;
    const auto t0 = book::measure::Clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back([&] { counter.run(n); });
    for (auto& th : pool) th.join();
    const double ns = book::measure::seconds_since(t0) * 1e9;
    const long expected = static_cast<long>(threads) * n;
    long got = 0;
    if constexpr (requires { counter.total.load(); })
        got = counter.total.load();
    else
        got = counter.total;
    if (got != expected)
        throw std::logic_error("a counter lost updates");  // every fix must be exact
    return ns / static_cast<double>(expected);
}
// [/sample]

}  // namespace

int main(int argc, char** argv) {
    int threads = 2;
    long increments = 500'000;
    int reps = 7;
    std::string csv, costs_path;
    book::cli::Parser cli("costs",
                          "Counting into one total from several threads: four correct "
                          "ways, timed side by side.");
    cli.option("threads", threads, 1, 64, "threads counting at once")
        .option("increments", increments, 1L, 50'000'000L,
                "increments per thread per sample")
        .option("reps", reps, 5, 101, "measured repetitions (after one warm-up round)")
        .option("csv", csv, "also write the results to this CSV file")
        .option("costs", costs_path, "write the headline costs to this cost file (JSON)");
    cli.parse(argc, argv);

    // [measure]
    const auto results = book::measure::interleaved(
        {{"mutex + lock_guard",
          [&] { return sample<LockGuardCounter>(threads, increments); }},
         {"mutex + scoped_lock",
          [&] { return sample<ScopedLockCounter>(threads, increments); }},
         {"atomic fetch_add", [&] { return sample<AtomicCounter>(threads, increments); }},
         {"per-thread count",
          [&] { return sample<PerThreadCounter>(threads, increments); }}},
        1, reps);
    // [/measure]
    const char* names[] = {"mutex + lock_guard", "mutex + scoped_lock",
                           "atomic fetch_add", "per-thread count"};

    std::printf(
        "%d threads x %ld increments, %d repetitions each, interleaved; every total was "
        "exact\n",
        threads, increments, reps);
    std::printf(
        "time per increment = wall time of one run (start and join included) / all "
        "increments\n");
    std::printf("  %-20s %10s %10s %10s %14s\n", "way", "median", "min", "max",
                "vs per-thread");
    const double base = results[3].median;
    for (std::size_t i = 0; i < results.size(); ++i) {
        std::printf("  %-20s %10s %10s %10s %13.1fx\n", names[i],
                    book::measure::format_ns(results[i].median).c_str(),
                    book::measure::format_ns(results[i].min).c_str(),
                    book::measure::format_ns(results[i].max).c_str(),
                    results[i].median / base);
    }
    if (!csv.empty()) {
        std::ofstream out(csv);
        out << "way,median_ns,min_ns,max_ns\n";
        for (std::size_t i = 0; i < results.size(); ++i)
            out << names[i] << ',' << results[i].median << ',' << results[i].min << ','
                << results[i].max << '\n';
    }
    if (!costs_path.empty()) {
        const char* keys[] = {"shared.mutex_lock_guard", "shared.mutex_scoped_lock",
                              "shared.atomic_fetch_add", "shared.per_thread_count"};
        const std::string includes = "one increment of a total shared by " +
                                     std::to_string(threads) +
                                     " threads; start and join included";
        book::measure::CostFile costs("04-shared-state", "costs");
        for (std::size_t i = 0; i < results.size(); ++i)
            costs.add({keys[i], names[i], includes, "ns", results[i]});
        for (std::size_t i = 0; i < 3; ++i)
            costs.compare(keys[i], "shared.per_thread_count");
        costs.write(costs_path);
    }
    return 0;
}
