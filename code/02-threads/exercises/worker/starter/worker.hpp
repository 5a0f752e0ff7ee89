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
    // TODO: start the worker's thread (the contract is in the class comment above).
    Worker() = default;

    /// Queues @p f to run on the worker's thread; returns the future of its result.
    template <class F>
    auto submit(F f) -> std::future<std::invoke_result_t<F&>> {
        // TODO: queue f to run on the worker's thread, and return a future of its
        // result or exception (the class comment gives the rules after a stop).
        (void)f;
        return {};
    }

    /// Asks the worker to stop after the task it is running, if any; the queued tasks are
    /// abandoned.
    void request_stop() { /* TODO */
    }

private:
    // TODO: the worker's state: its queue, whatever protects it and wakes the thread,
    // and the thread (the chapter's pitfalls say where in the class it belongs).
};

}  // namespace book::threads::exercises
