// bounded_queue.hpp: a blocking FIFO queue of fixed capacity for producers and consumers,
// with close().
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>

namespace book::shared {

/**
 * @brief A first-in first-out queue of at most `capacity` items that blocks producers
 * when full and consumers when empty, and that can be closed.
 *
 * Protocol:
 *  1. push() waits on `not_full_` while the queue is full and open, appends, and wakes
 * one consumer through `not_empty_`.
 *  2. pop() waits on `not_empty_` while the queue is empty and open, removes the oldest
 * item, and wakes one producer through `not_full_`.
 *  3. close() marks the queue closed and wakes **every** waiter on both condition
 * variables. After it, push() refuses new items (returns false) and pop() keeps returning
 * the items already queued, then std::nullopt: consumers drain what was sent, then learn
 * that nothing more comes.
 *
 * Every wait re-checks its condition in a loop (the predicate form of wait), so spurious
 * wake-ups and stolen wake-ups are harmless. One mutex guards all state, and every
 * notification is sent while that mutex is still held. Notifying after the unlock would
 * spare a woken thread a moment blocked on the mutex, but a thread that pops the last
 * item or sees the queue closed could then return and destroy the queue before the
 * notification ran, which would call notify on a destroyed condition variable. Notifying
 * under the lock keeps the object alive until the notifier has finished with it.
 *
 * Items from one producer come out in the order that producer pushed them; items from
 * different producers interleave in the order their pushes took the lock.
 *
 * @code
 * book::shared::BoundedQueue<int> q(8);
 * std::jthread consumer([&] { while (auto item = q.pop()) use(*item); });  // ends after
 * close() for (int i = 0; i < 100; ++i) q.push(i);  // blocks while 8 items wait
 * q.close();
 * @endcode
 *
 * @tparam T the item type; it must be movable.
 */
template <class T>
class BoundedQueue {
public:
    /// An open, empty queue that holds at most @p capacity items; throws
    /// std::invalid_argument for 0.
    explicit BoundedQueue(std::size_t capacity) : capacity_(capacity) {
        if (capacity == 0)
            throw std::invalid_argument("BoundedQueue: capacity must be at least 1");
    }

    BoundedQueue(const BoundedQueue&) =
        delete;  ///< not copyable: threads share one queue
    BoundedQueue& operator=(const BoundedQueue&) = delete;  ///< not assignable

    // [push]
    /// Appends @p item, waiting while the queue is full; returns false (item dropped) if
    /// the queue is or becomes closed.
    bool push(T item) {
        {
            std::unique_lock lock(mutex_);
            not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
            if (closed_) return false;
            items_.push_back(std::move(item));
            not_empty_.notify_one();  // under the lock: see the class comment
        }
        return true;
    }

    // [/push]

    /// Appends @p item only if there is room now; returns false if the queue is full or
    /// closed.
    bool try_push(T item) {
        {
            std::lock_guard lock(mutex_);
            if (closed_ || items_.size() >= capacity_) return false;
            items_.push_back(std::move(item));
            not_empty_.notify_one();  // under the lock: see the class comment
        }
        return true;
    }

    // [pop]
    /// Removes the oldest item, waiting while the queue is empty and open; std::nullopt
    /// once closed and drained.
    std::optional<T> pop() {
        std::unique_lock lock(mutex_);
        not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
        return take(lock);
    }

    // [/pop]

    /// Like pop(), but waits at most @p timeout; std::nullopt on timeout or when closed
    /// and drained.
    template <class Rep, class Period>
    std::optional<T> pop_for(std::chrono::duration<Rep, Period> timeout) {
        std::unique_lock lock(mutex_);
        not_empty_.wait_for(lock, timeout, [&] { return closed_ || !items_.empty(); });
        return take(lock);
    }

    /// Removes the oldest item if there is one now; never waits.
    std::optional<T> try_pop() {
        std::unique_lock lock(mutex_);
        return take(lock);
    }

    // [close]
    /// Closes the queue and wakes every waiting producer and consumer. Closing twice is
    /// harmless.
    void close() {
        std::lock_guard lock(mutex_);
        closed_ = true;
        not_full_.notify_all();  // under the lock: a woken thread may destroy the queue
        not_empty_.notify_all();
    }

    // [/close]

    /// Whether close() has been called.
    bool closed() const {
        std::lock_guard lock(mutex_);
        return closed_;
    }

    /// The number of items queued at this instant (already stale when another thread is
    /// active).
    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return items_.size();
    }

    /// The most items the queue holds at once.
    std::size_t capacity() const { return capacity_; }

private:
    // [take]
    // Called with the lock held: removes the front item if any, then wakes one producer.
    std::optional<T> take(std::unique_lock<std::mutex>&) {
        if (items_.empty()) return std::nullopt;
        std::optional<T> item(std::move(items_.front()));
        items_.pop_front();
        not_full_.notify_one();  // still under the lock, which the caller releases
        return item;
    }

    // [/take]

    const std::size_t capacity_;
    mutable std::mutex mutex_;
    std::condition_variable not_full_;   // producers wait here
    std::condition_variable not_empty_;  // consumers wait here
    std::deque<T> items_;
    bool closed_ = false;
};

}  // namespace book::shared
