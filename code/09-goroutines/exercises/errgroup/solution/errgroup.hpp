// errgroup.hpp: a group of goroutines whose first error cancels the others (reference
// solution), like Go's golang.org/x/sync/errgroup with a context.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>

#include "chan.hpp"

namespace book::go::exercise {

/// Runs tasks as goroutines; a task returns "" on success or an error message.
class Group {
public:
    /// Starts @p task as a goroutine of the group.
    void go(std::function<std::string()> task) {
        ++started_;  // only the goroutine that owns the group calls go() and wait()
        book::go::go([this, task] {
            std::string error = task();
            if (!error.empty()) {
                std::lock_guard lock(mutex_);
                if (first_.empty()) {
                    first_ = error;
                    done_.close();  // once: only the first error closes
                }
            }
            finished_.send(1);
        });
    }

    /// Closed when the first task fails: tasks select on it to stop early.
    Chan<int>& done() { return done_; }

    /// Parks until every task has returned; returns the first error ("" if none).
    std::string wait() {
        for (; started_ > 0; --started_) finished_.recv();
        std::lock_guard lock(mutex_);
        return first_;
    }

private:
    Chan<int> done_;
    Chan<int> finished_{1024};  // room for many finishers: none blocks for long
    int started_ = 0;
    std::mutex
        mutex_;  // guards first_ (held for a few instructions, never across a park)
    std::string first_;
};

}  // namespace book::go::exercise
