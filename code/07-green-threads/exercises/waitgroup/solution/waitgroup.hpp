// waitgroup.hpp (solution): a wait group for green threads.
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
        std::lock_guard lock(state_);
        pending_ += n;
    }

    /// One pending task has finished; wakes every waiter when none is left.
    /// Throws std::logic_error when nothing is pending.
    void done() {
        std::vector<Id> wake;
        {
            std::lock_guard lock(state_);
            if (pending_ == 0)
                throw std::logic_error("WaitGroup::done: nothing is pending");
            if (--pending_ == 0) wake.swap(waiters_);
        }
        for (Id id : wake)
            unpark(id);  // outside the lock: unpark never switches, but
                         // the woken thread will take the lock
    }

    /// Suspends the calling green thread until no done() is pending (returns at once if
    /// none is). It parks, not spins: other green threads run meanwhile.
    void wait() {
        for (;;) {
            {
                std::lock_guard lock(state_);
                if (pending_ == 0) return;
                waiters_.push_back(self());
            }
            park();  // never while holding state_: the green thread that would unlock it
                     // runs on this same OS thread
        }
    }

private:
    std::mutex state_;  // guards pending_ and waiters_ (green threads are concurrent)
    std::size_t pending_ = 0;
    std::vector<Id> waiters_;
};

}  // namespace book::green::exercises
