// task.hpp: a lazily started coroutine that produces one value and can co_await other
// tasks, using symmetric transfer.
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace book::coro {

template <class T = void>
class task;

namespace detail {

// What every task promise shares: who to resume when the task finishes, and a failure
// to pass on.
struct task_promise_base {
    std::coroutine_handle<> continuation{};
    std::exception_ptr error;

    // [final-awaiter]
    // Leaving the body: hand the thread straight to the awaiting coroutine (symmetric
    // transfer). Returning a handle from await_suspend makes the compiler jump to it
    // instead of calling resume() from inside this frame, so a chain of N awaits does
    // not nest N calls on the stack.
    struct final_awaiter {
        bool await_ready() const noexcept { return false; }
        template <class Promise>
        std::coroutine_handle<> await_suspend(
            std::coroutine_handle<Promise> self) const noexcept {
            if (auto next = self.promise().continuation) return next;
            // Nobody awaits us: return to whoever called resume().
            return std::noop_coroutine();
        }
        void await_resume() const noexcept {}
    };
    // [/final-awaiter]

    std::suspend_always initial_suspend() const noexcept { return {}; }
    final_awaiter final_suspend() const noexcept { return {}; }
    void unhandled_exception() noexcept { error = std::current_exception(); }
    void rethrow_if_failed() const {
        if (error) std::rethrow_exception(error);
    }
};

template <class T>
struct task_promise : task_promise_base {
    std::optional<T> value;
    task<T> get_return_object() noexcept;
    template <class U>
    requires std::is_convertible_v<U&&, T>
    void return_value(U&& v) { value.emplace(std::forward<U>(v)); }
    T result() {
        rethrow_if_failed();
        if (!value)
            throw std::logic_error(
                "task: result() asked of a task that has not finished");
        return std::move(*value);
    }
};

template <>
struct task_promise<void> : task_promise_base {
    task<void> get_return_object() noexcept;
    void return_void() const noexcept {}
    void result() const { rethrow_if_failed(); }
};

}  // namespace detail

/**
 * @brief A coroutine that computes one value of type @p T, started when first awaited.
 *
 * A task does nothing when called: its body starts when another coroutine
 * does `co_await the_task` (or when a scheduler or run_to_completion() resumes
 * it). The awaiting coroutine is suspended and the task's body runs on the same
 * thread; when the body reaches `co_return`, control passes straight back to
 * the awaiting coroutine, which receives the value (or the exception the body
 * threw).
 *
 * Both hand-overs use symmetric transfer: `await_suspend` returns the handle to
 * run next instead of calling `resume()` itself, so the stack does not grow
 * with the depth of a chain of awaits. This holds when the compiler turns the
 * transfer into a tail call, which g++ 12 does only through its sibling-call
 * optimisation (-foptimize-sibling-calls, on at -O2, -O3 and -Os; not at -O0,
 * -O1 or -Og, and not under AddressSanitizer or ThreadSanitizer); clang 14 does
 * it at every optimisation level on x86-64, -O0 included. Other targets differ:
 * LLVM bug 43508 was clang overflowing the stack at -O0 on AArch64, and some ABIs
 * cannot make an indirect tail call at all.
 *
 * @code
 * book::coro::task<int> answer() { co_return 42; }
 * book::coro::task<int> twice() { co_return 2 * co_await answer(); }
 * int v = book::coro::run_to_completion(twice());  // 84
 * @endcode
 *
 * The task object owns the frame and destroys it in its destructor, finished
 * or not.
 */
template <class T>
class [[nodiscard]] task {
public:
    /// The promise type the compiler looks up.
    using promise_type = detail::task_promise<T>;

    /// An empty task with no coroutine behind it.
    task() = default;
    /// Takes over @p other's frame; @p other becomes empty.
    task(task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
    /// Destroys this task's frame, then takes over @p other's.
    task& operator=(task&& other) noexcept {
        if (this != &other) {
            reset();
            handle_ = std::exchange(other.handle_, {});
        }
        return *this;
    }
    task(const task&) = delete;
    task& operator=(const task&) = delete;
    /// Destroys the frame, whether the body finished or not.
    ~task() { reset(); }

    /// Suspends the awaiting coroutine, runs this task, and resumes the awaiter with
    /// its result.
    auto operator co_await() && noexcept { return awaiter{handle_}; }
    /// Same as the rvalue form, for a task held in a named variable. The result is moved
    /// out to the awaiter, so await a task once.
    auto operator co_await() & noexcept { return awaiter{handle_}; }

    /// The coroutine behind this task (for schedulers); empty for a default-constructed
    /// task.
    std::coroutine_handle<> handle() const noexcept { return handle_; }
    /// True once the body has finished (returned or thrown).
    bool done() const noexcept { return !handle_ || handle_.done(); }
    /// The result of a finished task: its value, or the exception its body threw,
    /// rethrown.
    T result() {
        if (!handle_ || !handle_.done())
            throw std::logic_error(
                "task: result() asked of a task that has not finished");
        return handle_.promise().result();
    }

private:
    friend promise_type;
    explicit task(std::coroutine_handle<promise_type> h) noexcept : handle_(h) {}

    // [task-awaiter]
    struct awaiter {
        std::coroutine_handle<promise_type> callee;
        bool await_ready() const noexcept { return !callee || callee.done(); }
        // Remember who to come back to, then jump into the callee (symmetric transfer).
        std::coroutine_handle<> await_suspend(
            std::coroutine_handle<> caller) const noexcept {
            callee.promise().continuation = caller;
            return callee;
        }
        T await_resume() const {
            if (!callee) throw std::logic_error("task: co_await on an empty task");
            return callee.promise().result();
        }
    };
    // [/task-awaiter]

    void reset() noexcept {
        if (handle_) handle_.destroy();
        handle_ = {};
    }

    std::coroutine_handle<promise_type> handle_{};
};

namespace detail {
template <class T>
task<T> task_promise<T>::get_return_object() noexcept {
    return task<T>{std::coroutine_handle<task_promise<T>>::from_promise(*this)};
}
inline task<void> task_promise<void>::get_return_object() noexcept {
    return task<void>{std::coroutine_handle<task_promise<void>>::from_promise(*this)};
}
}  // namespace detail

/**
 * @brief Runs @p t on the calling thread until it finishes and returns its result.
 *
 * Only for tasks that never wait for something outside themselves (a timer,
 * another task spawned elsewhere): such a task would stay suspended with nobody
 * to resume it, and this function throws std::logic_error instead of hanging.
 * Tasks that wait for time or for each other run on a scheduler.
 */
template <class T>
T run_to_completion(task<T> t) {
    if (!t.handle()) throw std::logic_error("run_to_completion: empty task");
    t.handle().resume();
    if (!t.done())
        throw std::logic_error(
            "run_to_completion: the task suspended waiting for something nobody will "
            "resume");
    return t.result();
}

}  // namespace book::coro
