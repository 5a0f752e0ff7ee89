// Store buffering in C++, written as the Rust program beside it: with relaxed order both
// threads can read the old value; with seq_cst they cannot (one memory model for both).
#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include "cli.hpp"

namespace {

std::atomic<int> x{0}, y{0};

// [side]
int store_then_load(std::atomic<int>& mine, std::atomic<int>& other,
                    std::memory_order order) {
    mine.store(1, order);
    return other.load(order);
}
// [/side]

// Both threads start round i together (a spinning rendezvous, as in chapter 4).
void wait_round(std::atomic<long>& arrived, long round) {
    arrived.fetch_add(1);
    for (long spins = 1; arrived.load() < 2 * round; ++spins)
        if (spins % 1024 == 0) std::this_thread::yield();
}

long both_old(long rounds, std::memory_order order) {
    std::atomic<long> start{0}, done{0};
    std::vector<int> ra(rounds), rb(rounds);
    {
        std::jthread b([&] {
            for (long i = 0; i < rounds; ++i) {
                wait_round(start, i + 1);
                rb[i] = store_then_load(y, x, order);
                wait_round(done, i + 1);
            }
        });
        for (long i = 0; i < rounds; ++i) {
            x.store(0);
            y.store(0);
            wait_round(start, i + 1);
            ra[i] = store_then_load(x, y, order);
            wait_round(done, i + 1);
        }
    }
    long count = 0;
    for (long i = 0; i < rounds; ++i) count += ra[i] == 0 && rb[i] == 0;
    return count;
}

}  // namespace

int main(int argc, char** argv) {
    long rounds = 100'000;
    book::cli::Parser cli("litmus", "Store buffering with C++'s atomics.");
    cli.option("rounds", rounds, 1L, 100'000'000L, "rounds per variant");
    cli.parse(argc, argv);
    const std::pair<const char*, std::memory_order> variants[] = {
        {"relaxed", std::memory_order_relaxed}, {"seq_cst", std::memory_order_seq_cst}};
    for (auto [name, order] : variants)
        std::printf("%-8s rounds %ld both read 0: %ld\n", name, rounds,
                    both_old(rounds, order));
}
