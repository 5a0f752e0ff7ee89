// Drepper's lesson, replayed: a mutex that decides to sleep on one word but sleeps on
// another loses a wake-up, shown by a forced interleaving; the futex mutex cannot.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <semaphore>
#include <thread>

#include "blocked.hpp"
#include "cli.hpp"
#include "futex.hpp"

namespace {

// [naive]
// WRONG: the waiter checks `locked`, then sleeps on `sleepers`. An unlock that runs
// between the two sees no sleeper, wakes nobody, and the waiter then sleeps on a word
// whose value is still the one it expects: the kernel's compare cannot save it.
struct NaiveMutex {
    std::atomic<std::uint32_t> locked{0};
    std::atomic<std::uint32_t> sleepers{0};

    template <class Pause>
    void lock(Pause between_check_and_sleep) {
        while (locked.exchange(1, std::memory_order_acquire) == 1) {
            between_check_and_sleep();  // the script stops the waiter here
            sleepers.fetch_add(1);
            book::sync::futex_wait(sleepers, 1);  // sleeps: sleepers is 1, as expected
            sleepers.fetch_sub(1);
        }
    }
    void unlock() {
        locked.store(0, std::memory_order_release);
        if (sleepers.load() != 0) book::sync::futex_wake(sleepers, 1);
    }
};
// [/naive]

}  // namespace

int main(int argc, char** argv) {
    book::cli::Parser cli(
        "lostwake", "A lost wake-up forced by a scripted interleaving of two threads.");
    cli.parse(argc, argv);

    // [script]
    NaiveMutex m;
    std::binary_semaphore checked{0}, go_on{0};
    std::atomic<pid_t> waiter_tid{0};
    std::atomic<bool> got_lock{false};
    m.lock([] {});  // main holds the mutex
    std::printf("main: holds the mutex\n");
    std::thread waiter([&] {
        waiter_tid.store(book::testing::this_thread_tid());
        bool first = true;
        m.lock([&] {
            if (!first) return;  // only the first attempt is scripted
            first = false;
            std::printf("waiter: found the mutex held, is about to sleep\n");
            checked.release();
            go_on.acquire();  // main unlocks while the waiter stands here
        });
        got_lock.store(true);
        m.unlock();
    });
    checked.acquire();
    m.unlock();
    std::printf("main: unlocked; sleepers was %u, so no futex_wake was made\n",
                m.sleepers.load());
    go_on.release();
    const bool asleep = book::testing::wait_until_in_futex_wait(
        {waiter_tid.load()}, [&] { return got_lock.load(); });
    if (asleep && m.locked.load() == 0)
        std::printf(
            "lost wake-up: the waiter sleeps in futex_wait while the mutex is free\n");
    else
        std::printf("no lost wake-up this time\n");
    // [/script]
    std::printf("main: waking it by hand, so that the program ends\n");
    while (!got_lock.load()) {
        book::sync::futex_wake(m.sleepers, 1);
        std::this_thread::yield();
    }
    waiter.join();
    std::printf("waiter: got the mutex after the rescue\n");
    return 0;
}
