// loop.hpp: a single-threaded event loop with Node.js's phases and queues.
#pragma once

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <queue>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "poller.hpp"

namespace book::loop {

/// The phases of one turn of the loop, in the order libuv's uv_run runs them, plus the
/// main script that runs before the first turn.
enum class phase { main, timers, pending, poll, check, close };

/// The name of @p p as Node's documentation spells it ("timers", "poll", ...).
inline const char* phase_name(phase p) {
    switch (p) {
        case phase::main:
            return "main";
        case phase::timers:
            return "timers";
        case phase::pending:
            return "pending";
        case phase::poll:
            return "poll";
        case phase::check:
            return "check";
        case phase::close:
            return "close";
    }
    return "?";
}

/**
 * @brief One thread, one loop: timers, I/O readiness, setImmediate, close callbacks,
 * and the nextTick and microtask queues, run in the order Node.js runs them.
 *
 * Purpose: run many waiting activities on one thread. Nothing runs in parallel with a
 * callback: each callback runs to completion, then the loop picks the next one.
 *
 * Glossary: a *macrotask* is a callback the loop itself picks (a timer, an I/O
 * callback, an immediate, a close callback); a *microtask* is a callback queued by
 * the running code (a promise reaction, queue_microtask()); a *tick* is a callback of
 * next_tick(), which Node runs before the microtasks.
 *
 * The protocol of run(), one turn after another while something is alive:
 *  1. update_time() caches the clock in milliseconds (timers compare with this);
 *  2. run_timers(): every timer whose due time has passed, earliest first;
 *  3. run_pending(): callbacks deferred from the previous turn (defer());
 *  4. run_poll(): epoll_wait, with a timeout of 0 when immediates, pending or closing
 *     callbacks wait, else until the next timer, else forever; then the callbacks of
 *     the ready descriptors and the tasks post()ed from other threads;
 *  5. run_check(): the immediates queued before this phase began;
 *  6. run_closing(): the close() callbacks.
 * After every single callback, drain_microtasks() empties the tick queue, then the
 * microtask queue, again until both are empty (Node's processTicksAndRejections).
 *
 * Threads: only post(), hold() and release() may be called from another thread;
 * everything else belongs to the thread that calls run().
 *
 * @code
 * book::loop::event_loop loop;
 * loop.run([&] {
 *     loop.set_timeout([] { std::puts("timeout"); }, 0);
 *     loop.set_immediate([] { std::puts("immediate"); });
 *     loop.queue_microtask([] { std::puts("microtask"); });
 *     loop.next_tick([] { std::puts("tick"); });
 * });  // tick, microtask, then timeout and immediate (in an order the clock decides)
 * @endcode
 */
class event_loop {
public:
    /// A callback the loop runs.
    using task = std::function<void()>;
    /// An I/O callback, given the ready epoll events.
    using io_callback = std::function<void(std::uint32_t events)>;
    /// Identifies a timer for clear_timer().
    using timer_id = std::uint64_t;

    /// A loop, which becomes current() on this thread until it is destroyed.
    event_loop() : previous_(current_) {
        current_ = this;
        update_time();
    }
    event_loop(const event_loop&) = delete;
    event_loop& operator=(const event_loop&) = delete;
    /// Destroys the loop; descriptors still watched are not closed.
    ~event_loop() { current_ = previous_; }

    /// The loop most recently created on this thread and not yet destroyed (or null).
    static event_loop* current() noexcept { return current_; }

