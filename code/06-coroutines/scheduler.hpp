// scheduler.hpp: a single-threaded scheduler that interleaves coroutine tasks with a
// ready queue and a timer queue.
#pragma once

#include "task.hpp"

#include <chrono>
#include <coroutine>
#include <cstddef>
#include <deque>
#include <exception>
#include <queue>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace book::coro {

/**
 * @brief Runs many tasks on the calling thread, switching between them only where they
 * `co_await`.
 *
 * This is concurrency without parallelism: every task is in progress at once,
 * but only one runs at any instant, on the one thread that called run(). A
 * task gives up the thread at a `co_await` on yield() (go to the back of the
 * line) or sleep_for() (come back when the time has passed); nothing else
 * preempts it, so a task that computes for a long time without awaiting holds
 * everyone else up.
 *
 * Glossary of the design:
 * - *task*: a top-level coroutine handed to spawn(); it may await nested tasks.
 * - *waiter*: a suspended coroutine together with the task it belongs to.
 * - *ready queue*: waiters that can run now, in first-in first-out order.
 * - *timer queue*: waiters that sleep, ordered by deadline (ties: first come first).
 *
 * run() repeats three named phases until nothing is left:
 * 1. wake_expired_timers(): move every sleeper whose deadline has passed to the
 *    ready queue;
 * 2. run_ready(): resume the waiter at the head of the ready queue, until it next
 *    suspends;
 * 3. idle_until_next_timer(): when nothing is ready, wait (or, in simulated time,
 *    jump) to the earliest deadline.
 *
 * @code
 * using namespace std::chrono_literals;
 * book::coro::task<> nap() { co_await book::coro::sleep_for(5ms); }
 * book::coro::task<> polite() { co_await book::coro::yield(); }
 *
 * book::coro::scheduler s;
 * s.spawn(nap(), "sleeper");
 * s.spawn(polite(), "yielder");
 * s.run();  // both finish; the yielder first
 * @endcode
 *
 * An exception that escapes a task ends that task only; run() rethrows the
 * first such exception after every other task has finished. If tasks remain
 * suspended with nothing left to wake them (a lost wake-up), run() destroys
 * them and throws std::logic_error naming them.
 */
class scheduler {
public:
    /// The clock of deadlines.
    using clock = std::chrono::steady_clock;
    /// A point in time on that clock.
    using time_point = std::chrono::steady_clock::time_point;
    /// A length of time on that clock.
    using duration = std::chrono::steady_clock::duration;

    /// Whether time is the real clock or advances only when every task is waiting (for
    /// deterministic tests).
    enum class time_mode {
        real,      ///< sleep_for() really waits
        simulated  ///< when nothing is ready, the clock jumps to the next deadline at
                   ///< once
    };

    /// A suspended coroutine and the task it belongs to: what a queue of waiting
    /// coroutines holds.
    struct waiter {
        std::coroutine_handle<> handle;  ///< the coroutine to resume
        std::size_t task_id;             ///< the spawned task it is part of
    };

    /// One uninterrupted stretch during which a task held the thread (recorded when
    /// tracing is on).
    struct slice {
        std::size_t task_id;  ///< which task ran
        time_point begin;     ///< when it was resumed
        time_point end;       ///< when it suspended or finished
    };

    /// A scheduler whose clock is real or simulated.
    explicit scheduler(time_mode mode = time_mode::real)
        : mode_(mode), simulated_now_(clock::now()) {}
    scheduler(const scheduler&) = delete;
    scheduler& operator=(const scheduler&) = delete;

    /// Takes ownership of @p t and queues it to start; returns its id (0, 1, 2, ... in
    /// spawn order).
    std::size_t spawn(task<> t, std::string name = {}) {
        if (!t.handle()) throw std::invalid_argument("scheduler::spawn: empty task");
        const std::size_t id = tasks_.size();
        ready_.push_back({t.handle(), id});
        tasks_.push_back({std::move(t),
                          name.empty() ? "task " + std::to_string(id) : std::move(name)});
        return id;
    }

    /// Runs until every task has finished; see the class comment for errors.
    void run() {
        if (running_) throw std::logic_error("scheduler::run: already running");
        running_ = true;
        scheduler* const outer = std::exchange(current_, this);
        try {
            // [run-loop]
            for (;;) {
                wake_expired_timers();
                if (!ready_.empty()) {
                    run_ready();
                    continue;
                }
                if (timers_.empty()) break;
                idle_until_next_timer();
            }
            // [/run-loop]
        } catch (...) {
            // Only the scheduler's own failures get here; tasks' exceptions stay in
            // their promises.
            current_ = outer;
            running_ = false;
            throw;
        }
        current_ = outer;
        running_ = false;
        finish();
    }

    /// The scheduler whose run() is active on this thread, or nullptr.
    static scheduler* current() noexcept { return current_; }

    /// Now, on this scheduler's clock (real or simulated).
    time_point now() const {
        return mode_ == time_mode::simulated ? simulated_now_ : clock::now();
    }

    /// The id of the task that holds the thread (valid inside a task).
    std::size_t current_task() const noexcept { return running_task_; }

