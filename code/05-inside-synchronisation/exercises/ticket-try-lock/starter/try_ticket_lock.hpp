// try_ticket_lock.hpp: a ticket lock that also offers try_lock (exercise starter).
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

namespace book::sync::exercise {

/// A first-come, first-served spinlock with lock(), unlock() and try_lock().
class TryTicketLock {
public:
    /// Draws a ticket and waits until it is served.
    void lock() noexcept {
        const std::uint32_t my_ticket =
            next_ticket_.fetch_add(1, std::memory_order_relaxed);
        while (now_serving_.load(std::memory_order_acquire) != my_ticket)
            std::this_thread::yield();
    }

    /// Serves the next ticket.
    void unlock() noexcept {
        now_serving_.store(now_serving_.load(std::memory_order_relaxed) + 1,
                           std::memory_order_release);
    }

    /// Takes the lock only if it is free and nobody is queued; never waits and never
    /// draws a ticket it cannot use.
    bool try_lock() noexcept {
        // TODO: return true holding the lock, or false having changed nothing. A ticket,
        // once drawn, is waited for by every later ticket: it must be used.
        return false;
    }

private:
    std::atomic<std::uint32_t> next_ticket_{0};
    std::atomic<std::uint32_t> now_serving_{0};
};

}  // namespace book::sync::exercise
