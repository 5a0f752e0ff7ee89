// The store-buffering litmus test on the real machine: both threads can read the old
// value, unless the accesses are sequentially consistent.
#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include "cli.hpp"

// ThreadSanitizer does not model fences (g++ refuses atomic_thread_fence under
// -fsanitize=thread), so the sanitizer build replaces the fence variant by seq_cst
// accesses and says so.
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
// Both threads start round i together: a tiny spinning rendezvous (blocking would let one
// thread finish its round before the other begins, and the interesting outcome needs true
// overlap).
struct Rendezvous {
    std::atomic<long> arrived{0};
    void wait_round(long round) {  // round counts from 1; each of the 2 threads arrives
                                   // once per round
        arrived.fetch_add(1);
        long spins = 0;
        while (arrived.load() < 2 * round)
            if (++spins % 1024 == 0)
                std::this_thread::yield();  // be polite on a busy machine
    }
};
// [/round-sync]

// [run]
// Runs `rounds` rounds and returns how many ended with both threads reading 0.
template <Variant V>
long both_old(long rounds) {
    Rendezvous start, done;
    std::vector<int> ra(static_cast<std::size_t>(rounds)),
        rb(static_cast<std::size_t>(rounds));
    std::thread b([&] {
        for (long i = 0; i < rounds; ++i) {
            start.wait_round(i + 1);
            rb[static_cast<std::size_t>(i)] = store_then_load<V>(y, x);
            done.wait_round(i + 1);
        }
    });
    long count = 0;
    for (long i = 0; i < rounds; ++i) {
        x.store(0);
        y.store(0);
        start.wait_round(i + 1);
        ra[static_cast<std::size_t>(i)] = store_then_load<V>(x, y);
        done.wait_round(i + 1);  // after this, both results of round i are written
    }
    b.join();
    for (long i = 0; i < rounds; ++i)
        count += (ra[static_cast<std::size_t>(i)] == 0 &&
                  rb[static_cast<std::size_t>(i)] == 0);
    return count;
}
// [/run]

}  // namespace

int main(int argc, char** argv) {
    long rounds = 200'000;
    int reps = 5;
    book::cli::Parser cli(
        "litmus", "Store buffering: how often do both threads read the old value?");
    cli.option("rounds", rounds, 1L, 10'000'000L, "rounds per variant and repetition")
        .option("reps", reps, 1, 100, "repetitions of each variant, interleaved");
    cli.parse(argc, argv);

    std::printf(
        "store buffering, %ld rounds x %d repetitions per variant (%u CPUs available)\n",
        rounds, reps, std::thread::hardware_concurrency());
#ifdef LITMUS_NO_FENCES
    std::printf(
        "  (ThreadSanitizer build: no fences, so relaxed+fence uses seq_cst accesses "
        "here)\n");
#endif
    std::printf(
        "  A: x = 1; a = y      B: y = 1; b = x      counted: rounds with a == 0 and b "
        "== 0\n");
    const Variant order[] = {Variant::relaxed, Variant::release_acquire, Variant::seq_cst,
                             Variant::fences};
    long totals[4] = {};
    for (int r = 0; r < reps; ++r) {
        totals[0] += both_old<Variant::relaxed>(rounds);
        totals[1] += both_old<Variant::release_acquire>(rounds);
        totals[2] += both_old<Variant::seq_cst>(rounds);
        totals[3] += both_old<Variant::fences>(rounds);
    }
    for (int i = 0; i < 4; ++i) {
        const double total = static_cast<double>(rounds) * reps;
        std::printf("  %-16s both old: %8ld of %ld rounds (%.3f%%)\n", name(order[i]),
                    totals[i], rounds * reps,
                    100.0 * static_cast<double>(totals[i]) / total);
    }
    return 0;
}
