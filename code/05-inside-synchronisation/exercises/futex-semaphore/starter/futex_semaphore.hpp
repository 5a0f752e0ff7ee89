// futex_semaphore.hpp: a counting semaphore whose waiters sleep on a futex (exercise
// starter).
#pragma once

#include <atomic>
#include <cstdint>

#include "futex.hpp"

namespace book::sync::exercise {

/// A counting semaphore: acquire() takes a permit, sleeping in the kernel while there is
/// none; release() returns one. It may be destroyed as soon as an acquire() that a
/// release() let through has returned.
class FutexSemaphore {
public:
    /// The most permits the semaphore holds, and the most threads that may wait at once.
    static constexpr std::uint32_t max() { return 0xffff; }

    /// A semaphore holding @p permits permits (at most max()).
    explicit FutexSemaphore(std::uint32_t permits) : word_(permits) {}

    /// Takes a permit if one is available; never sleeps.
    bool try_acquire() noexcept {
        // TODO: take a permit if there is one, atomically, and say whether you did.
        return false;
    }

    /// Takes a permit, sleeping in futex_wait() while there is none.
    void acquire() noexcept {
        // TODO: return with a permit taken. While there is none, sleep in futex_wait():
        // never spin, and never sleep through a release() that happens meanwhile.
    }

    /// Returns a permit and wakes one sleeper, making the system call only when someone
    /// waits.
    void release() noexcept {
        // TODO: make one permit available, and wake a sleeping acquirer if there is one.
        // A release() with no thread asleep must make no system call. As soon as the
        // permit is visible, an acquirer may return and destroy the semaphore: what may
        // release() still touch after that?
    }

private:
    // TODO: the state you need. futex_wait() and futex_wake() take one
    // std::atomic<std::uint32_t>; you may change this member and add others.
    std::atomic<std::uint32_t> word_;
};

}  // namespace book::sync::exercise
