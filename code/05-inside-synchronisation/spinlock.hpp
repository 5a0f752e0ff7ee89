// spinlock.hpp: three spinlocks, from the naive test-and-set to test-and-test-and-set
// with pause and exponential backoff.
#pragma once

#include <atomic>
#include <cstdint>

namespace book::sync {

/**
 * @brief Tells the CPU that the caller is in a spin-wait loop.
 *
 * On x86-64 this is the `pause` instruction, on AArch64 `yield`. It does not
 * give the CPU to another thread. On x86-64 it slows the loop down a little,
 * saves power, lets the other hyper-thread of the core run, and avoids the
 * pipeline flush that a tight loop suffers when the awaited store arrives.
 * AArch64's `yield` is only a hint for simultaneous multithreading, which most
 * Arm cores lack, so there it barely slows the loop; several runtimes use `isb`
 * instead, which stalls the core for a short while.
 */
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield" ::: "memory");
#endif
}

/**
 * @brief The simplest spinlock: atomically set a flag, and retry until it was clear.
 *
 * Every attempt is a read-modify-write, which needs the cache line in
 * exclusive state: waiting threads keep pulling the line away from each
 * other and from the owner, even while the lock is held.
 *
 * @code
 * book::sync::TasSpinlock lock;
 * { std::lock_guard guard(lock); ++shared; }
 * @endcode
 */
class TasSpinlock {
public:
    /// Spins until the flag was clear and is now set by this thread.
    void lock() noexcept {
        // [tas-lock]
        while (flag_.test_and_set(std::memory_order_acquire)) {
            // spin: try again at once
        }
        // [/tas-lock]
    }
    /// Sets the flag if it was clear; never waits.
    bool try_lock() noexcept { return !flag_.test_and_set(std::memory_order_acquire); }
    /// Clears the flag; the release order publishes the critical section's writes.
    void unlock() noexcept { flag_.clear(std::memory_order_release); }

private:
    std::atomic_flag flag_;  // C++20: default-initialised to clear
};

/**
 * @brief Test-and-test-and-set: wait by reading, and only try to set the flag when it
 * looked free.
 *
 * Reading keeps a shared copy of the cache line in each waiter's cache, so
 * waiting generates no traffic until the owner's release invalidates the
 * copies; only then do the waiters race with one exchange each.
 *
 * @code
 * book::sync::TtasSpinlock lock;
 * { std::lock_guard guard(lock); ++shared; }
 * @endcode
 */
class TtasSpinlock {
public:
    /// Spins, reading, until the lock looks free, then tries to take it with one
    /// exchange.
    void lock() noexcept {
        // [ttas-lock]
        for (;;) {
            if (!locked_.exchange(true, std::memory_order_acquire)) return;
            while (locked_.load(std::memory_order_relaxed)) {
                // spin on a shared copy of the line: no bus traffic while the owner holds
                // it
            }
        }
        // [/ttas-lock]
    }
    /// Takes the lock if it is free; never waits.
    bool try_lock() noexcept {
        return !locked_.load(std::memory_order_relaxed) &&
               !locked_.exchange(true, std::memory_order_acquire);
    }
    /// Releases the lock.
    void unlock() noexcept { locked_.store(false, std::memory_order_release); }

private:
    std::atomic<bool> locked_{false};
};

/**
 * @brief Test-and-test-and-set with a pause instruction and exponential backoff.
 *
 * After each failed attempt, and each look that finds the lock still taken,
 * the thread waits twice as many `pause` instructions as the time before (up
 * to a cap; the count restarts at 1 with each call of lock()), so that the waiters spread
 * out in time instead of all rushing at the line the instant it is released.
 *
 * @code
 * book::sync::BackoffSpinlock lock;
 * { std::lock_guard guard(lock); ++shared; }
 * @endcode
 */
class BackoffSpinlock {
public:
    /// The longest backoff, in pause instructions: from a few to tens of microseconds,
    /// since one `pause` takes about ten cycles on older x86 cores and up to about 140 on
    /// Intel cores since Skylake.
    static constexpr std::uint32_t max_backoff = 1024;

    /// Spins with growing pauses until the lock is taken.
    void lock() noexcept {
        // [backoff-lock]
        std::uint32_t backoff = 1;
        for (;;) {
            if (!locked_.exchange(true, std::memory_order_acquire)) return;
            do {
                for (std::uint32_t i = 0; i < backoff; ++i) cpu_relax();
                if (backoff < max_backoff) backoff *= 2;
            } while (locked_.load(std::memory_order_relaxed));
        }
        // [/backoff-lock]
    }
    /// Takes the lock if it is free; never waits.
    bool try_lock() noexcept {
        return !locked_.load(std::memory_order_relaxed) &&
               !locked_.exchange(true, std::memory_order_acquire);
    }
    /// Releases the lock.
    void unlock() noexcept { locked_.store(false, std::memory_order_release); }

private:
    std::atomic<bool> locked_{false};
};

}  // namespace book::sync
