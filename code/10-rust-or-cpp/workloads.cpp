// The C++ side of the chapter's side-by-side measurements: one workload per run, timed
// once after one warm-up, printed as `workload=... result=... ns=...` for the driver.
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <mutex>
#include <numeric>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>

#include "bounded_queue.hpp"
#include "cli.hpp"

namespace {

using u64 = std::uint64_t;

// [pin]
// Where the counters' threads run: "any" leaves it to the kernel, "spread" pins thread t
// to the t-th CPU of the process's mask (one CPU each, the line bounces between them),
// "one" pins every thread to the first (they take turns).
void pin(int index, const std::string& placement) {
    if (placement == "any") return;
    cpu_set_t mask;
    if (sched_getaffinity(0, sizeof mask, &mask) != 0) return;
    std::vector<int> cpus;
    for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &mask)) cpus.push_back(c);
    const int cpu = placement == "one" ? cpus[0] : cpus[index % cpus.size()];
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    pthread_setaffinity_np(pthread_self(), sizeof one, &one);
}
// [/pin]

// [mutex]
u64 mutex_counter(int threads, u64 n, const std::string& placement) {
    std::mutex m;
    u64 counter = 0;
    {
        std::vector<std::jthread> team;
        for (int t = 0; t < threads; ++t)
            team.emplace_back([&, t] {
                pin(t, placement);
                for (u64 i = 0; i < n; ++i) {
                    std::lock_guard lock(m);
                    ++counter;
                }
            });
    }  // the jthreads join here
    return counter;
}
// [/mutex]

u64 atomic_counter(int threads, u64 n, const std::string& placement) {
    std::atomic<u64> counter{0};
    {
        std::vector<std::jthread> team;
        for (int t = 0; t < threads; ++t)
            team.emplace_back([&, t] {
                pin(t, placement);
                for (u64 i = 0; i < n; ++i)
                    counter.fetch_add(1, std::memory_order_relaxed);
            });
    }
    return counter.load();
}

// [queue]
// One producer pushes 1..n through chapter 4's BoundedQueue; the consumer adds up.
u64 queue_channel(std::size_t capacity, u64 n) {
    book::shared::BoundedQueue<u64> queue(capacity);
    std::jthread producer([&] {
        for (u64 i = 1; i <= n; ++i) queue.push(i);
        queue.close();  // the consumer's loop ends after the last item
    });
    u64 sum = 0;
    while (auto item = queue.pop()) sum += *item;
    return sum;
}
// [/queue]

// [sums]
u64 jthread_sum(std::span<const u64> data, int threads) {
    const std::size_t chunk = (data.size() + threads - 1) / threads;
    std::vector<u64> partial(threads, 0);
    {
        std::vector<std::jthread> team;
        for (int t = 0; t < threads; ++t)
            team.emplace_back([&, t] {
                auto part = data.subspan(std::min(data.size(), t * chunk));
                part = part.first(std::min(part.size(), chunk));
                partial[t] = std::accumulate(part.begin(), part.end(), u64{0});
            });
    }
    return std::accumulate(partial.begin(), partial.end(), u64{0});
}

u64 tbb_sum(std::span<const u64> data) {
    return tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, data.size()), u64{0},
        [&](const tbb::blocked_range<std::size_t>& r, u64 acc) {
            for (std::size_t i = r.begin(); i != r.end(); ++i) acc += data[i];
            return acc;
        },
        std::plus<>());
}
// [/sums]

}  // namespace

int main(int argc, char** argv) {
    std::string workload = "mutex", placement = "any";
    int threads = 2;
    long long n = 100'000, capacity = 64;
    book::cli::Parser cli("workloads",
                          "Runs one workload once after a warm-up; prints ns.");
    cli.option("workload", workload, "mutex, atomic, queue, jthread_sum or tbb_sum")
        .option("threads", threads, 1, 64, "threads (counters, jthread_sum)")
        .option("n", n, 1LL, 1'000'000'000LL, "increments per thread, items or elements")
        .option("capacity", capacity, 1LL, 1'000'000LL, "queue capacity")
        .option("placement", placement,
                "counters' threads: any (kernel's choice), spread (one CPU each) or one "
                "(all on one CPU)");
    cli.parse(argc, argv);
    if (placement != "any" && placement != "spread" && placement != "one") {
        std::fprintf(stderr, "workloads: unknown placement '%s'\n%s", placement.c_str(),
                     cli.usage().c_str());
        return 2;
    }
    const u64 count = static_cast<u64>(n);
    // The same data as the Rust side: element i is (i * 7) % 1000.
    std::vector<u64> data;
    if (workload.ends_with("_sum")) {
        data.resize(count);
        for (u64 i = 0; i < count; ++i) data[i] = (i * 7) % 1000;
    }
    std::function<u64()> run;
    if (workload == "mutex")
        run = [&] { return mutex_counter(threads, count, placement); };
    else if (workload == "atomic")
        run = [&] { return atomic_counter(threads, count, placement); };
    else if (workload == "queue")
        run = [&] { return queue_channel(static_cast<std::size_t>(capacity), count); };
    else if (workload == "jthread_sum")
        run = [&] { return jthread_sum(data, threads); };
    else if (workload == "tbb_sum")
        run = [&] { return tbb_sum(data); };
    else {
        std::fprintf(stderr, "workloads: unknown workload '%s'\n%s", workload.c_str(),
                     cli.usage().c_str());
        return 2;
    }
    const u64 warm = run();
    const auto start = std::chrono::steady_clock::now();
    const u64 result = run();
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    if (warm != result) {
        std::fprintf(stderr, "workloads: two runs of one workload disagree\n");
        return 1;
    }
    std::printf("workload=%s threads=%d n=%lld result=%llu ns=%lld\n", workload.c_str(),
                threads, n, static_cast<unsigned long long>(result),
                static_cast<long long>(ns));
}
