// spin_futex_mutex.hpp: the futex mutex with a bounded spin before it sleeps (an
// "adaptive" mutex).
#pragma once

#include <atomic>
#include <cstdint>

#include "futex.hpp"
#include "spinlock.hpp"

namespace book::sync {

/**
 * @brief FutexMutex with one change: a thread that finds the lock held first spins
 * for a bounded number of polls, and sleeps in the kernel only if the lock is still
 * held after them.
 *
 * Purpose: a critical section of a few nanoseconds usually ends long before a sleeping
 * thread could even be woken (microseconds), so a short wait is cheaper spent polling the
 * word than in two system calls and two context switches. The spin is bounded so that a
 * thread waiting for a preempted owner, or for a long critical section, still ends up
 * asleep instead of burning its CPU. glibc's PTHREAD_MUTEX_ADAPTIVE_NP does the same,
 * with a spin count that adapts to how long past spins lasted.
 *
 * Protocol: FutexMutex's three states (0 unlocked, 1 locked, 2 locked and a thread may
 * sleep), and its unlock. lock() polls the word with plain loads (test and test-and-set:
 * polling does not take the cache line away from the owner) up to `spin_limit` times,
 * trying a compare-and-swap 0 -> 1 whenever it reads 0; then it continues exactly as
 * FutexMutex::lock does.
 *
 * @code
 * book::sync::SpinFutexMutex mutex;
 * { std::lock_guard guard(mutex); ++shared; }
 * @endcode
 */
class SpinFutexMutex {
public:
    /// How many times lock() polls a held lock before it sleeps.
    static constexpr int spin_limit = 100;

    /// Takes the lock: polls a held lock up to spin_limit times, then sleeps in the
    /// kernel.
    void lock() noexcept {
        // [spin-futex-lock]
        std::uint32_t seen = unlocked;
        // acquire on success: what the previous owner wrote before its release-unlock
        // happens before what this owner does inside the lock.
        if (word_.compare_exchange_strong(seen, locked, std::memory_order_acquire,
                                          std::memory_order_relaxed))
            return;
        for (int spin = 0; spin < spin_limit && seen != contended; ++spin) {
            cpu_relax();
            seen = word_.load(std::memory_order_relaxed);
            if (seen == unlocked &&
                word_.compare_exchange_weak(seen, locked, std::memory_order_acquire,
                                            std::memory_order_relaxed))
                return;  // won during the spin: no system call
        }
        if (seen != contended)
            seen = word_.exchange(contended, std::memory_order_acquire);
        while (seen != unlocked) {
            futex_wait(word_, contended);
            seen = word_.exchange(contended, std::memory_order_acquire);
        }
        // [/spin-futex-lock]
    }

    /// Takes the lock if it is free; never waits.
    bool try_lock() noexcept {
        std::uint32_t seen = unlocked;
        return word_.compare_exchange_strong(seen, locked, std::memory_order_acquire,
                                             std::memory_order_relaxed);
    }

    /// Releases the lock and, if a thread may be sleeping, wakes one.
    void unlock() noexcept {
        // release: everything this owner wrote happens before what the next owner reads
        // after its acquire.
        if (word_.exchange(unlocked, std::memory_order_release) == contended)
            futex_wake(word_, 1);
    }

private:
    static constexpr std::uint32_t unlocked = 0, locked = 1, contended = 2;
    std::atomic<std::uint32_t> word_{unlocked};
};

}  // namespace book::sync
