// promise.hpp: JavaScript's Promise on the book's loop, and C++20 coroutines that await
// it as `await` does in an async function.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <coroutine>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "loop.hpp"

namespace book::loop {

template <class T>
class promise;

namespace detail {

template <class T>
using stored_t = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

template <class R>
struct unwrap {
    using type = R;
};
template <class U>
struct unwrap<promise<U>> {
    using type = U;
};

// [state]
// The shared state of one promise: pending, then fulfilled with a value or rejected
// with an exception, once. Reactions wait in a list and are queued as microtasks when
// it settles; a reaction added later is queued at once. Never synchronous.
template <class T>
struct state {
    enum class status { pending, fulfilled, rejected };
    explicit state(event_loop& l) : loop(l), id(l.next_promise_id()) {}

    void fulfil(stored_t<T> v) {
        if (st != status::pending) return;  // a promise settles once
        value.emplace(std::move(v));
        st = status::fulfilled;
        flush();
    }
    void reject(std::exception_ptr e) {
        if (st != status::pending) return;
        error = std::move(e);
        st = status::rejected;
        if (!handled) loop.track_rejection(id, error);
        flush();
    }
    void react(std::function<void()> r) {
        if (st == status::rejected && !handled) loop.untrack_rejection(id);
        handled = true;
        if (st == status::pending)
            reactions.push_back(std::move(r));
        else
            loop.queue_microtask(std::move(r));
    }
    void flush() {
        for (auto& r : reactions) loop.queue_microtask(std::move(r));
        reactions.clear();
    }

    event_loop& loop;
    std::uint64_t id;
    status st = status::pending;
    std::optional<stored_t<T>> value;
    std::exception_ptr error;
    std::vector<std::function<void()>> reactions;
    bool handled = false;
};
// [/state]

template <class T>
struct coro_promise;

inline event_loop& require_current() {
    event_loop* l = event_loop::current();
    if (!l) throw std::logic_error("book::loop::promise: no event_loop on this thread");
    return *l;
}

}  // namespace detail

/**
 * @brief A value of type @p T that will be available later, or a failure: JavaScript's
 * Promise on the book's event_loop.
 *
 * A promise is created pending and settles once, by resolve() (fulfilled) or reject()
 * (rejected). then() and catch_() register reactions; a reaction always runs as a
 * microtask, never inside the call that registered it or settled the promise, and
 * returns a new promise for its result. Resolving with another promise adopts that
 * promise's outcome two microtasks later, as JavaScript does. A promise rejected with
 * no reaction by the end of a microtask drain is reported by the loop
 * (event_loop::on_unhandled_rejection()).
 *
 * Copies share one state (like references to one JavaScript object). A function
 * returning `promise<T>` may be a coroutine: its body runs at once up to its first
 * `co_await`, as an async function does; `co_await p` suspends until @c p settles and
 * resumes in a microtask with the value (or throws the rejection); `co_return v`
 * fulfils the returned promise and an escaping exception rejects it.
 *
 * @code
 * book::loop::event_loop loop;
 * auto twice = [](book::loop::promise<int> p) -> book::loop::promise<int> {
 *     co_return 2 * co_await p;
 * };
 * book::loop::promise<int> p;  // uses event_loop::current()
 * twice(p).then([](int v) { std::printf("%d\n", v); });  // prints 42 ...
 * p.resolve(21);                                         // ... in a microtask
 * loop.run();
 * @endcode
 */
template <class T>
class promise {
public:
    /// The value type.
    using value_type = T;
    /// The coroutine glue (a function returning promise<T> may use co_await).
    using promise_type = detail::coro_promise<T>;

    /// A pending promise on @p loop.
    explicit promise(event_loop& loop) : s_(std::make_shared<detail::state<T>>(loop)) {}
    /// A pending promise on event_loop::current(); throws std::logic_error without one.
    promise() : promise(detail::require_current()) {}

    /// Fulfils with @p v (ignored when already settled).
    template <class U = T>
    requires(!std::is_void_v<U>) void resolve(U v) const { s_->fulfil(std::move(v)); }
    /// Fulfils a promise<void> (ignored when already settled).
    template <class U = T>
    requires std::is_void_v<U>
    void resolve() const { s_->fulfil(std::monostate{}); }
    /// Adopts @p other: settles as it settles, two microtasks after it does.
    void resolve(promise<T> other) const {
        auto s = s_;
        s_->loop.queue_microtask(
            [s, o = std::move(other)] { o.s_->react([s, o] { o.settle_other(*s); }); });
    }
    /// Rejects with @p e (ignored when already settled).
    void reject(std::exception_ptr e) const { s_->reject(std::move(e)); }
    /// Rejects with an exception object, e.g. `p.reject(std::runtime_error("no"))`.
    template <class E>
    requires(!std::is_same_v<std::decay_t<E>, std::exception_ptr>) void reject(
        E e) const {
        s_->reject(std::make_exception_ptr(std::move(e)));
    }

    /// True once fulfilled or rejected.
    bool settled() const noexcept { return s_->st != state_t::status::pending; }
    /// True once fulfilled.
    bool fulfilled() const noexcept { return s_->st == state_t::status::fulfilled; }
    /// True once rejected.
    bool rejected() const noexcept { return s_->st == state_t::status::rejected; }
    /// The loop this promise queues its reactions on.
    event_loop& loop() const noexcept { return s_->loop; }

