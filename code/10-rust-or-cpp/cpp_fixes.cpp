// The chapter-4 counter fixed four ways in C++, as Rust's four fixes: a Synchronized
// value, an atomic, one slot per thread, and a queue; each prints its total.
#include <atomic>
#include <cstdio>
#include <numeric>
#include <thread>
#include <vector>

#include "bounded_queue.hpp"
#include "cli.hpp"
#include "synchronized.hpp"

namespace {

// [synchronized]
long synchronized_counter(int threads, long increments) {
    book::safe::Synchronized<long> counter(0);
    {
        std::vector<std::jthread> team;
        for (int t = 0; t < threads; ++t)
            team.emplace_back([&] {
                for (long i = 0; i < increments; ++i) ++*counter.lock();
            });
    }
    return counter.with_lock([](long v) { return v; });
}
// [/synchronized]

long atomic_counter(int threads, long increments) {
    std::atomic<long> counter{0};
    {
        std::vector<std::jthread> team;
        for (int t = 0; t < threads; ++t)
            team.emplace_back([&] {
                for (long i = 0; i < increments; ++i)
                    counter.fetch_add(1, std::memory_order_relaxed);
            });
    }
    return counter.load();
}

// One slot per thread: nothing shared is written, as with Rust's iter_mut() under scope.
long slot_counter(int threads, long increments) {
    std::vector<long> slots(threads, 0);
    {
        std::vector<std::jthread> team;
        for (int t = 0; t < threads; ++t)
            team.emplace_back([&slot = slots[t], increments] {
                for (long i = 0; i < increments; ++i) ++slot;
            });
    }
    return std::accumulate(slots.begin(), slots.end(), 0L);
}

// Each thread sends its count; only the receiving thread adds.
long queue_counter(int threads, long increments) {
    book::shared::BoundedQueue<long> queue(static_cast<std::size_t>(threads));
    std::vector<std::jthread> team;
    for (int t = 0; t < threads; ++t)
        team.emplace_back([&queue, increments] {
            long mine = 0;
            for (long i = 0; i < increments; ++i) ++mine;
            queue.push(mine);
        });
    long total = 0;
    for (int t = 0; t < threads; ++t) total += queue.pop().value_or(0);
    return total;
}

}  // namespace

int main(int argc, char** argv) {
    int threads = 4;
    long increments = 100'000;
    book::cli::Parser cli("cpp_fixes", "The racy counter of chapter 4, fixed four ways.");
    cli.option("threads", threads, 1, 64, "threads that increment")
        .option("increments", increments, 1L, 100'000'000L, "increments per thread");
    cli.parse(argc, argv);
    const long expected = threads * increments;
    std::printf("%d threads x %ld increments\n", threads, increments);
    const std::pair<const char*, long (*)(int, long)> fixes[] = {
        {"Synchronized<long>", synchronized_counter},
        {"std::atomic<long>", atomic_counter},
        {"one slot per thread", slot_counter},
        {"BoundedQueue", queue_counter},
    };
    for (auto [name, fix] : fixes) {
        const long got = fix(threads, increments);
        std::printf("%-19s expected %ld got %ld lost %ld\n", name, expected, got,
                    expected - got);
    }
}
