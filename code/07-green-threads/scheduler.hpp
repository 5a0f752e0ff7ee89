// scheduler.hpp: a cooperative scheduler of green threads on one OS thread: spawn,
// yield, join, sleep_for, park/unpark, and waits for file descriptors through epoll.
#pragma once

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <queue>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <sys/epoll.h>
#include <unistd.h>

#include "context.hpp"
#include "stack.hpp"

namespace book::green {

/// A green thread's number: 1 for the first spawned, then 2, 3, ...
using Id = std::uint64_t;

namespace detail {
/// Thrown inside a green thread that the scheduler unwinds; caught by its entry.
struct Unwind {};
}  // namespace detail

/// How a Scheduler makes its green threads' stacks.
struct SchedulerOptions {
    std::size_t stack_size = 64 * 1024;      ///< usable bytes per green thread
    Stack::Guard guard = Stack::Guard::yes;  ///< a guard page below every stack
};

/**
 * @brief Runs green threads on the OS thread that calls run(), switching only where a
 * green thread asks to (yield, sleep, join, park, wait for a descriptor) or finishes.
 *
 * Purpose: many threads of execution, each with its own stack, on one OS thread, with
 * the switches made by the program (book_green_switch) instead of the kernel.
 *
 * Glossary:
 * - *green thread*: a function with its own Stack and Context, spawned here.
 * - *scheduler context*: the OS thread's own stack, where run() executes. Every green
 *   thread switches back to it, never directly to another green thread (as Go's
 *   goroutines switch to g0 in mcall), so one place decides who runs next.
 * - *ready queue*: green threads that can run now, first in first out.
 * - *timer queue*: sleepers ordered by deadline, ties in the order they slept.
 * - *poller*: an epoll instance, created at the first wait_readable()/wait_writable().
 *
 * Rejected: switching directly from one green thread to the next (saves a switch, but
 * a finishing green thread cannot free the stack it runs on, and the choice of who
 * runs next would be spread over every blocking call); preemption by a timer signal
 * (async-signal-safety everywhere; chapter 9 discusses Go's).
 *
 * Protocol of run(), repeated until every green thread has finished:
 * 1. wake_expired_timers(): sleepers whose deadline has passed join the ready queue;
 * 2. run_ready(): each green thread that was ready when this phase began is resumed
 *    once (resume()), and runs until it suspends (suspend()) or finishes;
 * 3. poll_io(): when nothing is ready, wait in epoll_wait for a descriptor or the next
 *    deadline (or sleep until the deadline when nobody waits for a descriptor); a ready
 *    descriptor's waiter joins the ready queue.
 * If nothing is ready, nobody sleeps and nobody waits for a descriptor while green
 * threads remain, they are parked forever: run() unwinds their stacks (resuming each
 * with an exception that its destructors see) and throws std::logic_error naming them.
 *
 * An exception that escapes a green thread ends that green thread; join() rethrows it,
 * and run() rethrows the first one nobody joined.
 *
 * @code
 * book::green::Scheduler s;
 * s.spawn([] { book::green::yield(); }, "polite");
 * s.spawn([] { book::green::sleep_for(std::chrono::milliseconds(1)); }, "sleeper");
 * s.run();
 * @endcode
 */
class Scheduler {
public:
    /// The clock of deadlines.
    using clock = std::chrono::steady_clock;

    /// How the scheduler's stacks are made.
    using Options = SchedulerOptions;

    /// ThreadSanitizer's view of the scheduler's switches: Sync::none (the default)
    /// lets it report green threads that share a variable without synchronisation;
    /// Sync::handoff makes every switch a synchronisation and hides such races (a
    /// demonstration of the wrong choice).
    static Sync& tsan_switch_sync() {
        static Sync value = Sync::none;
        return value;
    }

    /// A scheduler whose green threads get stacks as @p options says.
    explicit Scheduler(Options options) : pool_(options.stack_size, options.guard) {}
    /// A scheduler with 64 KiB guarded stacks.
    Scheduler() : Scheduler(Options{}) {}
    /// Not copyable: green threads point at their scheduler.
    Scheduler(const Scheduler&) = delete;
    /// Not copyable.
    Scheduler& operator=(const Scheduler&) = delete;
    /// Frees every green thread's record (all have finished when run() returned).
    ~Scheduler() {
        Ignore ignore;
        if (epoll_fd_ >= 0) close(epoll_fd_);
        threads_.clear();
    }

