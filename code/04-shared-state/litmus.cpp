// The store-buffering litmus test on the real machine: both threads can read the old
// value, unless the accesses are sequentially consistent.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
constexpr const char* clock_name = "time-stamp counter";
#elif defined(__aarch64__)
constexpr const char* clock_name = "cntvct_el0";
#else
constexpr const char* clock_name = "steady_clock";
#endif

#include "cli.hpp"

// ThreadSanitizer does not model fences (g++ warns with -Wtsan about
// atomic_thread_fence under -fsanitize=thread, and the book builds with -Werror), so the
// sanitizer build replaces the fence variant by seq_cst accesses and says so.
#if defined(__SANITIZE_THREAD__)
#define LITMUS_NO_FENCES 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LITMUS_NO_FENCES 1
#endif
#endif

namespace {

// [variants]
enum class Variant { relaxed, release_acquire, seq_cst, fences };
const char* name(Variant v) {
    switch (v) {
        case Variant::relaxed:
            return "relaxed";
        case Variant::release_acquire:
            return "release/acquire";
        case Variant::seq_cst:
            return "seq_cst";
        case Variant::fences:
            return "relaxed+fence";
    }
    return "?";
}

std::atomic<int> x{0}, y{0};

// One side of the test: store 1 to `mine`, then read `other`.
template <Variant V>
int store_then_load(std::atomic<int>& mine, std::atomic<int>& other) {
    if constexpr (V == Variant::relaxed) {
        mine.store(1, std::memory_order_relaxed);
        return other.load(std::memory_order_relaxed);
    } else if constexpr (V == Variant::release_acquire) {
        mine.store(1, std::memory_order_release);
        return other.load(std::memory_order_acquire);
    } else if constexpr (V == Variant::seq_cst) {
        mine.store(1);  // memory_order_seq_cst is the default
        return other.load();
    } else {
#ifndef LITMUS_NO_FENCES
        mine.store(1, std::memory_order_relaxed);
        std::atomic_thread_fence(
            std::memory_order_seq_cst);  // the store must be visible before the load
        return other.load(std::memory_order_relaxed);
#else
        mine.store(1);
        return other.load();
#endif
    }
}
// [/variants]

// [round-sync]
// A fine-grained clock that every core reads alike: the time-stamp counter on x86-64, the
// virtual counter on AArch64, steady_clock elsewhere (slower to read, so fewer rounds
// overlap there).
std::uint64_t ticks() {
#if defined(__x86_64__) || defined(__i386__)
    return __rdtsc();
#elif defined(__aarch64__)
    std::uint64_t value;
    asm volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(value)::"memory");
    return value;
#else
    return static_cast<std::uint64_t>(
        std::chrono::steady_clock::now().time_since_epoch().count());
#endif
}

// Waits for a condition that the other thread will make true; yields now and then, so
// that a machine with fewer free CPUs than threads still makes progress.
template <class Condition>
void spin_until(Condition condition) {
    for (long spins = 1; !condition(); ++spins)
        if (spins % 1024 == 0) std::this_thread::yield();
}

// Both threads start round i at the same instant: the first thread picks a deadline a
// few microseconds ahead and publishes it with the round number; each thread spins on the
// clock until the deadline (the first one with a small offset that changes from round to
// round), then runs its store and its load. Waiting for a message from
// the other thread instead would start the thread that sees it one cache-line transfer
// (about 100 ns) later, far longer than the few nanoseconds the stores stay buffered.
struct Start {
    std::atomic<long> round{0};
    std::atomic<std::uint64_t> deadline{0};
    std::atomic<long> b_done{-1};
};
// [/round-sync]

// Ticks of ticks() per microsecond, measured against steady_clock over 20 ms.
double ticks_per_us() {
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    const std::uint64_t k0 = ticks();
    while (clock::now() - t0 < std::chrono::milliseconds(20)) {
    }
    const std::uint64_t k1 = ticks();
    const double us =
        std::chrono::duration<double, std::micro>(clock::now() - t0).count();
    return static_cast<double>(k1 - k0) / us;
}

struct Result {
    long rounds = 0;    // rounds run (fewer than asked when the time budget ran out)
    long both_old = 0;  // rounds in which both threads read 0
    long aligned = 0;   // rounds in which both threads left the deadline within `window`
};

