// pitfalls.cpp: three ways parallel code goes wrong on one machine: false sharing between
// per-thread accumulators, nested pools that oversubscribe the CPUs, and floating-point
// sums whose bits depend on the number of threads.
#include <omp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <oneapi/tbb/parallel_for.h>

#include "cli.hpp"
#include "harness.hpp"
#include "pool.hpp"

using book::measure::Summary;
using namespace book::par;

namespace {

// [false-sharing]
// Per-thread counters side by side share a cache line: every increment by one thread
// takes the line away from the others. One line each makes them independent.
struct Packed {
    std::atomic<long> count{0};
};
struct alignas(64) Padded {
    std::atomic<long> count{0};
};

template <class Counter>
double count_ms(unsigned threads, long per_thread) {
    std::vector<Counter> counters(threads);
    return time_ms([&] {
        std::vector<std::jthread> team;
        for (unsigned t = 0; t < threads; ++t)
            team.emplace_back([&, t] {
                for (long i = 0; i < per_thread; ++i)
                    counters[t].count.fetch_add(1, std::memory_order_relaxed);
            });
    });
}
// [/false-sharing]

// Work that only computes: dependent multiply-adds, whose result is kept (stored) so
// that the compiler cannot drop the loop.
std::atomic<double> sink{0};
void busy_work(unsigned seed, int rounds) {
    double x = 1.0 + seed * 1e-9;
    for (int i = 0; i < rounds; ++i) x = x * 0.9999999 + 1e-7;
    sink.store(x, std::memory_order_relaxed);
}

// The distinct threads that ran one call, largest over all calls.
struct ThreadIds {
    std::mutex lock;
    std::set<long> ids;
    std::size_t most = 0;
    void note() {
        const long id = static_cast<long>(syscall(SYS_gettid));
        std::lock_guard guard(lock);
        ids.insert(id);
        most = std::max(most, ids.size());
    }
    template <class F>
    auto run(F&& f) {
        ids.clear();
        return time_ms(f);
    }
};

// [reproducible]
// A sum whose grouping depends only on the data: fixed blocks of `block` values, each
// summed left to right, the block sums added in block order. Any number of threads may
// compute the blocks; the bits of the result never change.
double reproducible_sum(ThreadPool& pool, const std::vector<double>& x,
                        std::size_t block) {
    const std::size_t blocks = (x.size() + block - 1) / block;
    std::vector<double> partial(blocks);
    pool.parallel_for(0, blocks, 1, [&](std::size_t lo, std::size_t hi) {
        for (std::size_t b = lo; b < hi; ++b) {
            double s = 0;
            const std::size_t end = std::min(x.size(), (b + 1) * block);
            for (std::size_t i = b * block; i < end; ++i) s += x[i];
            partial[b] = s;
        }
    });
    double total = 0;
    for (double s : partial) total += s;
    return total;
}
// [/reproducible]

}  // namespace

