// A coroutine that suspends on one thread and is resumed on another: what changes
// (thread id, thread_local variables), and the rule for an awaiter that hands its
// coroutine to another thread.
#include <sys/syscall.h>
#include <unistd.h>

#include <condition_variable>
#include <coroutine>
#include <cstdio>
#include <deque>
#include <exception>
#include <latch>
#include <mutex>
#include <atomic>
#include <string>
#include <thread>

#include "cli.hpp"

namespace {

// A coroutine that starts at once and frees its own frame when it ends; the caller
// learns of the end through a latch that the body counts down.
struct job {
    struct promise_type {
        job get_return_object() noexcept { return {}; }
        std::suspend_never initial_suspend() const noexcept { return {}; }
        std::suspend_never final_suspend() const noexcept { return {}; }
        void return_void() const noexcept {}
        void unhandled_exception() const noexcept { std::terminate(); }
    };
};

// [worker]
// One thread that resumes the coroutines handed to it, in order.
class worker {
public:
    worker() : thread_([this] { run(); }) {}
    ~worker() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
            ready_.notify_one();  // under the lock: the destruction rule of chapter 4
        }
        thread_.join();
    }

    // [awaiter]
    // `co_await w.schedule()` suspends the coroutine and resumes it on the worker.
    struct schedule_awaiter {
        worker& w;
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<> h) {
            // The coroutine counts as suspended before this runs. As soon as the handle
            // is in the queue, the worker may resume it, the coroutine may run to its end
            // and free its frame, and this awaiter, which lives in that frame, with it.
            // So publishing the handle is the last thing this function does: no member of
            // `this`, and nothing of the frame, may be touched after it.
            w.post(h);
        }
        void await_resume() const noexcept {}
    };
    // [/awaiter]

    schedule_awaiter schedule() noexcept { return {*this}; }

    /// Hands @p h to the worker, which resumes it.
    void post(std::coroutine_handle<> h) {
        std::lock_guard lock(mutex_);
        queue_.push_back(h);
        ready_.notify_one();
    }

    void run() {
        std::unique_lock lock(mutex_);
        for (;;) {
            ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping, and nothing left to resume
            auto h = queue_.front();
            queue_.pop_front();
            lock.unlock();
            h.resume();  // runs the coroutine on this thread until it suspends or ends
            lock.lock();
        }
    }

    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::coroutine_handle<>> queue_;
    bool stopping_ = false;
    std::thread thread_;  // last: starts after the members it uses exist
};
// [/worker]

// [event]
// A one-shot event that coroutines on any thread may await and any thread may set: the
// waiting line is guarded by a mutex, and set() hands every waiter to the worker.
class thread_safe_event {
public:
    explicit thread_safe_event(worker& w) : worker_(w) {}

    struct awaiter {
        thread_safe_event& e;
        bool await_ready() const {
            std::lock_guard lock(e.mutex_);
            return e.set_;
        }
        bool await_suspend(std::coroutine_handle<> h) {
            std::lock_guard lock(e.mutex_);
            if (e.set_) return false;  // set meanwhile: do not suspend, go on at once
            e.waiters_.push_back(h);   // from here on set() may resume it elsewhere...
            return true;  // ...so nothing of the frame is touched after the push
        }
        void await_resume() const noexcept {}
    };
    awaiter operator co_await() noexcept { return {*this}; }

    void set() {
        std::deque<std::coroutine_handle<>> ready;
        {
            std::lock_guard lock(mutex_);
            set_ = true;
            ready.swap(waiters_);
        }
        for (auto h : ready) worker_.post(h);  // resumed on the worker, not here
    }

private:
    worker& worker_;
    std::mutex mutex_;
    bool set_ = false;
    std::deque<std::coroutine_handle<>> waiters_;
};
// [/event]

// The kernel's id of the calling thread: a system call, which no compiler assumes to
// return the same value twice in one function.
long kernel_tid() { return ::syscall(SYS_gettid); }

job wait_for(thread_safe_event& event, std::atomic<int>& resumed_on_worker, long main_tid,
             std::latch& done) {
    co_await event;
    if (kernel_tid() != main_tid) resumed_on_worker.fetch_add(1);
    done.count_down();
}

thread_local int calls_on_this_thread = 0;  // each thread has its own

// What the coroutine saw before and after its co_await. Plain fields: written on two
// threads, read by main after the latch, which orders them.
struct Report {
    long tid_before = 0, tid_after = 0;   // from the kernel
    std::thread::id id_before, id_after;  // from std::this_thread::get_id()
    int thread_local_before = 0, thread_local_after = 0;
};

// [hop]
job hop(worker& w, Report& report, std::latch& done) {
    report.tid_before = kernel_tid();
    report.id_before = std::this_thread::get_id();
    report.thread_local_before = ++calls_on_this_thread;
    co_await w.schedule();  // suspends here on main, resumes on the worker
    report.tid_after = kernel_tid();
    report.id_after = std::this_thread::get_id();
    report.thread_local_after = ++calls_on_this_thread;
    done.count_down();  // "finished": main may now read the report
}
// [/hop]

}  // namespace

int main(int argc, char** argv) {
    int hops = 3;
    book::cli::Parser cli("threads",
                          "A coroutine suspended on one thread and resumed on another.");
    int waiters = 4;
    cli.option("hops", hops, 1, 1000, "coroutines that hop from main to the worker")
        .option("waiters", waiters, 1, 1000, "coroutines that wait for the event");
    cli.parse(argc, argv);

    worker w;
    const long main_tid = kernel_tid();
    int moved = 0, id_changed = 0, same_counter = 0;
    for (int i = 0; i < hops; ++i) {
        Report report;
        std::latch done(1);
        hop(w, report, done);  // runs on main up to its co_await
        done.wait();
        moved += report.tid_before != report.tid_after;
        id_changed += report.id_before != report.id_after;
        same_counter += report.thread_local_after == report.thread_local_before + 1;
        if (i == 0)
            std::printf(
                "hop 1: before co_await on %s, after on %s; thread_local counter read "
                "%d before, %d after\n",
                report.tid_before == main_tid ? "main" : "another thread",
                report.tid_after == main_tid ? "main" : "the worker",
                report.thread_local_before, report.thread_local_after);
    }
    std::printf(
        "%d of %d coroutines resumed on a different thread than they started on\n", moved,
        hops);
    std::printf(
        "%d of %d saw std::this_thread::get_id() change across the co_await (a compiler "
        "that assumes it cannot change within one function may say 0)\n",
        id_changed, hops);
    std::printf(
        "%d of %d saw their thread_local counter continue across the co_await (it is "
        "another thread's variable after it)\n",
        same_counter, hops);

    // The event: coroutines wait on main, a third thread sets it, the worker resumes
    // them.
    thread_safe_event event(w);
    std::atomic<int> on_worker{0};
    std::latch all_done(waiters);
    for (int i = 0; i < waiters; ++i) wait_for(event, on_worker, main_tid, all_done);
    std::thread setter([&] { event.set(); });
    all_done.wait();
    setter.join();
    std::printf(
        "event: %d coroutines waited, a third thread set it, %d resumed on the worker\n",
        waiters, on_worker.load());
    std::latch late_done(1);
    std::atomic<int> late_on_worker{0};
    wait_for(event, late_on_worker, main_tid,
             late_done);  // already set: does not suspend
    late_done.wait();
    std::printf("event: a coroutine that awaited it after set() went on at once, on %s\n",
                late_on_worker.load() == 0 ? "main" : "the worker");
    return 0;
}
