// countdown_latch.hpp (exercise): a one-shot latch built from a mutex and a condition
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
        // TODO: refuse to go below zero (throw std::logic_error); when the count reaches
        // zero, every thread blocked in wait() must return. A waiter may destroy the
        // latch as soon as its wait() returns: nothing here may touch the latch after
        // that.
        (void)count_;
    }

    /// Whether the latch is open (the count has reached zero). Never blocks.
    bool try_wait() const {
        // TODO: read the count under the mutex.
        return false;
    }

    /// Blocks until the latch is open.
    void wait() {
        // TODO: wait on the condition variable until the count is zero (use the predicate
        // form).
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable opened_;
    std::ptrdiff_t count_;
};

}  // namespace book::shared::exercise