    /// Creates a green thread that will run @p fn; callable before run() or from a green
    /// thread of this scheduler.
    Id spawn(std::function<void()> fn, std::string name = {}) {
        Ignore ignore;
        auto g = std::make_unique<Green>();
        g->id = threads_.size() + 1;
        g->name = name.empty() ? "green " + std::to_string(g->id) : std::move(name);
        g->fn = std::move(fn);
        g->stack = pool_.acquire();
        g->ctx = Context::fresh(g->stack.low(), g->stack.size(), &Scheduler::entry);
        g->owner = this;
        Green* raw = g.get();
        threads_.push_back(std::move(g));
        ++live_;
        make_ready(raw);
        tsan_release(raw);  // spawn happens before the green thread's first step
        return raw->id;
    }

    /// Runs every green thread until all have finished (see the class comment).
    void run() {
        Ignore ignore;
        if (current_ != nullptr)
            throw std::logic_error("Scheduler::run: already running");
        current_ = this;
        self_ctx_ = Context::current_thread();
        try {
            while (live_ > 0) {
                wake_expired_timers();
                run_ready();
                if (ready_.empty() && live_ > 0) poll_io();
            }
        } catch (...) {
            current_ = nullptr;
            throw;
        }
        current_ = nullptr;
        for (auto& g : threads_) tsan_acquire(&g->done_sync);  // run() joins them all
        for (auto& g : threads_)
            if (g->error && !g->joined) {
                g->joined = true;
                std::rethrow_exception(g->error);
            }
    }

    /// The scheduler running on this OS thread (nullptr outside run()).
    static Scheduler* current() { return current_; }

    /// The running green thread's number; 0 on the scheduler's own context.
    Id self() const { return running_ ? running_->id : 0; }
    /// The name given at spawn().
    const std::string& name(Id id) const { return at(id).name; }
    /// Number of green threads not yet finished.
    std::size_t live() const { return live_; }
    /// Number of switches made so far (into and out of green threads).
    std::uint64_t switches() const { return switches_; }
    /// The pool the stacks come from.
    const StackPool& stacks() const { return pool_; }

    /// Puts the running green thread at the back of the ready queue and runs others.
    void yield() {
        Ignore ignore;
        Green* g = running("yield");
        make_ready(g);
        suspend(g);
    }

    /// Suspends the running green thread for at least @p d.
    void sleep_for(clock::duration d) {
        Ignore ignore;
        Green* g = running("sleep_for");
        g->state = State::sleeping;
        timers_.push(Timer{clock::now() + d, timer_seq_++, g});
        suspend(g);
    }

    /// Waits until green thread @p id has finished; rethrows its exception, if any.
    void join(Id id) {
        Ignore ignore;
        Green* g = running("join");
        Green& target = at(id);
        if (&target == g)
            throw std::logic_error("Scheduler::join: a green thread joins itself");
        if (target.state != State::done) {
            target.joiners.push_back(g);
            g->state = State::joining;
            suspend(g);
        }
        tsan_acquire(&target.done_sync);  // its last step happens before join returns
        target.joined = true;
        if (target.error) std::rethrow_exception(target.error);
    }

    /// Suspends the running green thread until unpark() (returns at once if an unpark
    /// came first: one pending wake-up is remembered).
    void park() {
        Ignore ignore;
        Green* g = running("park");
        if (g->unpark_pending) {
            g->unpark_pending = false;
            return;
        }
        g->state = State::parked;
        suspend(g);
    }

    /// Makes green thread @p id ready if it is parked, or remembers the wake-up.
    void unpark(Id id) {
        Ignore ignore;
        Green& g = at(id);
        if (g.state == State::parked)
            make_ready(&g);
        else if (g.state != State::done)
            g.unpark_pending = true;
    }

    // [wait-fd]
    /// Suspends the running green thread until @p fd is readable (or has an error or
    /// hang-up); the other green threads run meanwhile. Use a non-blocking descriptor.
    void wait_readable(int fd) { wait_fd(fd, EPOLLIN); }
    /// Suspends the running green thread until @p fd is writable.
    void wait_writable(int fd) { wait_fd(fd, EPOLLOUT); }
    // [/wait-fd]

private:
    enum class State { ready, running, sleeping, joining, parked, waiting_fd, done };

