// green_mutex.hpp (solution): a mutex for green threads that parks waiters.
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
        const Id me = self();
        {
            std::lock_guard lock(state_);
            if (owner_ == me)
                throw std::logic_error("Mutex::lock: already held by the caller");
            if (owner_ == 0) {
                owner_ = me;
                return;
            }
            waiters_.push_back(me);
        }
        for (;;) {
            park();  // unlock() makes us the owner before it unparks us
            std::lock_guard lock(state_);
            if (owner_ == me) return;
        }
    }

    /// Takes the lock if it is free; never parks.
    bool try_lock() {
        std::lock_guard lock(state_);
        if (owner_ != 0) return false;
        owner_ = self();
        return true;
    }

    /// Releases the lock: hands it to the first waiter (and unparks it) or frees it.
    /// Throws std::logic_error when the caller does not hold it.
    void unlock() {
        Id next = 0;
        {
            std::lock_guard lock(state_);
            if (owner_ != self())
                throw std::logic_error("Mutex::unlock: not held by the caller");
            if (!waiters_.empty()) {
                next = waiters_.front();
                waiters_.pop_front();
            }
            owner_ = next;  // handed over: a newcomer cannot overtake the woken waiter
        }
        if (next != 0) unpark(next);
    }

private:
    std::mutex state_;  // guards owner_ and waiters_; never held across a switch
    Id owner_ = 0;      // 0: free
    std::deque<Id> waiters_;
};

}  // namespace book::green::exercises
