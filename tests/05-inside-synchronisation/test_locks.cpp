// test_locks.cpp: the chapter's locks exclude each other, honour try_lock, and the futex
// mutex's fast path stays in user space.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "futex.hpp"
#include "blocked.hpp"
#include "futex_mutex.hpp"
#include "spin_futex_mutex.hpp"
#include "spinlock.hpp"
#include "ticket_lock.hpp"

using namespace book::sync;

TEST_CASE_TEMPLATE("no increment is lost when many threads take the lock at once", Lock,
                   TasSpinlock, TtasSpinlock, BackoffSpinlock, FutexMutex, SpinFutexMutex,
                   TicketLock) {
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
    Lock, TasSpinlock, TtasSpinlock, BackoffSpinlock, FutexMutex, SpinFutexMutex) {
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

TEST_CASE_TEMPLATE("an uncontended futex-based mutex never enters the kernel", Mutex,
                   FutexMutex, SpinFutexMutex) {
    Mutex mutex;
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

TEST_CASE_TEMPLATE(
    "a thread waiting for a futex-based mutex sleeps, and gets it once "
    "the owner unlocks",
    Mutex, FutexMutex, SpinFutexMutex) {
    Mutex mutex;
    mutex.lock();
    std::atomic<pid_t> tid{0};
    std::atomic<bool> got_it{false};
    std::jthread waiter([&] {
        tid.store(book::testing::this_thread_tid());
        mutex.lock();  // blocks until the owner unlocks: asleep in futex_wait, not
                       // spinning
        got_it.store(true);
        mutex.unlock();
    });
    while (tid.load() == 0) std::this_thread::yield();
    // Returns only once the kernel shows the waiter asleep in the futex system call (a
    // waiter that spun forever would leave the watchdog to report it).
    const bool asleep = book::testing::wait_until_in_futex_wait(
        {tid.load()}, [&] { return got_it.load(); });
    CHECK_MESSAGE(asleep, "lock() returned while another thread held the mutex");
    mutex.unlock();
    waiter.join();
    CHECK(got_it.load());
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
