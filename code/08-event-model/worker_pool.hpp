// worker_pool.hpp: run blocking or CPU-heavy work off the loop's thread and settle a
// promise on the loop with its result, as libuv's thread pool does for files and DNS.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "loop.hpp"
#include "promise.hpp"

namespace book::loop {

/**
 * @brief A fixed set of threads that run functions for an event_loop and hand the
 * results back to it.
 *
 * submit() is called on the loop's thread. It queues the function and returns a
 * pending promise; a worker thread runs the function, then post()s the result to the
 * loop, where the promise settles (so its reactions run on the loop's thread, as
 * always). The loop stays alive while work is outstanding (event_loop::hold()). The
 * function must not touch the loop or any promise: it runs on another thread.
 *
 * @code
 * book::loop::event_loop loop;
 * book::loop::worker_pool pool(loop, 2);
 * loop.run([&] {
 *     pool.submit([] { return slow_checksum(); })
 *         .then([](long sum) { std::printf("%ld\n", sum); });
 * });
 * @endcode
 */
class worker_pool {
public:
    /// Starts @p threads worker threads serving @p loop.
    worker_pool(event_loop& loop, unsigned threads) : loop_(loop) {
        if (threads == 0) throw std::invalid_argument("worker_pool: no threads");
        for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this] { serve(); });
    }
    worker_pool(const worker_pool&) = delete;
    worker_pool& operator=(const worker_pool&) = delete;
    /// Finishes the queued work, then joins the threads.
    ~worker_pool() {
        {
            std::lock_guard lock(mutex_);
            closing_ = true;
        }
        ready_.notify_all();
        for (auto& t : workers_) t.join();
    }

    // [submit]
    /// Runs @p f on a worker; the returned promise settles on the loop with its result
    /// (or the exception it threw).
    template <class F>
    auto submit(F f) {
        using R = std::invoke_result_t<F>;
        promise<R> p(loop_);
        loop_.hold();
        auto job = [this, f = std::move(f), p]() mutable {
            std::exception_ptr error;
            std::optional<detail::stored_t<R>> value;
            try {
                if constexpr (std::is_void_v<R>) {
                    f();
                    value.emplace();
                } else {
                    value.emplace(f());
                }
            } catch (...) {
                error = std::current_exception();
            }
            // Only the loop's thread touches the promise: hand it over with the result.
            // Everything moves into the posted task: the worker keeps no reference, so
            // the exception (and its message) is freed on the loop's thread, after the
            // handover through post()'s mutex, never by a late release on this thread.
            loop_.post([p = std::move(p), value = std::move(value),
                        error = std::move(error), &l = loop_] {
                if (error)
                    p.reject(error);
                else if constexpr (std::is_void_v<R>)
                    p.resolve();
                else
                    p.resolve(std::move(*value));
                l.release();
            });
        };
        {
            std::lock_guard lock(mutex_);
            jobs_.push_back(std::move(job));
        }
        ready_.notify_one();
        return p;
    }
    // [/submit]

private:
    void serve() {
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock lock(mutex_);
                ready_.wait(lock, [this] { return closing_ || !jobs_.empty(); });
                if (jobs_.empty()) return;
                job = std::move(jobs_.front());
                jobs_.pop_front();
            }
            job();
        }
    }

    event_loop& loop_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> jobs_;
    bool closing_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace book::loop
