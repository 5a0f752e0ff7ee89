// waitgroup.hpp (starter): a wait group for green threads.
#pragma once

#include <cstddef>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "scheduler.hpp"

namespace book::green::exercises {

/// Waits for a number of green threads to call done() (like Go's sync.WaitGroup).
class WaitGroup {
public:
    /// Adds @p n to the number of done() calls to wait for.
    void add(std::size_t n) {
        // TODO: count n more pending done() calls (under state_).
        (void)n;
        (void)pending_;
    }

    /// One pending task has finished; wakes every waiter when none is left.
    /// Throws std::logic_error when nothing is pending.
    void done() {
        // TODO: one fewer pending; when it reaches zero, unpark() every waiting green
        // thread. done() with nothing pending is a bug: throw std::logic_error.
    }

    /// Suspends the calling green thread until no done() is pending (returns at once if
    /// none is). It must park, not spin: other green threads run meanwhile.
    void wait() {
        // TODO: while anything is pending, record book::green::self() as a waiter and
        // park(). Hold state_ while touching the fields, never while parked.
    }

private:
    std::mutex state_;  // guards pending_ and waiters_ (green threads are concurrent)
    std::size_t pending_ = 0;
    std::vector<Id> waiters_;
};

}  // namespace book::green::exercises
