// synchronized.hpp: a value that can be reached only while its mutex is held, the idea of
// Rust's Mutex<T> (and folly's Synchronized) in C++.
#pragma once

#include <mutex>
#include <type_traits>
#include <utility>

namespace book::safe {

/**
 * @brief A value of type T together with the mutex that guards it; the value is
 * reachable only through a guard that holds the lock.
 *
 * Rust's `Mutex<T>` owns its data, so the only road to the data goes through `lock()`.
 * A `std::mutex` next to a variable is only a convention: nothing stops a function from
 * touching the variable without it. Synchronized makes the convention the only road:
 *  1. lock() takes the mutex and returns a Locked guard; `*guard` and `guard->` reach
 *     the value while the guard lives, and its destructor unlocks.
 *  2. with_lock(f) takes the mutex, calls `f(value)`, unlocks (also on an exception)
 *     and returns what f returned.
 *
 * What it cannot do is what Rust's borrow checker does: stop a pointer or reference
 * obtained through a guard from outliving it. Such an escape compiles, and only a
 * run-time tool (ThreadSanitizer) reports the race it makes.
 *
 * @code
 * book::safe::Synchronized<std::vector<int>> items;
 * items.lock()->push_back(1);                       // locked for one expression
 * auto n = items.with_lock([](auto& v) { return v.size(); });
 * @endcode
 *
 * @tparam T the guarded value
 * @tparam Mutex a mutex type with lock() and unlock() (std::mutex by default)
 */
template <class T, class Mutex = std::mutex>
class Synchronized {
public:
    /**
     * @brief Access to the value while the lock is held; unlocks when destroyed.
     *
     * Movable (the lock moves with it), not copyable. A moved-from guard holds nothing.
     */
    class Locked {
    public:
        /// The guarded value (the lock is held).
        T& operator*() const { return *value_; }
        /// Member access to the guarded value (the lock is held).
        T* operator->() const { return value_; }

        /// Takes over @p other's lock.
        Locked(Locked&& other) noexcept
            : lock_(std::move(other.lock_)),
              value_(std::exchange(other.value_, nullptr)) {}
        Locked(const Locked&) = delete;             ///< one owner per lock
        Locked& operator=(const Locked&) = delete;  ///< one owner per lock
        Locked& operator=(Locked&&) = delete;       ///< not reassignable

    private:
        friend class Synchronized;
        Locked(Mutex& m, T& value) : lock_(m), value_(&value) {}
        std::unique_lock<Mutex> lock_;
        T* value_;
    };

    /// Holds a value built from @p args.
    template <class... Args>
    requires std::is_constructible_v<T, Args...>
    explicit Synchronized(Args&&... args) : value_(std::forward<Args>(args)...) {}

    Synchronized(const Synchronized&) = delete;  ///< threads share one instance
    Synchronized& operator=(const Synchronized&) =
        delete;  ///< threads share one instance

    // [lock]
    /// Takes the lock and returns the guard through which the value is reached.
    [[nodiscard]] Locked lock() { return Locked(mutex_, value_); }

    /// Calls @p f with the value under the lock and returns what it returns.
    template <class F>
    decltype(auto) with_lock(F&& f) {
        std::lock_guard guard(mutex_);
        return std::forward<F>(f)(value_);
    }
    // [/lock]

private:
    Mutex mutex_;
    T value_;
};

}  // namespace book::safe