    /// The name given to task @p id at spawn().
    const std::string& name(std::size_t id) const { return tasks_.at(id).name; }

    /// Turns on recording of slices (one per resume), read back with trace().
    void enable_trace(bool on = true) { tracing_ = on; }

    /// The slices recorded so far, in the order they ran.
    const std::vector<slice>& trace() const noexcept { return trace_; }

    // [waiters]
    /// Wraps the suspending coroutine @p h as a waiter of the current task (call from
    /// await_suspend).
    waiter park(std::coroutine_handle<> h) const noexcept { return {h, running_task_}; }

    /// Makes @p w ready: it will run after everything already in the ready queue.
    void wake(waiter w) { ready_.push_back(w); }

    /// Makes @p w ready at @p deadline.
    void wake_at(time_point deadline, waiter w) {
        timers_.push({deadline, next_timer_seq_++, w});
    }
    // [/waiters]

    /// Awaitable: go to the back of the ready queue, letting every other ready task run
    /// first.
    auto yield() noexcept { return yield_awaiter{*this}; }

    /// Awaitable: suspend until @p deadline; does not suspend when it has already
    /// passed.
    auto sleep_until(time_point deadline) { return sleep_awaiter{*this, deadline}; }

    /// Awaitable: suspend until @p d has passed on this scheduler's clock; other tasks
    /// run meanwhile.
    auto sleep_for(duration d) { return sleep_awaiter{*this, now() + d}; }

private:
    // [awaiters]
    // co_await s.yield(): always suspend, and queue the suspended coroutine behind
    // everyone else.
    struct yield_awaiter {
        scheduler& s;
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<> h) { s.wake(s.park(h)); }
        void await_resume() const noexcept {}
    };
    // co_await s.sleep_until(t): suspend unless t has passed, and file the coroutine
    // under t.
    struct sleep_awaiter {
        scheduler& s;
        time_point deadline;
        bool await_ready() const { return deadline <= s.now(); }
        void await_suspend(std::coroutine_handle<> h) { s.wake_at(deadline, s.park(h)); }
        void await_resume() const noexcept {}
    };
    // [/awaiters]

    struct owned_task {
        task<> t;
        std::string name;
    };
    struct timer {
        time_point deadline;
        std::size_t seq;  // keeps equal deadlines first-come first-served
        waiter w;
        bool operator>(const timer& o) const {
            return deadline != o.deadline ? deadline > o.deadline : seq > o.seq;
        }
    };

    void wake_expired_timers() {
        const auto t = now();
        while (!timers_.empty() && timers_.top().deadline <= t) {
            ready_.push_back(timers_.top().w);
            timers_.pop();
        }
    }

    void run_ready() {
        const waiter w = ready_.front();
        ready_.pop_front();
        running_task_ = w.task_id;
        const auto begin = clock::now();
        w.handle
            .resume();  // runs until the task's next co_await that suspends, or its end
        if (tracing_) trace_.push_back({w.task_id, begin, clock::now()});
        owned_task& owner = tasks_[w.task_id];
        if (owner.t.handle() && owner.t.done()) {
            try {
                owner.t.result();
            } catch (...) {
                if (!first_error_) first_error_ = std::current_exception();
            }
            owner.t = task<>{};  // free the finished frame now
        }
    }

    void idle_until_next_timer() {
        const auto deadline = timers_.top().deadline;
        if (mode_ == time_mode::simulated)
            simulated_now_ = deadline;
        else
            std::this_thread::sleep_until(deadline);
    }

    void finish() {
        std::string stuck;
        for (auto& o : tasks_) {
            if (o.t.handle()) {
                stuck += (stuck.empty() ? "" : ", ") + o.name;
                o.t = task<>{};  // destroying a suspended frame is allowed, and frees
                                 // its locals
            }
        }
        if (auto e = std::exchange(first_error_, nullptr)) std::rethrow_exception(e);
        if (!stuck.empty())
            throw std::logic_error(
                "scheduler::run: suspended with nothing left to wake them: " + stuck);
    }

    inline static thread_local scheduler* current_ = nullptr;

    time_mode mode_;
    time_point simulated_now_;
    std::vector<owned_task> tasks_;
    std::deque<waiter> ready_;
    std::priority_queue<timer, std::vector<timer>, std::greater<>> timers_;
    std::size_t next_timer_seq_ = 0;
    std::size_t running_task_ = 0;
    bool running_ = false;
    bool tracing_ = false;
    std::vector<slice> trace_;
    std::exception_ptr first_error_;
};

namespace detail {
inline scheduler& current_scheduler(const char* what) {
    if (scheduler* s = scheduler::current()) return *s;
    throw std::logic_error(std::string(what) + ": called outside a running scheduler");
}
}  // namespace detail

/// Awaitable: `co_await yield()` lets every other ready task of the running scheduler
/// go first.
inline auto yield() { return detail::current_scheduler("yield").yield(); }

/// Awaitable: `co_await sleep_for(d)` suspends the calling task for @p d on the running
/// scheduler.
inline auto sleep_for(scheduler::duration d) {
    return detail::current_scheduler("sleep_for").sleep_for(d);
}

}  // namespace book::coro