// [run]
// Runs `rounds` rounds, or fewer if `budget` runs out first (on a busy machine, a round
// waits for both threads to get a CPU); `lead` is how far ahead the deadline lies,
// `window` how close the two starts must be for a round to count as aligned (in ticks).
template <Variant V>
Result run_rounds(long rounds, std::uint64_t lead, std::uint64_t window,
                  std::chrono::steady_clock::duration budget) {
    const auto end = std::chrono::steady_clock::now() + budget;
    Start start;
    const auto n = static_cast<std::size_t>(rounds);
    std::vector<int> ra(n), rb(n);
    std::vector<std::uint64_t> ta(n), tb(n);
    std::thread b([&] {
        for (long i = 0; i < rounds; ++i) {
            const auto k = static_cast<std::size_t>(i);
            long seen = 0;
            spin_until([&] {
                seen = start.round.load(std::memory_order_acquire);
                return seen == i + 1 || seen < 0;
            });
            if (seen < 0) return;  // the first thread ran out of time
            const std::uint64_t go = start.deadline.load(std::memory_order_relaxed);
            while (ticks() < go) {
            }
            tb[k] = ticks();
            rb[k] = store_then_load<V>(y, x);
            start.b_done.store(i, std::memory_order_release);
        }
    });
    long done = 0;
    for (long i = 0; i < rounds; ++i, done = i) {
        if (i % 16 == 0 && std::chrono::steady_clock::now() > end) {
            start.round.store(-1, std::memory_order_release);  // tells the other to stop
            break;
        }
        const auto k = static_cast<std::size_t>(i);
        x.store(0);
        y.store(0);
        const std::uint64_t go = ticks() + lead;
        start.deadline.store(go, std::memory_order_relaxed);
        start.round.store(i + 1, std::memory_order_release);  // publishes the deadline
        // This thread starts up to `window` ticks before or after the deadline, a
        // different offset each round: whatever the clocks' skew between the two cores,
        // or the difference in how fast each thread reacts, some rounds line up.
        const std::uint64_t mine = go - window + (2 * window * (k % 21)) / 20;
        while (ticks() < mine) {
        }
        ta[k] = ticks();
        ra[k] = store_then_load<V>(x, y);
        spin_until([&] { return start.b_done.load(std::memory_order_acquire) == i; });
    }
    b.join();
    Result result;
    result.rounds = done;
    for (std::size_t k = 0; k < static_cast<std::size_t>(done); ++k) {
        result.both_old += (ra[k] == 0 && rb[k] == 0);
        const std::uint64_t gap = ta[k] > tb[k] ? ta[k] - tb[k] : tb[k] - ta[k];
        result.aligned += (gap <= window);
    }
    return result;
}
// [/run]

}  // namespace

int main(int argc, char** argv) {
    long rounds = 200'000;
    int reps = 5;
    book::cli::Parser cli(
        "litmus", "Store buffering: how often do both threads read the old value?");
    int seconds = 20;
    cli.option("rounds", rounds, 1L, 10'000'000L, "rounds per variant and repetition")
        .option("reps", reps, 1, 100, "repetitions of each variant, interleaved")
        .option("seconds", seconds, 1, 3600,
                "time budget for the whole run; a busy machine runs fewer rounds");
    cli.parse(argc, argv);

    const double per_us = ticks_per_us();
    const auto lead = static_cast<std::uint64_t>(3.0 * per_us);    // 3 us ahead
    const auto window = static_cast<std::uint64_t>(0.1 * per_us);  // 100 ns
    std::printf(
        "store buffering, up to %ld rounds x %d repetitions per variant, at most %d s in "
        "all (%u CPUs available)\n",
        rounds, reps, seconds, std::thread::hardware_concurrency());
#ifdef LITMUS_NO_FENCES
    std::printf(
        "  (ThreadSanitizer build: no fences, so relaxed+fence uses seq_cst accesses "
        "here)\n");
#endif
    std::printf(
        "  A: x = 1; a = y      B: y = 1; b = x      counted: rounds with a == 0 and b "
        "== 0\n");
    std::printf("  both threads start each round on a common deadline (%s clock)\n",
                clock_name);
    const Variant order[] = {Variant::relaxed, Variant::release_acquire, Variant::seq_cst,
                             Variant::fences};
    Result totals[4] = {};
    auto add = [](Result& total, Result r) {
        total.rounds += r.rounds;
        total.both_old += r.both_old;
        total.aligned += r.aligned;
    };
    const auto budget = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(static_cast<double>(seconds) / (4.0 * reps)));
    for (int r = 0; r < reps; ++r) {
        add(totals[0], run_rounds<Variant::relaxed>(rounds, lead, window, budget));
        add(totals[1],
            run_rounds<Variant::release_acquire>(rounds, lead, window, budget));
        add(totals[2], run_rounds<Variant::seq_cst>(rounds, lead, window, budget));
        add(totals[3], run_rounds<Variant::fences>(rounds, lead, window, budget));
    }
    auto percent = [](long part, long whole) {
        return whole == 0
                   ? 0.0
                   : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
    };
    for (int i = 0; i < 4; ++i)
        std::printf("  %-16s both old: %8ld of %ld rounds (%.3f%%)\n", name(order[i]),
                    totals[i].both_old, totals[i].rounds,
                    percent(totals[i].both_old, totals[i].rounds));
    std::printf("overlap: rounds whose two starts were within 100 ns of each other\n");
    for (int i = 0; i < 4; ++i)
        std::printf("  %-16s aligned:  %8ld of %ld rounds (%.1f%%)\n", name(order[i]),
                    totals[i].aligned, totals[i].rounds,
                    percent(totals[i].aligned, totals[i].rounds));
    return 0;
}
