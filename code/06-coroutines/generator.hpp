// generator.hpp: a lazy sequence written as a C++20 coroutine, usable in range-for; no
// library needed.
#pragma once

#include <coroutine>
#include <cstddef>
#include <exception>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <utility>

namespace book::coro {

/**
 * @brief A lazy sequence of values of type @p T produced by a coroutine.
 *
 * A function whose return type is `generator<T>` and whose body contains
 * `co_yield` is a coroutine: calling it allocates its frame and returns at
 * once, before the body runs (the promise's initial suspend). Each step of a
 * range-for resumes the body until its next `co_yield`, which hands one value
 * to the caller and suspends; `co_return` or falling off the end finishes the
 * sequence. The generator object owns the frame and destroys it in its
 * destructor, so a sequence abandoned half way frees everything it holds.
 *
 * @code
 * book::coro::generator<int> count_to(int n) {
 *     for (int i = 1; i <= n; ++i) co_yield i;
 * }
 * for (int v : count_to(3)) std::printf("%d ", v);  // 1 2 3
 * @endcode
 *
 * Misuse fails loudly: advancing an iterator past the end throws
 * std::logic_error instead of resuming a finished coroutine (which would be
 * undefined behaviour). An exception thrown in the body propagates out of
 * `begin()` or `++` in the consumer.
 *
 * @tparam T the type of the values; the iterator yields `const T&` that
 *           refers to the value the coroutine passed to `co_yield`, valid
 *           until the next step.
 */
template <class T>
class [[nodiscard]] generator {
public:
    // [promise]
    /// The promise type the compiler looks up: it links the frame to the generator
    /// object.
    struct promise_type {
        const T* current = nullptr;  ///< the value of the latest co_yield (lives in the
                                     ///< suspended frame)
        std::exception_ptr
            error;  ///< an exception that escaped the body, rethrown to the consumer

        /// Creates the generator object that the coroutine call returns.
        generator get_return_object() noexcept {
            return generator{std::coroutine_handle<promise_type>::from_promise(*this)};
        }
        /// Lazy start: the body does not run until the consumer asks for the first
        /// value.
        std::suspend_always initial_suspend() const noexcept { return {}; }
        /// Stay suspended at the end, so the generator can see done() and destroy the
        /// frame itself.
        std::suspend_always final_suspend() const noexcept { return {}; }
        /// `co_yield v`: remember where v is and hand control back to the consumer.
        std::suspend_always yield_value(const T& value) noexcept {
            current = std::addressof(value);
            return {};
        }
        /// `co_return;` or falling off the end: nothing to store.
        void return_void() const noexcept {}
        /// Keeps the exception for the consumer instead of letting it escape resume().
        void unhandled_exception() noexcept { error = std::current_exception(); }
        /// Forbids `co_await` inside a generator: there would be no one to resume it.
        void await_transform() = delete;
    };
    // [/promise]

    /// The end of the sequence, compared with an iterator.
    using sentinel = std::default_sentinel_t;

    /// An input iterator: each increment resumes the coroutine once.
    class iterator {
    public:
        using iterator_concept = std::input_iterator_tag;  ///< single pass
        using difference_type = std::ptrdiff_t;  ///< required by std::input_iterator
        using value_type = T;                    ///< what the sequence holds

        /// A past-the-end iterator.
        iterator() = default;
        /// An iterator over the coroutine @p h (already resumed to its first value or
        /// end).
        explicit iterator(std::coroutine_handle<promise_type> h) noexcept : handle_(h) {}

        /// The value of the latest co_yield.
        const T& operator*() const { return *handle_.promise().current; }
        // [increment]
        /// Resumes the coroutine until its next co_yield or its end.
        iterator& operator++() {
            if (!handle_ || handle_.done())
                throw std::logic_error("generator: iterator advanced past the end");
            handle_.resume();
            rethrow_if_failed(handle_);
            return *this;
        }
        /// Post-increment, as std::input_iterator requires (returns nothing useful).
        void operator++(int) { ++*this; }
        // [/increment]
        /// True once the coroutine has finished.
        friend bool operator==(const iterator& it, sentinel) noexcept {
            return !it.handle_ || it.handle_.done();
        }

    private:
        std::coroutine_handle<promise_type> handle_{};
    };

    /// An empty sequence with no coroutine behind it.
    generator() = default;
    /// Takes over @p other's frame; @p other becomes empty.
    generator(generator&& other) noexcept
        : handle_(std::exchange(other.handle_, {})),
          started_(std::exchange(other.started_, false)) {}
    /// Destroys this generator's frame, then takes over @p other's.
    generator& operator=(generator&& other) noexcept {
        if (this != &other) {
            reset();
            handle_ = std::exchange(other.handle_, {});
            started_ = std::exchange(other.started_, false);
        }
        return *this;
    }
    generator(const generator&) = delete;
    generator& operator=(const generator&) = delete;
    // [destructor]
    /// Destroys the frame (and every local the body still holds), finished or not.
    ~generator() { reset(); }
    // [/destructor]

    // [begin]
    /// The first call starts the body and runs it to its first co_yield; a later call
    /// returns the current position (single pass).
    iterator begin() {
        if (!handle_) return iterator{};
        if (!started_) {
            started_ = true;
            handle_.resume();
            rethrow_if_failed(handle_);
        }
        return iterator{handle_};
    }
    // [/begin]
    /// The end of the sequence.
    sentinel end() const noexcept { return {}; }

private:
    explicit generator(std::coroutine_handle<promise_type> h) noexcept : handle_(h) {}
    static void rethrow_if_failed(std::coroutine_handle<promise_type> h) {
        if (h.promise().error)
            std::rethrow_exception(std::exchange(h.promise().error, nullptr));
    }
    void reset() noexcept {
        if (handle_) handle_.destroy();
        handle_ = {};
    }

    std::coroutine_handle<promise_type> handle_{};
    bool started_ = false;
};

// [stages]
/// Yields the elements of @p source for which @p keep returns true (lazily: one at a
/// time, on demand).
template <class T, class Pred>
generator<T> filter(generator<T> source, Pred keep) {
    for (const T& value : source)
        if (keep(value)) co_yield value;
}

/// Yields at most the first @p count elements of @p source, then stops without asking
/// for more.
template <class T>
generator<T> take(generator<T> source, std::size_t count) {
    if (count == 0) co_return;
    for (const T& value : source) {
        co_yield value;
        if (--count == 0) co_return;
    }
}
// [/stages]

}  // namespace book::coro