    // [time]
    /// The cached time in milliseconds, as timers see it (updated once per turn).
    std::uint64_t now() const noexcept { return now_ms_; }
    /// Reads the clock into the cache.
    void update_time() noexcept {
        using namespace std::chrono;
        now_ms_ = static_cast<std::uint64_t>(
            duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
    }
    // [/time]

    /// Runs @p cb once, @p ms milliseconds from now() (0 counts as 1, as in Node).
    timer_id set_timeout(task cb, std::int64_t ms) {
        return add_timer(std::move(cb), ms, 0);
    }
    /// Runs @p cb every @p ms milliseconds (0 counts as 1) until clear_timer().
    timer_id set_interval(task cb, std::int64_t ms) {
        return add_timer(std::move(cb), ms, ms < 1 ? 1 : ms);
    }
    /// Cancels a timer; an unknown or finished timer is ignored (clearTimeout's rule).
    void clear_timer(timer_id id) { timers_.erase(id); }

    /// Runs @p cb in the check phase of this turn (or the next, when queued from it).
    void set_immediate(task cb) { immediates_.push_back(std::move(cb)); }
    /// Queues a microtask (a promise reaction, queueMicrotask()).
    void queue_microtask(task cb) { microtasks_.push_back(std::move(cb)); }
    /// Queues a tick: it runs before any queued microtask (process.nextTick()).
    void next_tick(task cb) { ticks_.push_back(std::move(cb)); }
    /// Runs @p cb in the pending phase of the next turn (libuv's deferred I/O callbacks).
    void defer(task cb) { pending_.push_back(std::move(cb)); }

    /// Watches @p fd for @p events (EPOLLIN, EPOLLOUT...); @p cb runs in the poll phase.
    void watch(int fd, std::uint32_t events, io_callback cb) {
        poller_.add(fd, events, [this, cb = std::move(cb)](std::uint32_t ev) {
            invoke([&] { cb(ev); });
        });
        ++watchers_;
    }
    /// Changes the events a watched @p fd waits for.
    void rewatch(int fd, std::uint32_t events) { poller_.modify(fd, events); }
    /// Stops watching @p fd (the descriptor stays open).
    void unwatch(int fd) {
        poller_.remove(fd);
        --watchers_;
    }
    /// Stops watching @p fd if watched, closes it, and runs @p cb in the close phase.
    void close(int fd, task cb = {}) {
        if (poller_.contains(fd)) unwatch(fd);
        ::close(fd);
        closing_.push_back(cb ? std::move(cb) : task([] {}));
    }

    // [post]
    /// Runs @p cb on the loop's thread in the poll phase. Any thread may call it.
    void post(task cb) {
        // Wake under the lock: the loop cannot take the task, end and close its eventfd
        // before this write is done.
        std::lock_guard lock(posted_mutex_);
        posted_.push_back(std::move(cb));
        poller_.wake();
    }
    /// Keeps the loop alive until a matching release(): work outside the loop is
    /// pending. Any thread.
    void hold() noexcept { holds_.fetch_add(1, std::memory_order_relaxed); }
    /// Ends one hold(). Any thread.
    void release() noexcept {
        std::lock_guard lock(
            posted_mutex_);  // alive() passes this lock before run() ends
        holds_.fetch_sub(1, std::memory_order_relaxed);
        poller_.wake();
    }
    // [/post]

    /// Makes run() return after the current phase's callbacks.
    void stop() noexcept { stopped_ = true; }

    /// Replaces the handler of exceptions that escape a callback (default: run()
    /// rethrows the first one, as Node exits on an uncaught exception).
    void on_uncaught(std::function<void(std::exception_ptr)> handler) {
        on_uncaught_ = std::move(handler);
    }
    /// Replaces the handler of promise rejections nobody handled by the end of a
    /// microtask drain (default: one line on stderr).
    void on_unhandled_rejection(std::function<void(std::exception_ptr)> handler) {
        on_unhandled_ = std::move(handler);
    }
    /// Called after every callback with the phase it ran in (for traces; may be empty).
    void on_callback(std::function<void(phase)> observer) {
        observer_ = std::move(observer);
    }

    /// The phase whose callbacks are running now.
    phase current_phase() const noexcept { return phase_; }
    /// The number of completed turns.
    std::uint64_t turns() const noexcept { return turns_; }
    /// The poller under the loop (to share it, as chapter 9 does).
    poller& io() noexcept { return poller_; }

    // [run]
    /// Runs @p main as the main script (its ticks and microtasks drained after it),
    /// then turns the loop until nothing is alive or stop() is called.
    void run(task main = {}) {
        stopped_ = false;
        update_time();
        if (main) {
            phase_ = phase::main;
            invoke(main);
        }
        while (alive() && !stopped_) {
            update_time();
            run_timers();
            run_pending();
            run_poll(poll_timeout());
            run_check();
            run_closing();
            ++turns_;
        }
        if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
    }
    // [/run]

    /// True while anything could still produce a callback.
    bool alive() const {
        if (!timers_.empty() || !immediates_.empty() || !pending_.empty() ||
            !closing_.empty() || watchers_ > 0 ||
            holds_.load(std::memory_order_relaxed) > 0)
            return true;
        std::lock_guard lock(posted_mutex_);
        return !posted_.empty();
    }

    /// Runs @p cb as a macrotask: catches what escapes it, then drains the microtasks.
    template <class F>
    void invoke(F&& cb) {
        if (failure_) return;  // an uncaught exception ends the loop, as it ends Node
        try {
            cb();
        } catch (...) {
            uncaught(std::current_exception());
        }
        if (failure_) return;
        drain_microtasks();
        if (observer_) observer_(phase_);
    }

    // [drain]
    /// Runs every tick, then every microtask (also those they queue), until both
    /// queues are empty; then reports rejections nobody handled.
    void drain_microtasks() {
        do {
            while (!ticks_.empty() && !failure_) run_front(ticks_);
            while (!microtasks_.empty() && !failure_) run_front(microtasks_);
        } while (!ticks_.empty() && !failure_);
        report_rejections();
    }
    // [/drain]

    /// Records that a promise (@p id) was rejected with nobody to handle it.
    void track_rejection(std::uint64_t id, std::exception_ptr e) {
        unhandled_.push_back({id, std::move(e)});
    }
    /// Records that the rejected promise @p id got a handler after all.
    void untrack_rejection(std::uint64_t id) {
        std::erase_if(unhandled_, [id](const auto& r) { return r.first == id; });
    }
    /// A fresh identifier for a promise.
    std::uint64_t next_promise_id() noexcept { return ++promise_ids_; }

private:
    struct timer {
        std::shared_ptr<task> cb;
        std::uint64_t due;
        std::uint64_t repeat;
        std::uint64_t seq;
    };
    struct due_entry {
        std::uint64_t due, seq;
        timer_id id;
        bool operator>(const due_entry& o) const {
            return due != o.due ? due > o.due : seq > o.seq;
        }
    };

    timer_id add_timer(task cb, std::int64_t ms, std::uint64_t repeat) {
        const std::uint64_t delay = ms < 1 ? 1 : static_cast<std::uint64_t>(ms);
        const timer_id id = ++timer_ids_;
        const std::uint64_t seq = ++timer_seq_;
        timers_.emplace(id, timer{std::make_shared<task>(std::move(cb)), now_ms_ + delay,
                                  repeat, seq});
        heap_.push({now_ms_ + delay, seq, id});
        return id;
    }

    // [phases]
    void run_timers() {
        phase_ = phase::timers;
        while (!heap_.empty() && heap_.top().due <= now_ms_) {
            const due_entry e = heap_.top();
            heap_.pop();
            auto it = timers_.find(e.id);
            if (it == timers_.end() || it->second.seq != e.seq) continue;  // cleared
            std::shared_ptr<task> cb = it->second.cb;
            if (it->second.repeat == 0) timers_.erase(it);
            invoke(*cb);
            it =
                timers_.find(e.id);  // an interval goes on unless its callback cleared it
            if (it != timers_.end() && it->second.seq == e.seq) {
                it->second.due = now_ms_ + it->second.repeat;
                it->second.seq = ++timer_seq_;
                heap_.push({it->second.due, it->second.seq, e.id});
            }
        }
    }

    void run_pending() {
        phase_ = phase::pending;
        if (pending_.empty()) return;
        std::deque<task> batch;
        batch.swap(pending_);
        for (auto& cb : batch) invoke(cb);
    }

    int poll_timeout() const {
        if (stopped_ || !immediates_.empty() || !pending_.empty() || !closing_.empty() ||
            !alive())  // nothing left to wait for: do not block
            return 0;
        if (heap_.empty()) return -1;
        const std::uint64_t due = heap_.top().due;
        return due <= now_ms_ ? 0 : static_cast<int>(due - now_ms_);
    }

    void run_poll(int timeout_ms) {
        phase_ = phase::poll;
        poller_.wait(timeout_ms);
        update_time();  // libuv refreshes the clock after a blocking poll
        std::deque<task> batch;
        {
            std::lock_guard lock(posted_mutex_);
            if (posted_.empty()) return;
            batch.swap(posted_);
        }
        for (auto& cb : batch) invoke(cb);
    }

    void run_check() {
        phase_ = phase::check;
        if (immediates_.empty()) return;
        std::deque<task> batch;  // immediates queued from here wait for the next turn
        batch.swap(immediates_);
        for (auto& cb : batch) invoke(cb);
    }

    void run_closing() {
        phase_ = phase::close;
        if (closing_.empty()) return;
        std::deque<task> batch;
        batch.swap(closing_);
        for (auto& cb : batch) invoke(cb);
    }
    // [/phases]

    void run_front(std::deque<task>& q) {
        task cb = std::move(q.front());
        q.pop_front();
        try {
            cb();
        } catch (...) {
            uncaught(std::current_exception());
        }
    }

    void uncaught(std::exception_ptr e) {
        if (on_uncaught_) {
            on_uncaught_(e);
            return;
        }
        if (!failure_) failure_ = e;
        stopped_ = true;
    }

    void report_rejections() {
        while (!unhandled_.empty()) {
            auto [id, e] = std::move(unhandled_.front());
            unhandled_.erase(unhandled_.begin());
            if (on_unhandled_) {
                on_unhandled_(e);
                continue;
            }
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                std::fprintf(stderr, "unhandled promise rejection: %s\n", ex.what());
            } catch (...) {
                std::fprintf(stderr, "unhandled promise rejection (not an exception)\n");
            }
        }
    }

    static inline thread_local event_loop* current_ = nullptr;
    event_loop* previous_;
    poller poller_;
    std::uint64_t now_ms_ = 0;
    phase phase_ = phase::main;
    bool stopped_ = false;
    std::uint64_t turns_ = 0;

    std::unordered_map<timer_id, timer> timers_;
    std::priority_queue<due_entry, std::vector<due_entry>, std::greater<>> heap_;
    timer_id timer_ids_ = 0;
    std::uint64_t timer_seq_ = 0;

    std::deque<task> immediates_, microtasks_, ticks_, pending_, closing_;
    std::size_t watchers_ = 0;
    mutable std::mutex posted_mutex_;
    std::deque<task> posted_;
    std::atomic<long> holds_{0};

    std::function<void(std::exception_ptr)> on_uncaught_, on_unhandled_;
    std::function<void(phase)> observer_;
    std::exception_ptr failure_;
    std::vector<std::pair<std::uint64_t, std::exception_ptr>> unhandled_;
    std::uint64_t promise_ids_ = 0;
};

}  // namespace book::loop
