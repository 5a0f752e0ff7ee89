// test.cpp: tests of the futex semaphore exercise.
#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "blocked.hpp"
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

TEST_CASE("each release wakes one of the threads asleep in acquire") {
    // Every acquirer announces itself, and the releases start only once the kernel shows
    // all of them asleep in a futex wait; a release that wakes nobody leaves one asleep,
    // and the watchdog reports the hang.
    constexpr int sleepers = 3;
    FutexSemaphore sem(0);
    std::atomic<int> announced{0}, returned{0};
    std::array<std::atomic<pid_t>, sleepers> tids{};
    {
        std::vector<std::jthread> threads;
        for (int i = 0; i < sleepers; ++i)
            threads.emplace_back([&, i] {
                tids[i].store(book::testing::this_thread_tid());
                announced.fetch_add(1);
                sem.acquire();
                returned.fetch_add(1);
            });
        while (announced.load() < sleepers) std::this_thread::yield();
        std::vector<pid_t> ids;
        for (auto& tid : tids) ids.push_back(tid.load());
        const bool all_asleep = book::testing::wait_until_in_futex_wait(
            ids, [&] { return returned.load() > 0; });
        CHECK_MESSAGE(all_asleep, "acquire() returned without a permit");
        for (int i = 0; i < sleepers; ++i) sem.release();
    }
    CHECK(returned.load() == sleepers);
    CHECK_FALSE(sem.try_acquire());
}

TEST_CASE("a semaphore can be destroyed as soon as acquire returns") {
    // A semaphore as a completion signal: the waiter destroys it once acquire() returns.
    // release() must not touch it after publishing the permit (glibc bug 12674); the
    // tsan preset reports the access if it does.
    for (int round = 0; round < 2000; ++round) {
        auto done = std::make_unique<FutexSemaphore>(0);
        std::jthread worker([&sem = *done] { sem.release(); });
        done->acquire();
        done.reset();
    }
    CHECK(true);
}
