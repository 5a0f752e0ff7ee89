// countdown_latch.hpp (solution): a one-shot latch built from a mutex and a condition
// variable.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <stdexcept>

namespace book::shared::exercise {

/// Like std::latch: opens when count_down() has been called `count` times; wait() blocks
/// until then.
class CountdownLatch {
public:
    /// A latch that opens after @p count calls of count_down() (already open when count
    /// is 0).
    explicit CountdownLatch(std::ptrdiff_t count) : count_(count) {
        if (count < 0) throw std::invalid_argument("CountdownLatch: negative count");
    }

    /// Decrements the count; at zero, releases every waiter. Throws std::logic_error
    /// below zero.
    void count_down() {
        std::lock_guard lock(mutex_);
        if (count_ == 0)
            throw std::logic_error("CountdownLatch: count_down on an open latch");
        if (--count_ != 0) return;
        // Every waiter, not one: they all wait for the same event. And while holding the
        // lock: a waiter that sees the count at zero may return and destroy the latch,
        // and it cannot get past the mutex before this notify_all has finished.
        opened_.notify_all();
    }

    /// Whether the latch is open (the count has reached zero). Never blocks.
    bool try_wait() const {
        std::lock_guard lock(mutex_);
        return count_ == 0;
    }

    /// Blocks until the latch is open.
    void wait() {
        std::unique_lock lock(mutex_);
        opened_.wait(lock, [&] { return count_ == 0; });  // re-checks after every wake-up
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable opened_;
    std::ptrdiff_t count_;
};

}  // namespace book::shared::exercise
