// Tests of the countdown-latch exercise.
#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

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
    CountdownLatch gate(1);
    std::atomic<int> released{0};
    {
        std::vector<std::jthread> waiters;
        for (int i = 0; i < 3; ++i)
            waiters.emplace_back([&] {
                gate.wait();
                released.fetch_add(1);
            });
        gate.count_down();
    }  // joins: a waiter left blocked would hang here, and the watchdog would report it
    CHECK(released.load() == 3);
}
