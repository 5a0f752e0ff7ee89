// lockfree.cpp: a compare-and-swap loop, the ABA problem replayed step by step, and a
// lock-free stack checked and timed against a locked one.
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "aba_script.hpp"
#include "cli.hpp"
#include "measure.hpp"
#include "treiber_stack.hpp"

namespace {

int cpus_available() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
    return std::max(1, CPU_COUNT(&set));
}

// Lets a group of threads start at one moment: each waits (yielding) until all have
// arrived and go() was called.
class StartLine {
public:
    explicit StartLine(int threads) : threads_(threads) {}
    void wait_for_go() {
        arrived_.fetch_add(1);
        while (!go_.load()) std::this_thread::yield();
    }
    void go() {  // called by the coordinating thread once everyone is waiting
        while (arrived_.load() < threads_) std::this_thread::yield();
        go_.store(true);
    }

private:
    int threads_;
    std::atomic<int> arrived_{0};
    std::atomic<bool> go_{false};
};

// [cas-loop]
// There is no fetch_multiply instruction: read, compute, and publish only if nobody
// changed the value meanwhile. Returns how many times this thread's compare-and-swap
// failed and had to retry.
std::uint64_t fetch_multiply(std::atomic<std::uint64_t>& value, std::uint64_t factor) {
    std::uint64_t retries = 0;
    std::uint64_t seen = value.load(std::memory_order_relaxed);
    while (!value.compare_exchange_weak(seen, seen * factor, std::memory_order_relaxed)) {
        ++retries;  // seen now holds the current value: recompute from it
    }
    return retries;
}
// [/cas-loop]

// The same stack behind one std::mutex, for comparison.
template <class T>
class LockedStack {
public:
    void push(T v) {
        std::lock_guard g(m_);
        items_.push_back(std::move(v));
    }
    std::optional<T> pop() {
        std::lock_guard g(m_);
        if (items_.empty()) return std::nullopt;
        T v = std::move(items_.back());
        items_.pop_back();
        return v;
    }

private:
    std::mutex m_;
    std::vector<T> items_;
};

// [stress]
// Every thread pushes its own distinct items and pops as many; afterwards every item must
// have been popped exactly once (by some thread, or when draining the stack at the end).
template <class Stack>
bool stress(Stack& stack, int threads, int per_thread, std::uint64_t& lost,
            std::uint64_t& duplicated) {
    const auto total =
        static_cast<std::size_t>(threads) * static_cast<std::size_t>(per_thread);
    std::vector<std::vector<std::uint32_t>> popped(static_cast<std::size_t>(threads));
    {
        std::vector<std::jthread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                auto& mine = popped[static_cast<std::size_t>(t)];
                for (int i = 0; i < per_thread; ++i) {
                    if (!stack.push(static_cast<std::uint32_t>(t * per_thread + i)))
                        std::abort();
                    if (auto v = stack.pop()) mine.push_back(*v);
                }
            });
    }
    std::vector<std::uint32_t> seen(total, 0);
    for (const auto& mine : popped)
        for (auto v : mine) ++seen[v];
    while (auto v = stack.pop()) ++seen[*v];
    lost = static_cast<std::uint64_t>(std::ranges::count(seen, 0u));
    duplicated = 0;
    for (auto n : seen) duplicated += n > 1 ? n - 1 : 0;
    return lost == 0 && duplicated == 0;
}
// [/stress]

// Time per push+pop pair, all threads together (thread start-up excluded, joining
// included), for either stack.
template <class Stack>
double pairs(Stack& stack, int threads, int per_thread) {
    StartLine line(threads);
    book::measure::Clock::time_point start;
    {
        std::vector<std::jthread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                line.wait_for_go();
                for (int i = 0; i < per_thread; ++i) {
                    (void)stack.push(static_cast<std::uint32_t>(t + i));
                    (void)stack.pop();
                }
            });
        start = book::measure::Clock::now();
        line.go();
    }
    return book::measure::seconds_since(start) * 1e9 /
           (static_cast<double>(threads) * per_thread);
}

struct StackForTiming {
    book::sync::TreiberStack<std::uint32_t> stack{1u << 16};
    bool push(std::uint32_t v) { return stack.push(v); }
    std::optional<std::uint32_t> pop() { return stack.pop(); }
};

}  // namespace