    // [then]
    /// Runs @p on_ok(value) as a microtask once fulfilled; the returned promise gets
    /// its result (adopted if it is a promise), or the rejection passed on unchanged.
    template <class F>
    auto then(F on_ok) const {
        return chain(std::move(on_ok), [](std::exception_ptr e) -> result_of<F> {
            std::rethrow_exception(e);
        });
    }
    /// Like then(on_ok), and runs @p on_err(exception_ptr) as a microtask when rejected.
    template <class F, class G>
    auto then(F on_ok, G on_err) const {
        return chain(std::move(on_ok), std::move(on_err));
    }
    /// Runs @p on_err(exception_ptr) when rejected; its result fulfils the returned
    /// promise. A fulfilled value passes through.
    template <class G>
    promise<T> catch_(G on_err) const {
        if constexpr (std::is_void_v<T>)
            return chain([] {}, std::move(on_err));
        else
            return chain([](const T& v) { return v; }, std::move(on_err));
    }
    // [/then]

    /// Suspends the awaiting coroutine until settled; it resumes in a microtask.
    auto operator co_await() const noexcept { return awaiter{s_}; }

private:
    template <class>
    friend class promise;
    using state_t = detail::state<T>;

    template <class F>
    using raw_result =
        std::conditional_t<std::is_void_v<T>, std::invoke_result<F>,
                           std::invoke_result<F, const detail::stored_t<T>&>>;
    template <class F>
    using result_of = typename raw_result<F>::type;

    template <class F, class G>
    auto chain(F on_ok, G on_err) const {
        using R = result_of<F>;
        using U = typename detail::unwrap<R>::type;
        promise<U> next(s_->loop);
        s_->react([s = s_, next, f = std::move(on_ok), g = std::move(on_err)]() mutable {
            try {
                if (s->st == state_t::status::rejected) {
                    settle_with(next, [&] { return g(s->error); });
                } else if constexpr (std::is_void_v<T>) {
                    settle_with(next, [&] { return f(); });
                } else {
                    settle_with(next, [&] { return f(*s->value); });
                }
            } catch (...) {
                next.reject(std::current_exception());
            }
        });
        return next;
    }

    template <class U, class Call>
    static void settle_with(const promise<U>& next, Call&& call) {
        using R = decltype(call());
        if constexpr (std::is_void_v<R>) {
            call();
            next.resolve();
        } else {
            next.resolve(call());
        }
    }

    template <class S>
    void settle_other(S& target) const {
        if (s_->st == state_t::status::rejected)
            target.reject(s_->error);
        else
            target.fulfil(*s_->value);
    }

    // [awaiter]
    struct awaiter {
        std::shared_ptr<state_t> s;
        bool await_ready() const noexcept { return false; }  // await always yields
        void await_suspend(std::coroutine_handle<> h) const {
            s->react([h] { h.resume(); });
        }
        T await_resume() const {
            if (s->st == state_t::status::rejected) std::rethrow_exception(s->error);
            if constexpr (!std::is_void_v<T>) return *s->value;
        }
    };
    // [/awaiter]

    std::shared_ptr<state_t> s_;
};

namespace detail {

// [coro-promise]
// A coroutine returning promise<T> starts at once (like an async function), fulfils
// its promise on co_return, rejects it on an escaping exception, and frees its own
// frame when it ends.
template <class T>
struct coro_promise_base {
    promise<T> result{require_current()};
    promise<T> get_return_object() const { return result; }
    std::suspend_never initial_suspend() const noexcept { return {}; }
    std::suspend_never final_suspend() const noexcept { return {}; }
    void unhandled_exception() const { result.reject(std::current_exception()); }
};
template <class T>
struct coro_promise : coro_promise_base<T> {
    template <class U>
    requires std::is_convertible_v<U&&, T>
    void return_value(U&& v) const { this->result.resolve(T(std::forward<U>(v))); }
};
template <>
struct coro_promise<void> : coro_promise_base<void> {
    void return_void() const { this->result.resolve(); }
};
// [/coro-promise]

}  // namespace detail

/// A promise fulfilled with @p v (Promise.resolve(v)).
template <class T>
promise<T> resolved(event_loop& loop, T v) {
    promise<T> p(loop);
    p.resolve(std::move(v));
    return p;
}

/// A promise<void> fulfilled @p ms milliseconds from now (a timer resolves it).
inline promise<void> sleep(event_loop& loop, std::int64_t ms) {
    promise<void> p(loop);
    loop.set_timeout([p] { p.resolve(); }, ms);
    return p;
}

/// A promise<void> fulfilled in the poll phase once @p fd is readable (or closed).
inline promise<void> readable(event_loop& loop, int fd) {
    promise<void> p(loop);
    loop.watch(fd, EPOLLIN | EPOLLRDHUP, [&loop, fd, p](std::uint32_t) {
        loop.unwatch(fd);
        p.resolve();
    });
    return p;
}

/// Waits until @p fd is readable, then reads at most @p max bytes ("" at end of
/// file); rejects with std::system_error when read() fails.
inline promise<std::string> read_some(event_loop& loop, int fd, std::size_t max = 4096) {
    co_await readable(loop, fd);
    std::string buf(max, '\0');
    const ssize_t n = ::read(fd, buf.data(), max);
    if (n < 0) throw std::system_error(errno, std::generic_category(), "read_some");
    buf.resize(static_cast<std::size_t>(n));
    co_return buf;
}

}  // namespace book::loop