    struct Green {
        Id id = 0;
        std::string name;
        std::function<void()> fn;
        Stack stack;
        Context ctx;
        State state = State::ready;
        std::vector<Green*> joiners;
        std::exception_ptr error;
        bool joined = false;
        bool unpark_pending = false;
        int fd = -1;          // the descriptor it waits for
        bool unwind = false;  // run() is unwinding it (see unwind_all)
        Scheduler* owner = nullptr;
        char done_sync = 0;  // ThreadSanitizer's address for "finished"
    };

    struct Timer {
        clock::time_point deadline;
        std::uint64_t seq;
        Green* g;
        bool operator>(const Timer& o) const {
            return deadline != o.deadline ? deadline > o.deadline : seq > o.seq;
        }
    };

    // The scheduler's bookkeeping is not user code: ThreadSanitizer ignores its memory
    // accesses, so that it does not tie every green thread to every other one.
    struct Ignore {
#if defined(BOOK_GREEN_TSAN)
        Ignore() { __tsan_ignore_thread_begin(); }
        ~Ignore() { __tsan_ignore_thread_end(); }
#else
        Ignore() {}
        ~Ignore() {}
#endif
        Ignore(const Ignore&) = delete;
        Ignore& operator=(const Ignore&) = delete;
    };
    static void tsan_release(void* a) {
        (void)a;
#if defined(BOOK_GREEN_TSAN)
        __tsan_release(a);
#endif
    }
    static void tsan_acquire(void* a) {
        (void)a;
#if defined(BOOK_GREEN_TSAN)
        __tsan_acquire(a);
#endif
    }

    Green& at(Id id) const {
        if (id == 0 || id > threads_.size())
            throw std::out_of_range("Scheduler: no green thread " + std::to_string(id));
        return *threads_[id - 1];
    }
    Green* running(const char* what) const {
        if (current_ != this || running_ == nullptr)
            throw std::logic_error(std::string("Scheduler::") + what +
                                   ": call it from a green thread of this scheduler");
        return running_;
    }
    void make_ready(Green* g) {
        g->state = State::ready;
        ready_.push_back(g);
    }

    // [entry]
    // The entry function of every green thread, first called by the trampoline on the
    // fresh stack. It must not return: there is no caller frame to return into.
    static void entry(void* arg) {
        auto* g = static_cast<Green*>(started(arg));
        tsan_acquire(g);
        tsan_acquire(g->stack.low());  // the stack's previous owner finished before
        run_body(g);
        Scheduler* s = g->owner;
        {
            Ignore ignore;
            g->state = State::done;
            --s->live_;
            for (Green* j : g->joiners) s->make_ready(j);
            g->joiners.clear();
            ++s->switches_;
        }
        tsan_release(&g->done_sync);   // its last step happens before join returns
        tsan_release(g->stack.low());  // and before the stack's next owner starts
        // A synchronising switch: the scheduler, which frees this green thread's stack
        // and context, comes after everything it did, including reading s->self_ctx_.
        // The scheduler passes that on to nobody: it never switches with synchronisation.
        switch_to_final(g->ctx, s->self_ctx_, nullptr, Sync::handoff);
    }

    // Runs the user's function; its locals and the function object are destroyed here,
    // before entry() leaves the stack for good.
    static void run_body(Green* g) {
        try {
            std::function<void()> fn = std::move(g->fn);
            fn();
        } catch (const detail::Unwind&) {
            // unwound by unwind_all(): its destructors have run, nothing to report
        } catch (...) {
            g->error = std::current_exception();
        }
    }
    // [/entry]

    // [resume-suspend]
    // Scheduler side: runs g until it suspends or finishes.
    void resume(Green* g) {
        running_ = g;
        g->state = State::running;
        if (g->stack.guarded()) {
            auto low = reinterpret_cast<std::uintptr_t>(g->stack.guard_low());
            detail::running_guard = {low, low + page_size(), g->id};
        }
        ++switches_;
        switch_to(self_ctx_, g->ctx, g, tsan_switch_sync());
        detail::running_guard = {};
        running_ = nullptr;
        if (g->state == State::done) {
            pool_.release(std::move(g->stack));
            g->ctx = Context();  // destroys its ThreadSanitizer fiber
        }
    }

    // Green-thread side: g has recorded why it waits; back to the scheduler.
    void suspend(Green* g) {
        ++switches_;
        switch_to(g->ctx, self_ctx_, nullptr, tsan_switch_sync());
        if (g->unwind) throw detail::Unwind{};  // the scheduler gives up on it
    }
    // [/resume-suspend]

    void wake_expired_timers() {
        const auto now = clock::now();
        while (!timers_.empty() && timers_.top().deadline <= now) {
            Green* g = timers_.top().g;
            timers_.pop();
            make_ready(g);
        }
    }

