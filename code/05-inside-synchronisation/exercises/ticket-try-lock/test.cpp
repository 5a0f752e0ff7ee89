// test.cpp: tests of the try_lock exercise on a ticket lock.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "try_ticket_lock.hpp"

using book::sync::exercise::TryTicketLock;

TEST_CASE("try_lock takes a free lock, and unlock frees it again") {
    TryTicketLock lock;
    REQUIRE(lock.try_lock());
    lock.unlock();
    CHECK(lock.try_lock());
    lock.unlock();
}

TEST_CASE("try_lock fails while the lock is held, and leaves no ticket behind") {
    TryTicketLock lock;
    lock.lock();
    bool got = true;
    std::thread([&] { got = lock.try_lock(); }).join();
    CHECK_FALSE(got);
    lock.unlock();
    // Had the failed try_lock drawn a ticket, that ticket would now be served and nobody
    // could lock again.
    bool later = false;
    std::thread([&] {
        later = lock.try_lock();
        if (later) lock.unlock();
    }).join();
    CHECK(later);
}

TEST_CASE("try_lock and lock together still exclude: no increment is lost") {
    constexpr int threads = 4, per_thread = 4000;
    TryTicketLock lock;
    long counter = 0;
    std::atomic<long> successes{0};
    {
        std::vector<std::jthread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                for (int i = 0; i < per_thread; ++i) {
                    if (t % 2 == 0) {
                        std::lock_guard guard(lock);
                        ++counter;
                        successes.fetch_add(1);
                    } else if (lock.try_lock()) {
                        ++counter;
                        successes.fetch_add(1);
                        lock.unlock();
                    }
                }
            });
    }
    CHECK(counter == successes.load());
    CHECK(successes.load() >= long{threads / 2} * per_thread);
}
