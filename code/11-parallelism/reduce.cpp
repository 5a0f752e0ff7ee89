// reduce.cpp: a memory-bound sum of N doubles on the book's pool, oneTBB, OpenMP and
// std::execution, set against the memory bandwidth the same run measures.
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <execution>
#include <functional>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_reduce.h>

#include "cli.hpp"
#include "costs.hpp"
#include "harness.hpp"
#include "pool.hpp"

using book::measure::Contender;
using book::measure::Summary;
using namespace book::par;

namespace {

// [kernels]
// STREAM's triad, the bandwidth yardstick: two arrays read, one written.
void triad(ThreadPool& pool, double* a, const double* b, const double* c, std::size_t n,
           std::size_t grain) {
    pool.parallel_for(0, n, grain, [=](std::size_t lo, std::size_t hi) {
        for (std::size_t i = lo; i < hi; ++i) a[i] = b[i] + 3.0 * c[i];
    });
}

// One chunk's sum with eight independent accumulators: a single running sum would
// wait for each addition before the next (a chain of latencies), not for memory. Eight
// named locals, not an array: the compiler keeps them in eight registers (g++ 12 at
// -O2 kept an array s[8] on the stack and stored it back on every pass).
double sum_range(const double* x, std::size_t lo, std::size_t hi) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    std::size_t i = lo;
    for (; i + 8 <= hi; i += 8) {
        s0 += x[i];
        s1 += x[i + 1];
        s2 += x[i + 2];
        s3 += x[i + 3];
        s4 += x[i + 4];
        s5 += x[i + 5];
        s6 += x[i + 6];
        s7 += x[i + 7];
    }
    for (; i < hi; ++i) s0 += x[i];
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
}

double sum_pool(ThreadPool& pool, const double* x, std::size_t n, std::size_t grain) {
    return pool.parallel_reduce(
        0, n, grain, 0.0,
        [x](std::size_t lo, std::size_t hi) { return sum_range(x, lo, hi); },
        std::plus<>());
}

double sum_tbb(const double* x, std::size_t n, std::size_t grain) {
    using Range = oneapi::tbb::blocked_range<std::size_t>;
    return oneapi::tbb::parallel_reduce(
        Range(0, n, grain), 0.0,
        [x](const Range& r, double s) { return s + sum_range(x, r.begin(), r.end()); },
        std::plus<>());
}

// OpenMP's static schedule over blocks of `grain`, each summed by the same kernel.
double sum_omp(const double* x, std::size_t n, std::size_t grain, int threads) {
    const std::size_t blocks = (n + grain - 1) / grain;
    double s = 0;
#pragma omp parallel for schedule(static) reduction(+ : s) num_threads(threads)
    for (std::size_t b = 0; b < blocks; ++b)
        s += sum_range(x, b * grain, std::min(n, (b + 1) * grain));
    return s;
}

double sum_std(const std::vector<double>& v, std::size_t len) {
    const auto first = v.begin();
    return std::reduce(std::execution::par, first, first + static_cast<long>(len), 0.0);
}
// [/kernels]

struct Options {
    std::size_t n = 100'000'000;
    std::size_t grain = 1 << 16;
    int reps = 5, warmup = 1;
    unsigned max_threads = 0;
    std::string csv, costs;
};

std::string gbps(double bytes, double ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", bytes / (ms * 1e6));
    return buf;
}

