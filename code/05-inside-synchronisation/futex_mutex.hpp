// futex_mutex.hpp: a mutex built from one atomic word and the futex system call, with
// three states.
#pragma once

#include <atomic>
#include <cstdint>

#include "futex.hpp"

namespace book::sync {

/**
 * @brief A mutex whose waiters sleep in the kernel: the three-state design of Drepper's
 * "Futexes Are Tricky".
 *
 * Purpose: take the lock with one atomic instruction when nobody else wants
 * it, and otherwise sleep instead of burning a CPU.
 *
 * The word has three values:
 * - 0, unlocked;
 * - 1, locked, and nobody sleeps on it;
 * - 2, locked, and some thread may be sleeping on it.
 *
 * Rejected designs: a two-state word (0/1) would need a futex_wake() on
 * every unlock, a system call even when nobody waits; counting the waiters
 * exactly would need more atomic operations on every path.
 *
 * Protocol:
 * 1. lock(): compare-and-swap 0 -> 1. Success is the fast path: no system call.
 * 2. Otherwise announce a waiter by exchanging the word to 2. If the old value
 *    was 0 the lock was free after all and is now ours (in state 2, which at
 *    worst costs one needless wake later).
 * 3. Else futex_wait(word, 2): sleep as long as the word is still 2, then go to 2.
 * 4. unlock(): exchange the word to 0; if it was 2, futex_wake() one sleeper.
 *
 * @code
 * book::sync::FutexMutex mutex;
 * { std::lock_guard guard(mutex); ++shared; }
 * @endcode
 */
class FutexMutex {
public:
    /// Takes the lock, sleeping in the kernel while another thread holds it.
    void lock() noexcept {
        // [futex-lock]
        std::uint32_t seen = unlocked;
        if (word_.compare_exchange_strong(seen, locked, std::memory_order_acquire,
                                          std::memory_order_relaxed))
            return;  // fast path: one atomic instruction, no system call
        if (seen != contended)
            seen = word_.exchange(contended, std::memory_order_acquire);
        while (seen != unlocked) {
            futex_wait(word_, contended);  // sleeps only if the word is still 2
            seen = word_.exchange(contended, std::memory_order_acquire);
        }
        // [/futex-lock]
    }

    /// Takes the lock if it is free; never sleeps.
    bool try_lock() noexcept {
        std::uint32_t seen = unlocked;
        return word_.compare_exchange_strong(seen, locked, std::memory_order_acquire,
                                             std::memory_order_relaxed);
    }

    /// Releases the lock and, if a thread may be sleeping, wakes one.
    void unlock() noexcept {
        // [futex-unlock]
        if (word_.exchange(unlocked, std::memory_order_release) == contended)
            futex_wake(word_, 1);  // slow path: only when someone announced itself
        // [/futex-unlock]
    }

private:
    static constexpr std::uint32_t unlocked = 0, locked = 1, contended = 2;
    std::atomic<std::uint32_t> word_{unlocked};
};

}  // namespace book::sync
