// waitgroup.hpp: Go's sync.WaitGroup for the book's goroutines (exercise starter).
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
        // TODO: count down; the call that brings the count to zero must release every
        // goroutine blocked in wait(), and everything each goroutine did before done()
        // must be visible after wait() returns. Park, never spin: use a channel.
    }

    /// Parks the calling goroutine until the count is zero.
    void wait() {
        // TODO: return only when the count has reached zero.
    }

private:
    std::atomic<int> count_{0};
    Chan<int> zero_;
};

}  // namespace book::go::exercise
