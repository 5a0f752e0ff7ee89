// Tests of the countdown-latch exercise.
#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "blocked.hpp"
#include "countdown_latch.hpp"

using book::shared::exercise::CountdownLatch;

TEST_CASE("a latch with count zero is open from the start") {
    CountdownLatch latch(0);
    CHECK(latch.try_wait());
}

TEST_CASE("a latch opens at the last count_down, not before") {
    CountdownLatch latch(2);
    CHECK_FALSE(latch.try_wait());
    latch.count_down();
    CHECK_FALSE(latch.try_wait());
    latch.count_down();
    CHECK(latch.try_wait());
}

TEST_CASE("counting down an open latch is an error") {
    CountdownLatch latch(1);
    latch.count_down();
    CHECK_THROWS_AS(latch.count_down(), std::logic_error);
}

TEST_CASE("wait returns only after every worker has counted down") {
    constexpr int workers = 4;
    CountdownLatch latch(workers);
    std::atomic<int> finished{0};
    std::vector<std::jthread> pool;
    for (int i = 0; i < workers; ++i)
        pool.emplace_back([&] {
            finished.fetch_add(1);
            latch.count_down();
        });
    latch.wait();
    CHECK(finished.load() == workers);
    CHECK(latch.try_wait());
}

TEST_CASE("the last count_down releases every waiting thread") {
    // The waiters announce themselves, and count_down runs only once the kernel shows
    // every one of them asleep in a futex wait: a latch that wakes only one of them
    // then leaves the others asleep, and the watchdog reports the hang.
    constexpr int waiting = 3;
    CountdownLatch gate(1);
    std::atomic<int> announced{0};
    std::atomic<int> released{0};
    std::array<std::atomic<pid_t>, waiting> tids{};
    {
        std::vector<std::jthread> waiters;
        for (int i = 0; i < waiting; ++i)
            waiters.emplace_back([&, i] {
                tids[i].store(book::testing::this_thread_tid());
                announced.fetch_add(1);
                gate.wait();
                released.fetch_add(1);
            });
        while (announced.load() < waiting) std::this_thread::yield();
        std::vector<pid_t> ids;
        for (auto& tid : tids) ids.push_back(tid.load());
        const bool all_blocked = book::testing::wait_until_in_futex_wait(
            ids, [&] { return released.load() > 0; });
        CHECK_MESSAGE(all_blocked, "wait() returned before the latch was opened");
        gate.count_down();
    }  // joins: a waiter left blocked would hang here, and the watchdog would report it
    CHECK(released.load() == waiting);
}

TEST_CASE("a latch can be destroyed as soon as wait returns") {
    // The usual life of a latch: wait, then destroy it. count_down must not touch the
    // latch once a waiter can return (the tsan preset reports it if it does).
    for (int round = 0; round < 2000; ++round) {
        auto latch = std::make_unique<CountdownLatch>(1);
        std::jthread worker([&latch_ref = *latch] { latch_ref.count_down(); });
        latch->wait();
        latch.reset();
    }
    CHECK(true);
}
