// waitgroup.hpp: Go's sync.WaitGroup for the book's goroutines (reference solution).
#pragma once

#include <atomic>

#include "chan.hpp"

namespace book::go::exercise {

/// Waits for a set of goroutines to finish: add(n) before starting them, done() at the
/// end of each, wait() returns once every done() has happened. Used once.
class WaitGroup {
public:
    /// Expects @p n more calls of done().
    void add(int n) { count_.fetch_add(n); }

    /// One of the expected goroutines has finished.
    void done() {
        // acq_rel: the last done() sees every earlier one's work, and its close()
        // publishes all of it to the receivers in wait().
        if (count_.fetch_sub(1, std::memory_order_acq_rel) == 1) zero_.close();
    }

    /// Parks the calling goroutine until the count is zero.
    void wait() {
        if (count_.load(std::memory_order_acquire) == 0) return;
        int unused;
        zero_.recv(unused);  // a closed channel wakes every receiver, now and later
    }

private:
    std::atomic<int> count_{0};
    Chan<int> zero_;
};

}  // namespace book::go::exercise
