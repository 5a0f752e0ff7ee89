// ticket_lock.hpp: a fair spinlock that serves threads in the order they arrived, like
// the ticket machine at a counter.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

#include "spinlock.hpp"

namespace book::sync {

/**
 * @brief A first-come, first-served spinlock: take a ticket, wait until it is called.
 *
 * lock() draws the next ticket with one fetch_add and waits until
 * `now_serving` equals it; unlock() calls the next ticket. No thread can
 * take the lock twice while another waits, so nobody starves, but the
 * fairness has a price: if the thread holding the next ticket is not
 * running, everyone behind it waits too. After a burst of spinning the
 * waiter therefore yields its CPU, so that the thread it waits for can run
 * on a machine with fewer CPUs than threads.
 *
 * The lock is BasicLockable (lock and unlock only); a try_lock is the
 * subject of an exercise.
 *
 * @code
 * book::sync::TicketLock lock;
 * { std::lock_guard guard(lock); ++shared; }
 * @endcode
 */
class TicketLock {
public:
    /// Spins with pauses before yielding the CPU once.
    static constexpr int spins_before_yield = 1024;

    /// Draws a ticket and waits until it is served.
    void lock() noexcept {
        // [ticket-lock]
        const std::uint32_t my_ticket =
            next_ticket_.fetch_add(1, std::memory_order_relaxed);
        int spins = 0;
        while (now_serving_.load(std::memory_order_acquire) != my_ticket) {
            cpu_relax();
            if (++spins == spins_before_yield) {
                spins = 0;
                std::this_thread::yield();
            }
        }
        // [/ticket-lock]
    }

    /// Serves the next ticket. Only the owner writes now_serving, so a plain load and
    /// store suffice.
    void unlock() noexcept {
        now_serving_.store(now_serving_.load(std::memory_order_relaxed) + 1,
                           std::memory_order_release);
    }

private:
    std::atomic<std::uint32_t> next_ticket_{0};
    std::atomic<std::uint32_t> now_serving_{0};
};

}  // namespace book::sync
