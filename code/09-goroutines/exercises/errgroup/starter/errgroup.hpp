// errgroup.hpp: a group of goroutines whose first error cancels the others (exercise
// starter), like Go's golang.org/x/sync/errgroup with a context.
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
        // TODO: count the task (wait() must wait for it), run it as a goroutine, and
        // when it returns the group's first error, remember it and close done() so
        // that the other tasks can stop early.
        book::go::go([task] { (void)task(); });
    }

    /// Closed when the first task fails: tasks select on it to stop early.
    Chan<int>& done() { return done_; }

    /// Parks until every task has returned; returns the first error ("" if none).
    std::string wait() {
        // TODO
        return "";
    }

private:
    Chan<int> done_;
    std::mutex
        mutex_;  // guards first_ (held for a few instructions, never across a park)
    std::string first_;
};

}  // namespace book::go::exercise
