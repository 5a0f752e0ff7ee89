// worker.hpp: one background thread that runs submitted tasks in order and stops on
// request.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <stop_token>
#include <thread>
#include <type_traits>

namespace book::threads::exercises {

/// A thread of its own that runs submitted tasks one at a time, in submission order.
///
/// submit() hands back a std::future for the task's result (or its exception).
/// request_stop(), or destroying the Worker, lets the task that is running finish and
/// abandons those not yet started: their futures report std::future_errc::broken_promise.
/// Submitting after request_stop() throws std::logic_error.
///
/// @code
/// book::threads::exercises::Worker w;
/// auto answer = w.submit([] { return 6 * 7; });
/// int x = answer.get();   // 42, computed on w's thread
/// @endcode
class Worker {
public:
    Worker() : thread_([this](std::stop_token stop) { run(stop); }) {}

    /// Queues @p f to run on the worker's thread; returns the future of its result.
    template <class F>
    auto submit(F f) -> std::future<std::invoke_result_t<F&>> {
        using R = std::invoke_result_t<F&>;
        // std::function needs a copyable target and packaged_task is move-only: share it.
        auto task = std::make_shared<std::packaged_task<R()>>(std::move(f));
        auto result = task->get_future();
        {
            std::lock_guard lock(m_);
            if (thread_.get_stop_token().stop_requested())
                throw std::logic_error("Worker: submit after stop");
            queue_.push_back([task] { (*task)(); });
        }
        ready_.notify_one();
        return result;
    }

    /// Asks the worker to stop after the task it is running, if any; the queued tasks are
    /// abandoned.
    void request_stop() { thread_.request_stop(); }

private:
    void run(std::stop_token stop) {
        std::unique_lock lock(m_);
        while (ready_.wait(lock, stop, [this] { return !queue_.empty(); })) {
            if (stop.stop_requested())
                return;  // work is queued, but we were asked to stop
            auto job = std::move(queue_.front());
            queue_.pop_front();
            lock.unlock();  // run the task without holding the lock, so submit() is never
                            // blocked by it
            job();
            lock.lock();
        }
    }

    std::mutex m_;
    std::condition_variable_any
        ready_;  // _any: its wait() also wakes up on a stop request
    std::deque<std::function<void()>> queue_;
    std::jthread thread_;  // last: destroyed first, so it is joined before the queue it
                           // reads goes away
};

}  // namespace book::threads::exercises
