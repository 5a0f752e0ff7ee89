// Google Benchmark runs of the book's own headers, for runs longer than the book's build
// allows: the locks of chapter 5, a generator of chapter 6, the context switch of chapter
// 7, the event loop of chapter 8, the pool of chapter 11 and the task group of
// chapter 12.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <numeric>
#include <vector>

#include "context.hpp"      // chapter 7
#include "futex_mutex.hpp"  // chapter 5
#include "generator.hpp"    // chapter 6
#include "loop.hpp"         // chapter 8
#include "pool.hpp"         // chapter 11
#include "spinlock.hpp"     // chapter 5
#include "stack.hpp"        // chapter 7
#include "structured.hpp"   // chapter 12

namespace {

// [locks]
// One lock, increment, unlock; with ->Threads(2) both threads share the lock (contended).
template <class Lock>
void BM_lock(benchmark::State& state) {
    static Lock lock;
    static std::uint64_t counter = 0;
    for (auto _ : state) {
        std::lock_guard guard(lock);
        benchmark::DoNotOptimize(++counter);
    }
}
BENCHMARK_TEMPLATE(BM_lock, std::mutex)->Threads(1)->Threads(2);
BENCHMARK_TEMPLATE(BM_lock, book::sync::FutexMutex)->Threads(1)->Threads(2);
BENCHMARK_TEMPLATE(BM_lock, book::sync::TtasSpinlock)->Threads(1)->Threads(2);
// [/locks]

// [generator]
book::coro::generator<std::uint64_t> naturals() {
    for (std::uint64_t i = 0;; ++i) co_yield i;
}

void BM_generator_next(benchmark::State& state) {
    auto gen = naturals();
    auto it = gen.begin();
    for (auto _ : state) {
        benchmark::DoNotOptimize(*it);
        ++it;
    }
}
BENCHMARK(BM_generator_next);
// [/generator]

// [switch]
// A round trip: main switches to the echo context, which switches straight back.
book::green::Context bench_main, bench_echo;

void echo(void*) {
    for (;;) book::green::switch_to(bench_echo, bench_main, nullptr);
}

void BM_green_switch_round_trip(benchmark::State& state) {
    book::green::Stack stack(64 * 1024, book::green::Stack::Guard::yes);
    bench_main = book::green::Context::current_thread();
    bench_echo = book::green::Context::fresh(stack.low(), stack.size(), echo);
    for (auto _ : state) book::green::switch_to(bench_main, bench_echo, nullptr);
    bench_echo = book::green::Context();  // the echo context is abandoned with its stack
}
BENCHMARK(BM_green_switch_round_trip);
// [/switch]

// [loop]
// setImmediate-style callbacks: each one queues the next, until state.range(0) have run.
void BM_loop_immediates(benchmark::State& state) {
    const auto n = state.range(0);
    for (auto _ : state) {
        book::loop::event_loop loop;
        std::int64_t left = n;
        std::function<void()> step = [&] {
            if (--left > 0) loop.set_immediate(step);
        };
        loop.run([&] { loop.set_immediate(step); });
        benchmark::DoNotOptimize(left);
    }
    state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_loop_immediates)->Arg(10000);
// [/loop]

// [pool]
void BM_pool_reduce(benchmark::State& state) {
    book::par::ThreadPool pool(static_cast<unsigned>(state.range(0)));
    std::vector<double> v(1 << 20, 1.0);
    for (auto _ : state) {
        double sum = pool.parallel_reduce(
            0, v.size(), 16384, 0.0,
            [&](std::size_t lo, std::size_t hi) {
                return std::accumulate(v.begin() + static_cast<std::ptrdiff_t>(lo),
                                       v.begin() + static_cast<std::ptrdiff_t>(hi), 0.0);
            },
            [](double a, double b) { return a + b; });
        benchmark::DoNotOptimize(sum);
    }
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(v.size() * 8));
}
BENCHMARK(BM_pool_reduce)->Arg(1)->Arg(2)->UseRealTime();
// [/pool]

// [task-group]
// Spawn state.range(0) children that return at once, and wait for them.
void BM_task_group_scope(benchmark::State& state) {
    const auto n = state.range(0);
    for (auto _ : state) {
        std::atomic<std::int64_t> done{0};
        book::structured::scope([&](book::structured::task_group& g) {
            for (std::int64_t i = 0; i < n; ++i)
                g.spawn([&] { done.fetch_add(1, std::memory_order_relaxed); });
        });
        benchmark::DoNotOptimize(done.load());
    }
    state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_task_group_scope)->Arg(8)->UseRealTime();
// [/task-group]

}  // namespace

BENCHMARK_MAIN();