void print_row(const char* name, const Summary& s, double bytes, double ref_ms) {
    std::printf("  %-26s %9.2f ms (%8.2f .. %8.2f)  %6s GB/s  %5.2fx\n", name, s.median,
                s.min, s.max, gbps(bytes, s.median).c_str(), s.median / ref_ms);
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    book::cli::Parser cli(
        "reduce",
        "Sums N doubles on the pool, oneTBB, OpenMP and std::execution, "
        "and measures the memory bandwidth (STREAM triad) in the same run.");
    cli.option("n", o.n, std::size_t{1000}, std::size_t{400'000'000}, "doubles to sum")
        .option("grain", o.grain, std::size_t{1}, std::size_t{1} << 30,
                "iterations per chunk (pool, oneTBB)")
        .option("reps", o.reps, 1, 100, "measured repetitions")
        .option("warmup", o.warmup, 0, 10, "unrecorded warm-up runs")
        .option("max-threads", o.max_threads, 0u, 256u,
                "largest thread count of the sweep (0: twice the CPUs)")
        .option("csv", o.csv, "write the sweep to this CSV file")
        .option("costs", o.costs, "write the headline costs to this cost file");
    cli.parse(argc, argv);

    const unsigned cpus = usable_cpus();
    const unsigned max_threads = o.max_threads ? o.max_threads : 2 * cpus;
    const unsigned full = std::min(cpus, max_threads);  // the headline thread count
    const bool others = production_contenders_run();
    // [data]
    // Values k/8 with k < 16: every partial sum is exact in a double, so every
    // contender must return exactly the same total, whatever its grouping.
    const std::size_t n = o.n, tn = std::max<std::size_t>(n / 8, 1000);
    std::vector<double> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<double>(i % 16) * 0.125;
    auto exact_sum = [](std::size_t len) {
        const std::uint64_t eighths = (len / 16) * 120 + (len % 16) * (len % 16 - 1) / 2;
        return static_cast<double>(eighths) / 8;
    };
    const std::size_t sweep_n = std::max<std::size_t>(n / 4, 1000);
    std::vector<double> ta(tn, 0.0), tb(tn, 1.0), tc(tn, 2.0);
    // [/data]
    const double sum_bytes = 8.0 * static_cast<double>(n);
    const double triad_bytes = 24.0 * static_cast<double>(tn);

    std::printf("== setup\n");
    std::printf("CPUs in this process's affinity mask: %u\n", cpus);
    std::printf("thread counts measured:");
    for (unsigned p = 1; p <= max_threads; ++p) std::printf(" %u", p);
    std::printf(
        "\nreduction: %zu doubles (%.0f MB), grain %zu; triad: 3 arrays of %zu "
        "doubles (%.0f MB moved, as STREAM counts)\n",
        n, sum_bytes / 1e6, o.grain, tn, triad_bytes / 1e6);
    std::printf(
        "each figure: median (min .. max) of %d runs after %d warm-up, "
        "contenders interleaved\n",
        o.reps, o.warmup);

    ResultCsv csv(o.csv);
    const double c = cpus;
    csv.row("setup", "cpus", cpus, "count", Summary{c, c, c, 1});  // for the figures
    bool all_exact = true;
    Summary serial_loop{};

    // One round of every contender at p threads on the first len elements: the sweep
    // uses a quarter of the array (still far larger than any cache), the headline all.
    auto measure = [&](unsigned p, std::size_t len, const char* workload) {
        const double want = exact_sum(len);
        auto exact = [&](double s) {
            if (s != want) all_exact = false;
        };
        const double bytes = 8.0 * static_cast<double>(len);
        // [contenders]
        ThreadPool pool(p);
        TbbThreads tbb(static_cast<int>(p));
        std::vector<Contender> c{
            {"pool",
             [&] {
                 return time_ms([&] { exact(sum_pool(pool, x.data(), len, o.grain)); });
             }},
            {"triad", [&] {
                 return time_ms(
                     [&] { triad(pool, ta.data(), tb.data(), tc.data(), tn, o.grain); });
             }}};
        if (others) {
            c.push_back(
                {"oneTBB", [&] {
                     return time_ms([&] {
                         exact(tbb.run([&] { return sum_tbb(x.data(), len, o.grain); }));
                     });
                 }});
            c.push_back(
                {"OpenMP static", [&] {
                     return time_ms([&] {
                         exact(sum_omp(x.data(), len, o.grain, static_cast<int>(p)));
                     });
                 }});
            c.push_back({"std::reduce(par)", [&] {
                             return time_ms([&] {
                                 exact(tbb.run([&] { return sum_std(x, len); }));
                             });
                         }});
        }
        if (p == 1)
            c.push_back({"serial loop", [&] {
                             return time_ms([&] { exact(sum_range(x.data(), 0, len)); });
                         }});
        const auto r = book::measure::interleaved(c, o.warmup, o.reps);
        // [/contenders]
        for (std::size_t i = 0; i < c.size(); ++i) {
            const bool is_triad = c[i].name == "triad";
            const double b = is_triad ? triad_bytes : bytes;
            const std::string what =
                is_triad ? std::string("triad-") + workload : workload;
            csv.row(what, c[i].name, p, "ms", r[i]);
            csv.row(what, c[i].name, p, "GB/s",
                    Summary{b / (r[i].median * 1e6), b / (r[i].max * 1e6),
                            b / (r[i].min * 1e6), r[i].n});
            if (c[i].name == "serial loop") serial_loop = r[i];
        }
        std::printf("== %s, %u thread%s, %zu doubles\n", workload, p, p == 1 ? "" : "s",
                    len);
        std::printf("  %-26s %9s    %-20s  %11s  vs pool\n", "contender", "time",
                    "(min .. max)", "bandwidth");
        for (std::size_t i = 0; i < c.size(); ++i) {
            const bool is_triad = c[i].name == "triad";
            print_row(c[i].name.c_str(), r[i], is_triad ? triad_bytes : bytes,
                      r[0].median * (is_triad ? triad_bytes / bytes : 1.0));
        }
        return r;
    };

    Summary sweep_pool_full{};
    for (unsigned p = 1; p <= max_threads; ++p) {
        const auto r = measure(p, sweep_n, "sweep");
        if (p == full) sweep_pool_full = r[0];
    }
    // pool, triad, then oneTBB, OpenMP and std::reduce when they run
    const std::vector<Summary> at_cpus = measure(full, n, "headline");

    // [bound]
    // The limit: reading N doubles cannot take less than N*8 bytes at the triad's rate.
    const Summary& pool_s = at_cpus[0];
    const Summary& triad_s = at_cpus[1];
    const double triad_gbps = triad_bytes / (triad_s.median * 1e6);
    const double bound_ms = sum_bytes / (triad_gbps * 1e6);
    const double pool_gbps = sum_bytes / (pool_s.median * 1e6);
    // [/bound]
    std::printf("== the bandwidth bound at %u threads (all CPUs)\n", full);
    std::printf(
        "triad bandwidth: %.2f GB/s; reading %.0f MB at that rate takes %.2f ms\n",
        triad_gbps, sum_bytes / 1e6, bound_ms);
    std::printf(
        "pool reduction: %.2f GB/s = %.0f%% of the triad bandwidth "
        "(goal: at least 90%%)\n",
        pool_gbps, 100 * pool_gbps / triad_gbps);
    if (serial_loop.n)
        std::printf(
            "sweep: speedup of the pool at %u threads over the serial loop: %.2fx "
            "(CPUs: %u)\n",
            full, serial_loop.median / sweep_pool_full.median, cpus);
    std::printf("== checks\n");
    std::printf("every contender's sum equals the exact total (%.3f for all %zu): %s\n",
                exact_sum(n), n, all_exact ? "yes" : "NO");

    if (!o.costs.empty()) {
        book::measure::CostFile costs("11-parallelism", "reduce");
        auto scaled = [](Summary s, double k) {
            return Summary{s.median * k, s.min * k, s.max * k, s.n};
        };
        costs.add({"par.reduce.pool", "sum of N doubles, book pool",
                   "one reduction of N doubles at all CPUs", "ms", pool_s});
        costs.add({"par.reduce.bound", "time to read N doubles at triad bandwidth",
                   "N*8 bytes at the triad's median rate, same run", "ms",
                   scaled(triad_s, sum_bytes / triad_bytes)});
        costs.compare(
            "par.reduce.pool", "par.reduce.bound", 1 / 0.9,
            "at least 90% of the triad bandwidth (time at most 1.11x the bound)");
        costs.add({"par.bandwidth.triad", "STREAM triad bandwidth",
                   "bytes moved as STREAM counts (24 per element) per second, all CPUs",
                   "GB/s",
                   Summary{triad_gbps, triad_bytes / (triad_s.max * 1e6),
                           triad_bytes / (triad_s.min * 1e6), triad_s.n}});
        if (others) {
            costs.add({"par.reduce.tbb", "sum of N doubles, oneTBB parallel_reduce",
                       "one reduction of N doubles at all CPUs", "ms", at_cpus[2]});
            costs.add({"par.reduce.omp", "sum of N doubles, OpenMP static",
                       "one reduction of N doubles at all CPUs", "ms", at_cpus[3]});
            costs.add({"par.reduce.std", "sum of N doubles, std::reduce(par)",
                       "one reduction of N doubles at all CPUs", "ms", at_cpus[4]});
            costs.add({"par.reduce.pool_vs_tbb", "pool vs oneTBB (reduction)",
                       "one reduction of N doubles at all CPUs", "ms", pool_s});
            costs.compare("par.reduce.pool_vs_tbb", "par.reduce.tbb");
            costs.add({"par.reduce.pool_vs_omp", "pool vs OpenMP (reduction)",
                       "one reduction of N doubles at all CPUs", "ms", pool_s});
            costs.compare("par.reduce.pool_vs_omp", "par.reduce.omp");
            costs.add({"par.reduce.pool_vs_std", "pool vs std::reduce(par) (reduction)",
                       "one reduction of N doubles at all CPUs", "ms", pool_s});
            costs.compare("par.reduce.pool_vs_std", "par.reduce.std");
        }
        costs.write(o.costs);
    }
    return all_exact ? 0 : 1;
}
