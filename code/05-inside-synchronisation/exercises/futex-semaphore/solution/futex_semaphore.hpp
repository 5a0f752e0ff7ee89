// futex_semaphore.hpp: a counting semaphore whose waiters sleep on a futex (reference
// solution).
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "futex.hpp"

namespace book::sync::exercise {

/// A counting semaphore: acquire() takes a permit, sleeping in the kernel while there is
/// none; release() returns one. It may be destroyed as soon as an acquire() that a
/// release() let through has returned.
class FutexSemaphore {
public:
    /// The most permits the semaphore holds, and the most threads that may wait at once.
    static constexpr std::uint32_t max() { return permit_mask; }

    /// A semaphore holding @p permits permits (at most max()).
    explicit FutexSemaphore(std::uint32_t permits) : word_(permits) {
        if (permits > max()) fail("FutexSemaphore: too many permits");
    }

    /// Takes a permit if one is available; never sleeps.
    bool try_acquire() noexcept {
        std::uint32_t seen = word_.load(std::memory_order_relaxed);
        while ((seen & permit_mask) > 0) {
            // acquire: what the releasing thread did before release() happens before what
            // this thread does after taking its permit.
            if (word_.compare_exchange_weak(seen, seen - 1, std::memory_order_acquire,
                                            std::memory_order_relaxed))
                return true;
        }
        return false;
    }

    /// Takes a permit, sleeping in futex_wait() while there is none.
    void acquire() noexcept {
        bool counted = false;  // whether this thread's one is in the waiter count
        std::uint32_t seen = word_.load(std::memory_order_relaxed);
        for (;;) {
            if ((seen & permit_mask) > 0) {
                // Take a permit and, in the same step, withdraw from the waiter count.
                const std::uint32_t next = seen - 1 - (counted ? one_waiter : 0);
                if (word_.compare_exchange_weak(seen, next, std::memory_order_acquire,
                                                std::memory_order_relaxed))
                    return;
            } else if (!counted) {
                // Announce this thread in the same word that release() changes, so that
                // release() learns about it from the one read-modify-write it makes.
                if (word_.compare_exchange_weak(seen, seen + one_waiter,
                                                std::memory_order_relaxed))
                    counted = true;
            } else {
                // Sleeps only if the word is still exactly what this thread saw: a
                // release() in between changed it, and the kernel returns at once.
                futex_wait(word_, seen);
                seen = word_.load(std::memory_order_relaxed);
            }
        }
    }

    /// Returns a permit and wakes one sleeper, making the system call only when someone
    /// waits. After its one read-modify-write it touches nothing of the semaphore but its
    /// address: an acquirer may already have returned and destroyed it.
    void release() noexcept {
        // release: pairs with the acquire of the thread that takes this permit.
        const std::uint32_t before = word_.fetch_add(1, std::memory_order_release);
        if ((before & permit_mask) == permit_mask)
            fail("FutexSemaphore: too many permits");
        if ((before >> waiter_shift) != 0)
            futex_wake(word_, 1);  // tolerates a freed word
    }

private:
    // One 32-bit futex word: the permits in the low half, the waiting threads in the high
    // half.
    static constexpr unsigned waiter_shift = 16;
    static constexpr std::uint32_t one_waiter = std::uint32_t{1} << waiter_shift;
    static constexpr std::uint32_t permit_mask = one_waiter - 1;

    [[noreturn]] static void fail(const char* what) noexcept {
        std::fprintf(stderr, "%s\n", what);
        std::abort();
    }

    std::atomic<std::uint32_t> word_;
};

}  // namespace book::sync::exercise