int main(int argc, char** argv) {
    int threads = 0;
    int updates = 200000;
    int items = 50000;
    int reps = 7;
    book::cli::Parser cli(
        "lockfree",
        "A CAS loop, the ABA problem replayed, a lock-free stack checked and timed.");
    cli.option("threads", threads, 0, 64,
               "threads for the CAS loop and the stack; 0 means twice the CPUs available")
        .option("updates", updates, 1, 1000000, "CAS-loop updates per thread")
        .option("items", items, 1, 200000,
                "items each thread pushes and pops in the stack checks and timings")
        .option("reps", reps, 1, 100, "timed repetitions per stack (after one warm-up)");
    cli.parse(argc, argv);
    const int cpus = cpus_available();
    if (threads == 0) threads = std::min(64, 2 * cpus);

    // --- 1. a compare-and-swap loop
    std::printf("== CAS loop: %d threads each multiply a shared value by 3, %d times\n",
                threads, updates);
    std::atomic<std::uint64_t> value{1};
    std::vector<std::uint64_t> retries(static_cast<std::size_t>(threads));
    {
        StartLine line(
            threads);  // all threads start together, so that they really compete
        std::vector<std::jthread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                line.wait_for_go();
                std::uint64_t r = 0;
                for (int i = 0; i < updates; ++i) r += fetch_multiply(value, 3);
                retries[static_cast<std::size_t>(t)] = r;
            });
        line.go();
    }
    std::uint64_t expected = 1;
    for (long long i = 0; i < static_cast<long long>(threads) * updates; ++i)
        expected *= 3;  // modulo 2^64, like the loop
    std::printf("final value %s 3^%lld (mod 2^64): no update lost\n",
                value.load() == expected ? "equals" : "DIFFERS FROM",
                static_cast<long long>(threads) * updates);
    std::printf("failed compare-and-swaps per thread:");
    for (auto r : retries) std::printf(" %llu", static_cast<unsigned long long>(r));
    std::printf("\n");

    // --- 2. the ABA problem, replayed
    std::printf("\n== ABA, untagged head (AbaGuard::none)\n");
    const auto naive = book::sync::run_aba_script<book::sync::AbaGuard::none>();
    for (const auto& line : naive.trace) std::printf("%s\n", line.c_str());
    std::printf("\n== ABA, tagged head (AbaGuard::tag)\n");
    const auto tagged = book::sync::run_aba_script<book::sync::AbaGuard::tag>();
    for (const auto& line : tagged.trace) std::printf("%s\n", line.c_str());

    // --- 3. the tagged stack under concurrent pushes and pops
    std::printf("\n== Treiber stack (tagged), %d threads, %d pushes and pops each\n",
                threads, items);
    book::sync::TreiberStack<std::uint32_t> stack(static_cast<std::uint32_t>(threads) *
                                                  static_cast<std::uint32_t>(items));
    std::uint64_t lost = 0, duplicated = 0;
    const bool ok = stress(stack, threads, items, lost, duplicated);
    std::printf("lost items: %llu; duplicated items: %llu\n",
                static_cast<unsigned long long>(lost),
                static_cast<unsigned long long>(duplicated));

    // --- 4. what it buys in time: push+pop pairs against a mutex-protected vector,
    // interleaved
    std::printf(
        "\n== push+pop pair, all threads together: median [min .. max] of %d runs\n",
        reps);
    std::vector<int> counts{1, cpus, threads};
    counts.erase(std::unique(counts.begin(), counts.end()), counts.end());
    for (int n : counts) {
        const auto r = book::measure::interleaved({{"Treiber stack",
                                                    [&] {
                                                        StackForTiming s;
                                                        return pairs(s, n, items);
                                                    }},
                                                   {"mutex + vector",
                                                    [&] {
                                                        LockedStack<std::uint32_t> s;
                                                        return pairs(s, n, items);
                                                    }}},
                                                  1, reps);
        std::printf(
            "threads=%d: Treiber %.1f ns [%.1f .. %.1f], mutex+vector %.1f ns [%.1f .. "
            "%.1f], ratio %.2f\n",
            n, r[0].median, r[0].min, r[0].max, r[1].median, r[1].min, r[1].max,
            r[0].median / r[1].median);
    }
    const bool aba_as_scripted = naive.corrupted && !tagged.corrupted;
    return ok && aba_as_scripted && value.load() == expected ? 0 : 1;
}
