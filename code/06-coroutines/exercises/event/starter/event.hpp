// event.hpp (starter): a one-shot event that coroutine tasks on a book::coro::scheduler
// can wait for.
#pragma once

#include "scheduler.hpp"

#include <coroutine>
#include <vector>

namespace book::coro::exercises {

/// Tasks `co_await ev.wait()` until some task calls `ev.set()`; then every waiter
/// continues, in the order it waited.
class event {
public:
    /// An event whose waiters are woken through scheduler @p s.
    explicit event(scheduler& s) : sched_(s) {}

    /// What `co_await ev.wait()` uses.
    struct awaiter {
        event& ev;
        // TODO: do not suspend when the event is already set; otherwise suspend.
        bool await_ready() const noexcept { return true; }
        // TODO: remember the suspended coroutine (sched_.park(h)) so that set() can
        // wake it.
        void await_suspend(std::coroutine_handle<> h) { (void)h; }
        void await_resume() const noexcept {}
    };

    /// Awaitable: continues at once if set, else when set() is called.
    awaiter wait() noexcept { return awaiter{*this}; }

    /// Sets the event and wakes every waiting task (through the scheduler's ready
    /// queue).
    void set() {
        set_ = true;
        // TODO: wake every waiter, in the order they started waiting, and forget them.
    }

    /// True once set() has been called.
    bool is_set() const noexcept { return set_; }

    /// The scheduler through which this event wakes its waiters.
    scheduler& owner() const noexcept { return sched_; }

private:
    scheduler& sched_;
    bool set_ = false;
    std::vector<scheduler::waiter> waiters_;
};

}  // namespace book::coro::exercises
