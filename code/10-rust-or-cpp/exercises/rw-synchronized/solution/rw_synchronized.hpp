// rw_synchronized.hpp: a value behind a reader-writer lock, reachable only through
// guards.
#pragma once

#include <mutex>
#include <optional>
#include <shared_mutex>
#include <utility>

namespace book::safe {

// A value guarded by a std::shared_mutex: many readers at once, or one writer.
template <class T>
class RwSynchronized {
public:
    // Read access: a shared lock and a const reference.
    class ReadLocked {
    public:
        const T& operator*() const { return *value_; }
        const T* operator->() const { return value_; }

    private:
        friend class RwSynchronized;
        ReadLocked(std::shared_lock<std::shared_mutex> lock, const T& value)
            : lock_(std::move(lock)), value_(&value) {}
        std::shared_lock<std::shared_mutex> lock_;
        const T* value_;
    };

    // Write access: an exclusive lock and a mutable reference.
    class WriteLocked {
    public:
        T& operator*() const { return *value_; }
        T* operator->() const { return value_; }

    private:
        friend class RwSynchronized;
        WriteLocked(std::unique_lock<std::shared_mutex> lock, T& value)
            : lock_(std::move(lock)), value_(&value) {}
        std::unique_lock<std::shared_mutex> lock_;
        T* value_;
    };

    template <class... Args>
    explicit RwSynchronized(Args&&... args) : value_(std::forward<Args>(args)...) {}
    RwSynchronized(const RwSynchronized&) = delete;
    RwSynchronized& operator=(const RwSynchronized&) = delete;

    ReadLocked read() const { return {std::shared_lock(mutex_), value_}; }
    WriteLocked write() { return {std::unique_lock(mutex_), value_}; }

    std::optional<ReadLocked> try_read() const {
        std::shared_lock lock(mutex_, std::try_to_lock);
        if (!lock) return std::nullopt;
        return ReadLocked(std::move(lock), value_);
    }
    std::optional<WriteLocked> try_write() {
        std::unique_lock lock(mutex_, std::try_to_lock);
        if (!lock) return std::nullopt;
        return WriteLocked(std::move(lock), value_);
    }

    template <class F>
    decltype(auto) with_read(F&& f) const {
        std::shared_lock lock(mutex_);
        return std::forward<F>(f)(std::as_const(value_));
    }
    template <class F>
    decltype(auto) with_write(F&& f) {
        std::unique_lock lock(mutex_);
        return std::forward<F>(f)(value_);
    }

private:
    mutable std::shared_mutex mutex_;
    T value_;
};

}  // namespace book::safe
