// green_mutex.hpp (starter): a mutex for green threads that parks waiters.
#pragma once

#include <deque>
#include <mutex>
#include <stdexcept>

#include "scheduler.hpp"

namespace book::green::exercises {

/// A mutual-exclusion lock for green threads of one scheduler. A green thread that finds
/// it held parks (other green threads run) and is woken in first-come first-served order.
class Mutex {
public:
    /// Takes the lock, parking the calling green thread while another holds it.
    void lock() {
        // TODO: if the lock is free, take it (owner_ = book::green::self()). Otherwise
        // queue self() and park() until unlock() has made you the owner. Touch the
        // fields only under state_, and never park while holding state_.
    }

    /// Takes the lock if it is free; never parks.
    bool try_lock() {
        // TODO
        (void)owner_;
        return true;
    }

    /// Releases the lock: hands it to the first waiter (and unparks it) or frees it.
    /// Throws std::logic_error when the caller does not hold it.
    void unlock() {
        // TODO
    }

private:
    std::mutex state_;  // guards owner_ and waiters_; never held across a switch
    Id owner_ = 0;      // 0: free
    std::deque<Id> waiters_;
};

}  // namespace book::green::exercises
