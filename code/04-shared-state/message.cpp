// Passes messages through a plain variable guarded by an atomic flag: release/acquire
// makes it correct, relaxed does not.
#include <atomic>
#include <cstdio>
#include <string>
#include <thread>

#include "cli.hpp"

namespace {

std::memory_order publish = std::memory_order_release;  // how the flag is written
std::memory_order observe = std::memory_order_acquire;  // how the flag is read

void wait_for(const std::atomic<int>& flag, int value) {
    for (long spins = 1; flag.load(observe) != value; ++spins)
        if (spins % 256 == 0) std::this_thread::yield();
}

// [mailbox]
// A one-slot mailbox: `data` is an ordinary variable; `full` says whose turn it is.
long data = 0;
std::atomic<int> full{0};

void producer(long rounds) {
    for (long i = 1; i <= rounds; ++i) {
        wait_for(full, 0);       // the consumer has taken the previous message
        data = i;                // (1) write the message
        full.store(1, publish);  // (2) release: everything before it is visible to
                                 // whoever acquires 1
    }
}

long consumer(long rounds) {
    long wrong = 0;
    for (long i = 1; i <= rounds; ++i) {
        wait_for(full, 1);       // (3) acquire: synchronises with the store at (2)
        if (data != i) ++wrong;  // (4) so this read happens after (1) and sees i
        full.store(0, publish);
    }
    return wrong;
}
// [/mailbox]

}  // namespace

int main(int argc, char** argv) {
    long rounds = 100'000;
    std::string order = "release";
    book::cli::Parser cli(
        "message",
        "A plain variable handed from thread to thread, guarded by an atomic flag.");
    cli.option("rounds", rounds, 1L, 10'000'000L, "messages to pass")
        .option("order", order,
                "release (release/acquire, correct) or relaxed (a data race)");
    cli.parse(argc, argv);
    if (order == "relaxed") {
        publish = std::memory_order_relaxed;
        observe = std::memory_order_relaxed;
    } else if (order != "release") {
        std::fprintf(stderr, "message: --order must be release or relaxed\n%s",
                     cli.usage().c_str());
        return 2;
    }

    long wrong = 0;
    std::thread c([&] { wrong = consumer(rounds); });
    producer(rounds);
    c.join();
    std::printf(
        "order %s: %ld messages passed, %ld read a value other than the one sent\n",
        order.c_str(), rounds, wrong);
    return 0;
}
