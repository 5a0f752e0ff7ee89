// futex_semaphore.hpp: a counting semaphore whose waiters sleep on a futex (exercise
// starter).
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
        // TODO: compare-and-swap loop: while permits_ > 0, try to replace it by permits_
        // - 1.
        return false;
    }

    /// Takes a permit, sleeping in futex_wait() while there is none.
    void acquire() noexcept {
        // TODO: loop { if try_acquire() succeeds, return; announce yourself in waiters_;
        //              futex_wait(permits_, 0); withdraw from waiters_; }
    }

    /// Returns a permit and wakes one sleeper, making the system call only when someone
    /// may sleep.
    void release() noexcept {
        // TODO: add one to permits_, then call futex_wake(permits_, 1) only if waiters_
        // is not zero. Think about the order: why must the waiter announce itself before
        // futex_wait checks the word?
    }

private:
    std::atomic<std::uint32_t> permits_;
    std::atomic<std::uint32_t> waiters_{0};
};

}  // namespace book::sync::exercise
