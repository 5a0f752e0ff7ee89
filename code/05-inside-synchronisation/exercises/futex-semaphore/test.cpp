// test.cpp: tests of the futex semaphore exercise.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "futex.hpp"
#include "futex_semaphore.hpp"

using book::sync::exercise::FutexSemaphore;

TEST_CASE("try_acquire takes the available permits and then refuses") {
    FutexSemaphore sem(2);
    CHECK(sem.try_acquire());
    CHECK(sem.try_acquire());
    CHECK_FALSE(sem.try_acquire());
}

TEST_CASE("release makes one permit available again") {
    FutexSemaphore sem(0);
    CHECK_FALSE(sem.try_acquire());
    sem.release();
    CHECK(sem.try_acquire());
    CHECK_FALSE(sem.try_acquire());
}

TEST_CASE("release without a sleeping waiter makes no system call") {
    FutexSemaphore sem(0);
    const auto before = book::sync::futex_calls_of_this_thread();
    for (int i = 0; i < 100; ++i) sem.release();
    for (int i = 0; i < 100; ++i) sem.acquire();
    const auto after = book::sync::futex_calls_of_this_thread();
    CHECK(after.wakes == before.wakes);
    CHECK(after.waits == before.waits);
    CHECK_FALSE(sem.try_acquire());
}

TEST_CASE("a consumer never takes more permits than were released, and gets every one") {
    constexpr int items = 2000;
    FutexSemaphore sem(0);
    std::atomic<int> released{0};
    std::atomic<int> overtaken{
        0};  // acquisitions that finished before a matching release: must stay 0
    int taken = 0;
    {
        std::jthread consumer([&] {
            for (int i = 0; i < items; ++i) {
                sem.acquire();
                ++taken;
                if (taken > released.load()) overtaken.fetch_add(1);
            }
        });
        for (int i = 0; i < items; ++i) {
            released.fetch_add(1);
            sem.release();
        }
    }
    CHECK(overtaken.load() == 0);
    CHECK(taken == items);
    CHECK_FALSE(sem.try_acquire());
}