int main(int argc, char** argv) {
    long increments = 20'000'000;
    int rounds = 2'000'000, reps = 5, warmup = 1;
    std::size_t n = 1'000'000;
    book::cli::Parser cli("pitfalls",
                          "False sharing, nested pools (oversubscription), and "
                          "floating-point sums that depend on the thread count.");
    cli.option("increments", increments, 1000L, 1'000'000'000L, "increments per thread")
        .option("rounds", rounds, 1000, 1'000'000'000,
                "work per task in the nesting test")
        .option("n", n, std::size_t{1000}, std::size_t{100'000'000}, "doubles to sum")
        .option("reps", reps, 1, 100, "measured repetitions")
        .option("warmup", warmup, 0, 10, "unrecorded warm-up runs");
    cli.parse(argc, argv);
    const unsigned cpus = usable_cpus();
    const unsigned threads = std::max(cpus, 2u);
    std::printf("== setup\nCPUs in this process's affinity mask: %u\n", cpus);

    // 1. False sharing.
    const auto fs = book::measure::interleaved(
        {{"packed", [&] { return count_ms<Packed>(threads, increments); }},
         {"padded", [&] { return count_ms<Padded>(threads, increments); }}},
        warmup, reps);
    std::printf(
        "== false sharing: %u threads, %ld relaxed increments each, own counter\n",
        threads, increments);
    std::printf("  counters in one cache line:   %8.2f ms (%.2f .. %.2f)\n", fs[0].median,
                fs[0].min, fs[0].max);
    std::printf(
        "  one cache line per counter:   %8.2f ms (%.2f .. %.2f)  packed / padded "
        "= %.2fx\n",
        fs[1].median, fs[1].min, fs[1].max, fs[0].median / fs[1].median);
    std::printf("  sizeof(Packed) = %zu, sizeof(Padded) = %zu bytes\n", sizeof(Packed),
                sizeof(Padded));

    // 2. Oversubscription: a parallel loop inside a parallel loop, each with its own
    // pool.
    std::printf("== nested parallelism: %u x %u tasks, flat on %u threads or nested\n",
                cpus, cpus, cpus);
    if (production_contenders_run()) {
        // [nested]
        const int outer = static_cast<int>(cpus), inner = static_cast<int>(cpus);
        ThreadIds flat_ids, omp_ids, tbb_ids;
        auto flat = [&] {
#pragma omp parallel for num_threads(outer) schedule(static)
            for (int t = 0; t < outer * inner; ++t) {
                flat_ids.note();
                busy_work(static_cast<unsigned>(t), rounds);
            }
        };
        auto nested_omp = [&] {
            omp_set_max_active_levels(2);  // allow the inner region its own team
#pragma omp parallel for num_threads(outer)
            for (int o = 0; o < outer; ++o) {
#pragma omp parallel for num_threads(inner)
                for (int i = 0; i < inner; ++i) {
                    omp_ids.note();
                    busy_work(static_cast<unsigned>(o * inner + i), rounds);
                }
            }
        };
        auto omp_then_tbb = [&] {
#pragma omp parallel for num_threads(outer)
            for (int o = 0; o < outer; ++o)
                oneapi::tbb::parallel_for(0, inner, [&](int i) {
                    tbb_ids.note();
                    busy_work(static_cast<unsigned>(o * inner + i), rounds);
                });
        };
        // [/nested]
        const auto r = book::measure::interleaved(
            {{"flat", [&] { return flat_ids.run(flat); }},
             {"omp in omp", [&] { return omp_ids.run(nested_omp); }},
             {"tbb in omp", [&] { return tbb_ids.run(omp_then_tbb); }}},
            warmup, reps);
        std::printf(
            "  one flat OpenMP loop:        %8.2f ms (%.2f .. %.2f), %zu threads\n",
            r[0].median, r[0].min, r[0].max, flat_ids.most);
        std::printf(
            "  OpenMP inside OpenMP:        %8.2f ms (%.2f .. %.2f), %zu threads\n",
            r[1].median, r[1].min, r[1].max, omp_ids.most);
        std::printf(
            "  oneTBB inside OpenMP:        %8.2f ms (%.2f .. %.2f), %zu threads\n",
            r[2].median, r[2].min, r[2].max, tbb_ids.most);
        std::printf("  (threads: the most that ran one call; the machine has %u CPUs)\n",
                    cpus);
    }

    // 3. Floating-point sums: the grouping decides the rounding.
    std::vector<double> x(n);
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> mantissa(1.0, 2.0);
    std::uniform_int_distribution<int> exponent(-20, 20);
    for (auto& v : x) v = std::ldexp(mantissa(rng), exponent(rng)) * (rng() % 2 ? 1 : -1);
    std::printf("== floating-point sums of %zu doubles of mixed magnitude and sign\n", n);
    std::printf("  threads  pool parallel_reduce    fixed-block sum\n");
    std::set<std::string> plain_bits, fixed_bits;
    for (unsigned p = 1; p <= 2 * cpus; ++p) {
        ThreadPool pool(p);
        const double plain = pool.parallel_reduce(
            0, n, 4096, 0.0,
            [&](std::size_t lo, std::size_t hi) {
                double s = 0;
                for (std::size_t i = lo; i < hi; ++i) s += x[i];
                return s;
            },
            std::plus<>());
        const double fixed = reproducible_sum(pool, x, 4096);
        char a[64], b[64];
        std::snprintf(a, sizeof a, "%a", plain);
        std::snprintf(b, sizeof b, "%a", fixed);
        plain_bits.insert(a);
        fixed_bits.insert(b);
        std::printf("  %7u  %-22s  %s\n", p, a, b);
    }
    std::printf("  distinct results: parallel_reduce %zu, fixed-block %zu\n",
                plain_bits.size(), fixed_bits.size());
    std::printf("== checks\n");
    std::printf("the fixed-block sum has the same bits for every thread count: %s\n",
                fixed_bits.size() == 1 ? "yes" : "NO");
    return fixed_bits.size() == 1 ? 0 : 1;
}
