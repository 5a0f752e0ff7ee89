// futex_semaphore.hpp: a counting semaphore whose waiters sleep on a futex (reference
// solution).
#pragma once

#include <atomic>
#include <cstdint>

#include "futex.hpp"

namespace book::sync::exercise {

/// A counting semaphore: acquire() takes a permit, sleeping in the kernel while there is
/// none; release() returns one.
class FutexSemaphore {
public:
    /// A semaphore holding @p permits permits.
    explicit FutexSemaphore(std::uint32_t permits) : permits_(permits) {}

    /// Takes a permit if one is available; never sleeps.
    bool try_acquire() noexcept {
        std::uint32_t seen = permits_.load(std::memory_order_relaxed);
        while (seen > 0) {
            if (permits_.compare_exchange_weak(seen, seen - 1, std::memory_order_acquire,
                                               std::memory_order_relaxed))
                return true;
        }
        return false;
    }

    /// Takes a permit, sleeping in futex_wait() while there is none.
    void acquire() noexcept {
        while (!try_acquire()) {
            waiters_.fetch_add(1, std::memory_order_seq_cst);  // announce first ...
            futex_wait(permits_, 0);  // ... then sleep only if there is still no permit
            waiters_.fetch_sub(1, std::memory_order_relaxed);
        }
    }

    /// Returns a permit and wakes one sleeper, making the system call only when someone
    /// may sleep.
    void release() noexcept {
        permits_.fetch_add(1, std::memory_order_seq_cst);
        // Either the waiter's futex_wait sees the new permit and does not sleep, or this
        // load sees its announcement.
        if (waiters_.load(std::memory_order_seq_cst) != 0) futex_wake(permits_, 1);
    }

private:
    std::atomic<std::uint32_t> permits_;
    std::atomic<std::uint32_t> waiters_{0};
};

}  // namespace book::sync::exercise
