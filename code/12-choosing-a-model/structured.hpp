// A task group (a nursery): a scope that does not end before every task started in it has
// ended, that cancels the others through std::stop_token when one fails, and that hands
// the first failure to the code that opened the scope.
//
// Purpose: make concurrent work obey the rule that sequential code obeys for free, that a
// function's work is over when the function returns, and its errors reach its caller.
//
// Glossary:
//   task group   the object that owns the children; in Trio's words a nursery.
//   child        one task started with spawn(); it runs on its own std::jthread.
//   stop request the group's std::stop_source; every child gets a std::stop_token of it.
//   first error  the exception of the first child to throw; later ones are dropped.
//
// Rejected approaches:
//   - detach(): the caller returns while the work runs, so nobody can wait for it, its
//     exception ends the process, and it may outlive the data it reads.
//   - std::async with futures kept by the caller: each future must be waited for by hand,
//     and one failure does not stop the siblings.
//   - chapter 11's ThreadPool: it runs loops (parallel_for), not independent tasks, and a
//     child blocked until a stop request would hold one of its fixed workers.
//   - cancelling by killing a thread: C++ has no safe way; cancellation is a request that
//     the child polls (stop_requested) or waits on (std::stop_callback,
//     condition_variable_any).
//
// Protocol:
//   1. scope(body) makes a task_group and calls body(group).
//   2. spawn(f) starts a std::jthread that calls f(token) (or f()), catching what it
//   throws.
//   3. A child that throws stores the exception if it is the first (fail) and calls
//      request_stop(), which every sibling sees through its token.
//   4. When body returns, scope() calls wait(): join every child, including children that
//      children spawned while it joined, then rethrow the first error.
//   5. When body throws, scope() calls request_stop(), joins every child, and rethrows
//      body's exception (it came first: the children were told to stop because of it).
//   6. The destructor is the safety net of a group used without scope(): it requests stop
//      and joins, so no child outlives the group, and drops a pending error.
#pragma once

#include <cstddef>
#include <exception>
#include <mutex>
#include <stop_token>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace book::structured {

/**
 * @brief A scope for concurrent tasks: children run on their own threads, the group waits
 * for all of them, the first exception cancels the others and reaches the owner.
 *
 * Use it through scope(), which waits and rethrows for you:
 * @code
 * book::structured::scope([&](book::structured::task_group& g) {
 *     g.spawn([](std::stop_token stop) { while (!stop.stop_requested()) poll(); });
 *     g.spawn([] { throw std::runtime_error("disk full"); });  // cancels the poller
 * });  // returns only after both children ended; throws "disk full"
 * @endcode
 * spawn() may be called from any thread, including from a child (the group then also
 * waits for the grandchild). A task_group is neither copyable nor movable: children hold
 * a reference to it.
 */
class task_group {
public:
    /// An empty group, no stop requested.
    task_group() = default;
    task_group(const task_group&) = delete;
    task_group& operator=(const task_group&) = delete;

    /// Requests stop and joins every child still running (a group left without wait()).
    ~task_group() {
        request_stop();
        join_all();
    }

    // [spawn]
    /// Starts @p task on a new thread. It is called with the group's stop token if it
    /// takes a std::stop_token, else with no argument. An exception it throws is kept if
    /// it is the group's first and requests stop of the whole group.
    template <class Task>
    void spawn(Task task) {
        static_assert(
            std::is_invocable_v<Task&, std::stop_token> || std::is_invocable_v<Task&>,
            "task_group::spawn: the task takes a std::stop_token or nothing");
        std::jthread child([this, task = std::move(task)]() mutable {
            try {
                if constexpr (std::is_invocable_v<Task&, std::stop_token>)
                    task(stop_.get_token());
                else
                    task();
            } catch (...) {
                fail(std::current_exception());
            }
        });
        try {
            std::lock_guard guard(lock_);
            children_.push_back(std::move(child));
            ++spawned_;
        } catch (...) {
            // Out of memory: stop the group so that the child, which may wait for a stop
            // request, ends and `child`'s destructor can join it.
            stop_.request_stop();
            throw;
        }
    }
    // [/spawn]

    // [wait]
    /// Joins every child (and every child spawned meanwhile), then rethrows the first
    /// exception a child threw, if any; after that the group holds no error.
    void wait() {
        join_all();
        std::exception_ptr error;
        {
            std::lock_guard guard(lock_);
            error = std::exchange(first_error_, nullptr);
        }
        if (error) std::rethrow_exception(error);
    }
    // [/wait]

    /// Asks every child to stop: their tokens report stop_requested() from now on.
    void request_stop() noexcept { stop_.request_stop(); }

    /// A token of the group's stop source (for code that waits on behalf of the group).
    std::stop_token stop_token() const noexcept { return stop_.get_token(); }

    /// How many children were spawned in the group's life.
    std::size_t spawned() const {
        std::lock_guard guard(lock_);
        return spawned_;
    }

private:
    // [fail]
    void fail(std::exception_ptr error) noexcept {
        {
            std::lock_guard guard(lock_);
            if (!first_error_) first_error_ = std::move(error);
        }
        request_stop();
    }
    // [/fail]

    void join_all() {
        for (;;) {
            std::vector<std::jthread> batch;
            {
                std::lock_guard guard(lock_);
                batch.swap(children_);
            }
            if (batch.empty()) return;
            for (auto& child : batch) child.join();
        }
    }

    mutable std::mutex lock_;
    std::vector<std::jthread> children_;  // guarded by lock_
    std::exception_ptr first_error_;      // guarded by lock_
    std::size_t spawned_ = 0;             // guarded by lock_
    std::stop_source stop_;
};

// [scope]
/**
 * @brief Runs @p body with a fresh task_group and returns only when every child ended.
 *
 * When @p body returns, waits for the children and rethrows the first exception one of
 * them threw. When @p body throws, requests stop, waits for the children, and rethrows
 * @p body's exception (a child's later one is dropped).
 */
template <class Body>
void scope(Body&& body) {
    static_assert(std::is_invocable_v<Body&, task_group&>,
                  "scope: the body takes a task_group&");
    task_group group;
    try {
        body(group);
    } catch (...) {
        group.request_stop();
        try {
            group.wait();
        } catch (...) {  // the body's exception came first; a child's is dropped
        }
        throw;
    }
    group.wait();
}
// [/scope]

}  // namespace book::structured
