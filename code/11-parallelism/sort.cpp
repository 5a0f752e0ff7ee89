// sort.cpp: sorting N random doubles with the pool's merge sort, oneTBB's parallel_sort,
// std::sort(std::execution::par) and std::sort on one thread.
#include <algorithm>
#include <cstdio>
#include <execution>
#include <random>
#include <string>
#include <vector>

#include <oneapi/tbb/parallel_sort.h>

#include "cli.hpp"
#include "costs.hpp"
#include "harness.hpp"
#include "parallel_sort.hpp"
#include "pool.hpp"

using book::measure::Contender;
using book::measure::Summary;
using namespace book::par;

int main(int argc, char** argv) {
    std::size_t n = 4'000'000;
    int reps = 5, warmup = 1;
    unsigned threads = 0;
    std::string csv_path, costs_path;
    book::cli::Parser cli(
        "sort",
        "Sorts N random doubles on the pool, oneTBB, std::execution and "
        "one thread, interleaved.");
    cli.option("n", n, std::size_t{1000}, std::size_t{200'000'000}, "doubles to sort")
        .option("reps", reps, 1, 100, "measured repetitions")
        .option("warmup", warmup, 0, 10, "unrecorded warm-up runs")
        .option("threads", threads, 0u, 256u, "threads (0: every CPU)")
        .option("csv", csv_path, "write the results to this CSV file")
        .option("costs", costs_path, "write the headline costs to this cost file");
    cli.parse(argc, argv);
    const unsigned cpus = usable_cpus();
    const unsigned p = threads ? threads : cpus;
    const bool others = production_contenders_run();

    std::vector<double> input(n);
    std::mt19937_64 rng(2026);
    std::uniform_real_distribution<double> dist(-1e6, 1e6);
    for (auto& x : input) x = dist(rng);
    std::vector<double> expected = input;
    std::sort(expected.begin(), expected.end());
    std::vector<double> work(n);
    bool all_sorted = true;

    // [contenders]
    ThreadPool pool(p);
    TbbThreads tbb(static_cast<int>(p));
    // Each sample sorts a fresh copy of the same input; only the sort is timed.
    auto sample = [&](auto sort_it) {
        work = input;
        const double ms = time_ms(sort_it);
        if (work != expected) all_sorted = false;
        return ms;
    };
    std::vector<Contender> c{
        {"pool merge sort",
         [&] { return sample([&] { parallel_sort(pool, work.begin(), work.end()); }); }}};
    if (others) {
        c.push_back({"oneTBB parallel_sort", [&] {
                         return sample([&] {
                             tbb.run([&] {
                                 oneapi::tbb::parallel_sort(work.begin(), work.end());
                             });
                         });
                     }});
        c.push_back({"std::sort(par)", [&] {
                         return sample([&] {
                             tbb.run([&] {
                                 std::sort(std::execution::par, work.begin(), work.end());
                             });
                         });
                     }});
    }
    c.push_back({"std::sort (1 thread)",
                 [&] { return sample([&] { std::sort(work.begin(), work.end()); }); }});
    const auto r = book::measure::interleaved(c, warmup, reps);
    // [/contenders]

    std::printf("== setup\n");
    std::printf("CPUs in this process's affinity mask: %u; threads used: %u\n", cpus, p);
    std::printf(
        "%zu random doubles; each figure: median (min .. max) of %d runs after %d "
        "warm-up, contenders interleaved\n",
        n, reps, warmup);
    std::printf("== sort\n");
    std::printf("  %-24s %9s    %-20s  %11s  vs pool\n", "contender", "time",
                "(min .. max)", "Melem/s");
    ResultCsv csv(csv_path);
    for (std::size_t i = 0; i < c.size(); ++i) {
        std::printf("  %-24s %9.2f ms (%8.2f .. %8.2f)  %11.1f  %5.2fx\n",
                    c[i].name.c_str(), r[i].median, r[i].min, r[i].max,
                    n / (r[i].median * 1e3), r[i].median / r[0].median);
        csv.row("sort", c[i].name, p, "ms", r[i]);
    }
    std::printf("speedup of the pool over std::sort on one thread: %.2fx (threads: %u)\n",
                r.back().median / r[0].median, p);
    std::printf("== checks\n");
    std::printf("every contender's output equals std::sort's: %s\n",
                all_sorted ? "yes" : "NO");

    if (!costs_path.empty()) {
        book::measure::CostFile costs("11-parallelism", "sort");
        costs.add({"par.sort.pool", "sort N doubles, book pool (merge sort)",
                   "one sort of N random doubles, all CPUs", "ms", r[0]});
        costs.add({"par.sort.serial", "sort N doubles, std::sort on one thread",
                   "one sort of N random doubles", "ms", r.back()});
        if (others) {
            costs.add({"par.sort.tbb", "sort N doubles, oneTBB parallel_sort",
                       "one sort of N random doubles, all CPUs", "ms", r[1]});
            costs.add({"par.sort.std", "sort N doubles, std::sort(par)",
                       "one sort of N random doubles, all CPUs", "ms", r[2]});
            costs.compare("par.sort.pool", "par.sort.tbb", 1 / 0.95,
                          "at least 0.95x oneTBB's throughput (time at most 1.053x)");
            costs.add({"par.sort.pool_vs_std", "pool vs std::sort(par)",
                       "one sort of N random doubles, all CPUs", "ms", r[0]});
            costs.compare("par.sort.pool_vs_std", "par.sort.std");
        }
        costs.write(costs_path);
    }
    return all_sorted ? 0 : 1;
}
