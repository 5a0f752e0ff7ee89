// scope.hpp: scoped threads for C++, after Rust's std::thread::scope.
#pragma once

#include <exception>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace book::safe {

// The handle through which scope()'s function starts threads. Only scope() makes one,
// and it cannot be copied or moved, so no thread can be started through it after
// scope() has returned (a reference kept past that point dangles, as any reference).
class Scope {
public:
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

    // Starts f() on a new thread that scope() joins before it returns. An exception that
    // escapes f is kept; scope() rethrows the first one after joining every thread.
    template <class F>
    void spawn(F&& f) {
        std::lock_guard lock(mutex_);
        threads_.emplace_back([this, f = std::forward<F>(f)]() mutable {
            try {
                f();
            } catch (...) {
                std::lock_guard lock(mutex_);
                if (!error_) error_ = std::current_exception();
            }
        });
    }

private:
    template <class F>
    friend auto scope(F&& f) -> std::invoke_result_t<F, Scope&>;
    Scope() = default;

    // Joins every thread, including any started by the threads themselves.
    void join_all() {
        for (;;) {
            std::vector<std::thread> batch;
            {
                std::lock_guard lock(mutex_);
                if (threads_.empty()) return;
                batch.swap(threads_);
            }
            for (auto& t : batch) t.join();
        }
    }

    std::mutex mutex_;
    std::vector<std::thread> threads_;
    std::exception_ptr error_;
};

// Calls f(scope) and returns its result after every thread spawned through the scope
// has finished, so that those threads may borrow anything that outlives this call.
template <class F>
auto scope(F&& f) -> std::invoke_result_t<F, Scope&> {
    Scope s;
    struct Joiner {
        Scope& s;
        ~Joiner() { s.join_all(); }  // also when f throws
    };
    if constexpr (std::is_void_v<std::invoke_result_t<F, Scope&>>) {
        {
            Joiner j{s};
            std::forward<F>(f)(s);
        }
        if (s.error_) std::rethrow_exception(s.error_);
    } else {
        auto result = [&] {
            Joiner j{s};
            return std::forward<F>(f)(s);
        }();
        if (s.error_) std::rethrow_exception(s.error_);
        return result;
    }
}

}  // namespace book::safe
