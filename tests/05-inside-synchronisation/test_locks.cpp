// test_locks.cpp: the chapter's locks exclude each other, honour try_lock, and the futex
// mutex's fast path stays in user space.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "futex.hpp"
#include "futex_mutex.hpp"
#include "spinlock.hpp"
#include "ticket_lock.hpp"

using namespace book::sync;

TEST_CASE_TEMPLATE("no increment is lost when many threads take the lock at once", Lock,
                   TasSpinlock, TtasSpinlock, BackoffSpinlock, FutexMutex, TicketLock) {
    constexpr int threads = 6, per_thread = 5000;
    Lock lock;
    std::uint64_t counter = 0;  // plain: only the lock protects it
    {
        std::vector<std::jthread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&] {
                for (int i = 0; i < per_thread; ++i) {
                    std::lock_guard guard(lock);
                    ++counter;
                }
            });
    }
    CHECK(counter == std::uint64_t{threads} * per_thread);
}

TEST_CASE_TEMPLATE(
    "try_lock fails while another thread holds the lock and succeeds after it is "
    "released",
    Lock, TasSpinlock, TtasSpinlock, BackoffSpinlock, FutexMutex) {
    Lock lock;
    lock.lock();
    bool while_held = true;
    std::thread([&] { while_held = lock.try_lock(); }).join();
    CHECK_FALSE(while_held);
    lock.unlock();
    bool after_release = false;
    std::thread([&] {
        after_release = lock.try_lock();
        if (after_release) lock.unlock();
    }).join();
    CHECK(after_release);
}

TEST_CASE("an uncontended FutexMutex never enters the kernel") {
    FutexMutex mutex;
    const FutexCalls before = futex_calls_of_this_thread();
    for (int i = 0; i < 1000; ++i) {
        mutex.lock();
        mutex.unlock();
    }
    REQUIRE(mutex.try_lock());
    mutex.unlock();
    const FutexCalls after = futex_calls_of_this_thread();
    CHECK(after.waits == before.waits);
    CHECK(after.wakes == before.wakes);
}

TEST_CASE("a thread waiting for a FutexMutex gets it once the owner unlocks") {
    FutexMutex mutex;
    mutex.lock();
    std::atomic<bool> started{false};
    bool got_it = false;
    std::jthread waiter([&] {
        started.store(true);
        mutex.lock();  // blocks (spinning never: it sleeps in futex_wait) until the owner
                       // unlocks
        got_it = true;
        mutex.unlock();
    });
    while (!started.load()) std::this_thread::yield();
    mutex.unlock();
    waiter.join();
    CHECK(got_it);
    CHECK(mutex.try_lock());
    mutex.unlock();
}

TEST_CASE("futex_wait returns at once when the word no longer holds the expected value") {
    std::atomic<std::uint32_t> word{7};
    const auto before = futex_calls_of_this_thread().waits;
    futex_wait(word,
               3);  // 7 != 3: the kernel refuses to sleep (EAGAIN) and the call returns
    CHECK(futex_calls_of_this_thread().waits == before + 1);
    CHECK(futex_wake(word, 1) == 0);  // nobody sleeps on the word
}
