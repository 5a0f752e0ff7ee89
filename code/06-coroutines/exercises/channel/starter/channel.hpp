// channel.hpp (starter): a bounded channel through which coroutine tasks on one scheduler
// pass values.
#pragma once

#include "scheduler.hpp"
#include "task.hpp"

#include <coroutine>
#include <cstddef>
#include <deque>
#include <optional>
#include <stdexcept>
#include <utility>

namespace book::coro::exercises {

/**
 * A first-in first-out queue of at most `capacity` values, shared by tasks of one
 * scheduler. `co_await ch.send(v)` suspends the sender while the buffer is full;
 * `co_await ch.receive()` suspends the receiver while it is empty, and returns
 * std::nullopt once the channel is closed and drained. close() wakes every suspended
 * sender and receiver.
 */
template <class T>
class channel {
public:
    /// A channel of @p capacity values (at least 1) whose waiters are woken through @p
    /// s.
    channel(scheduler& s, std::size_t capacity) : sched_(s), capacity_(capacity) {
        if (capacity == 0)
            throw std::invalid_argument("channel: capacity must be at least 1");
    }

    /// Puts @p value at the back; suspends while the buffer is full. Throws
    /// std::logic_error if closed.
    task<> send(T value) {
        // TODO: while the buffer is full (and the channel open), suspend in senders_.
        // TODO: a closed channel rejects the value with std::logic_error.
        buffer_.push_back(std::move(value));
        // TODO: a receiver may be waiting for exactly this value: wake one.
        co_return;
    }

    /// Takes the front value; suspends while the buffer is empty and the channel open.
    /// Empty when closed and drained.
    task<std::optional<T>> receive() {
        // TODO: while the buffer is empty and the channel open, suspend in receivers_.
        if (buffer_.empty()) co_return std::nullopt;
        T value = std::move(buffer_.front());
        buffer_.pop_front();
        // TODO: a sender may be waiting for exactly this free slot: wake one.
        co_return value;
    }

    /// Closes the channel: no more sends; every waiting sender and receiver is woken.
    void close() {
        closed_ = true;
        // TODO: wake everyone in receivers_ and senders_.
    }

    /// Values in the buffer now.
    std::size_t size() const noexcept { return buffer_.size(); }
    /// The capacity given at construction.
    std::size_t capacity() const noexcept { return capacity_; }
    /// True once close() has been called.
    bool closed() const noexcept { return closed_; }
    /// Senders and receivers suspended now.
    std::size_t waiting() const noexcept { return senders_.size() + receivers_.size(); }

private:
    // Awaitable that suspends the current coroutine into one of the two waiting lines.
    struct wait_in {
        scheduler& s;
        std::deque<scheduler::waiter>& line;
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<> h) { line.push_back(s.park(h)); }
        void await_resume() const noexcept {}
    };

    scheduler& sched_;
    std::size_t capacity_;
    bool closed_ = false;
    std::deque<T> buffer_;
    std::deque<scheduler::waiter> senders_, receivers_;
};

}  // namespace book::coro::exercises