    void run_ready() {
        for (std::size_t n = ready_.size(); n > 0 && !ready_.empty(); --n) {
            Green* g = ready_.front();
            ready_.pop_front();
            resume(g);
        }
    }

    // [poll]
    void poll_io() {
        if (fd_waiters_ == 0) {
            if (timers_.empty()) throw_deadlock();
            std::this_thread::sleep_until(timers_.top().deadline);
            return;
        }
        int timeout_ms = -1;
        if (!timers_.empty()) {
            auto left = timers_.top().deadline - clock::now();
            auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
            timeout_ms = static_cast<int>(std::clamp<long long>(ms, 0, 1 << 30));
        }
        epoll_event events[64];
        int n = epoll_wait(epoll_fd_, events, 64, timeout_ms);
        if (n < 0 && errno != EINTR)
            throw std::system_error(errno, std::generic_category(), "epoll_wait");
        for (int i = 0; i < n; ++i) {
            auto* g = static_cast<Green*>(events[i].data.ptr);
            epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, g->fd, nullptr);
            g->fd = -1;
            --fd_waiters_;
            make_ready(g);
        }
    }
    // [/poll]

    void wait_fd(int fd, std::uint32_t events) {
        Ignore ignore;
        Green* g = running("wait_fd");
        if (epoll_fd_ < 0) {
            epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
            if (epoll_fd_ < 0)
                throw std::system_error(errno, std::generic_category(), "epoll_create1");
        }
        epoll_event ev{};
        ev.events = events;
        ev.data.ptr = g;
        if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0)
            throw std::system_error(errno, std::generic_category(), "epoll_ctl");
        g->state = State::waiting_fd;
        g->fd = fd;
        ++fd_waiters_;
        suspend(g);
    }

    [[noreturn]] void throw_deadlock() {
        std::string names;
        for (auto& g : threads_)
            if (g->state != State::done) names += (names.empty() ? "" : ", ") + g->name;
        unwind_all();
        throw std::logic_error("Scheduler::run: green threads wait forever: " + names);
    }

    // Resumes every unfinished green thread with an exception that unwinds its stack
    // (its destructors run) and ends it, so that none is left suspended mid-call.
    void unwind_all() {
        for (auto& g : threads_) {
            for (int tries = 0; g->state != State::done && tries < 1000; ++tries) {
                g->unwind = true;
                resume(g.get());
            }
            if (g->state != State::done)
                throw std::logic_error(
                    "Scheduler: " + g->name +
                    " swallowed its unwinding (catch (...) without rethrow)");
        }
    }

    StackPool pool_;
    std::vector<std::unique_ptr<Green>> threads_;
    std::deque<Green*> ready_;
    std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
    std::uint64_t timer_seq_ = 0;
    Context self_ctx_;
    Green* running_ = nullptr;
    std::size_t live_ = 0;
    std::size_t fd_waiters_ = 0;
    int epoll_fd_ = -1;
    std::uint64_t switches_ = 0;
    static inline thread_local Scheduler* current_ = nullptr;
};

/// The scheduler running the caller; throws std::logic_error outside a green thread.
inline Scheduler& this_scheduler() {
    Scheduler* s = Scheduler::current();
    if (s == nullptr) throw std::logic_error("book::green: not inside Scheduler::run()");
    return *s;
}
/// Scheduler::yield() of the caller's scheduler.
inline void yield() { this_scheduler().yield(); }
/// Scheduler::sleep_for() of the caller's scheduler.
inline void sleep_for(Scheduler::clock::duration d) { this_scheduler().sleep_for(d); }
/// Scheduler::join() of the caller's scheduler.
inline void join(Id id) { this_scheduler().join(id); }
/// Scheduler::spawn() on the caller's scheduler.
inline Id spawn(std::function<void()> fn, std::string name = {}) {
    return this_scheduler().spawn(std::move(fn), std::move(name));
}
/// The caller's green thread number.
inline Id self() { return this_scheduler().self(); }
/// Scheduler::park() of the caller's scheduler.
inline void park() { this_scheduler().park(); }
/// Scheduler::unpark() of the caller's scheduler.
inline void unpark(Id id) { this_scheduler().unpark(id); }
/// Scheduler::wait_readable() of the caller's scheduler.
inline void wait_readable(int fd) { this_scheduler().wait_readable(fd); }

}  // namespace book::green
