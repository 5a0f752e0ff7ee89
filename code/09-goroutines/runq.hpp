// runq.hpp: a processor's local run queue, Go's bounded ring: one owner pushes and pops
// at the tail's end and the head, thieves take half from the head with one CAS.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <stdexcept>

namespace book::go {

/**
 * @brief A bounded single-producer, multi-consumer ring of pointers: the local run queue
 * of one processor (P), as in Go's runtime (runqput, runqget, runqgrab).
 *
 * The owner (the OS thread that holds the P) calls push() and pop(); any thread may call
 * steal_half() to move about half of the entries into its own queue. head_ only grows,
 * moved by a compare-and-swap by whoever takes entries (owner or thief); tail_ only
 * grows, written by the owner alone. An entry between head_ and tail_ is owned by the
 * queue; a thief copies the entries first and then claims them by moving head_: if the
 * CAS fails, someone else took them and the copies are dropped. Slots are atomics
 * (relaxed), because a thief may read a slot the owner is about to overwrite: the CAS
 * decides which copy counts.
 *
 * push() never blocks: when the ring is full it hands half of the entries plus the new
 * one to @p overflow (Go's global run queue) and returns.
 *
 * @code
 * book::go::RunQueue<Task*, 256> q;
 * q.push(t, [](Task** batch, std::size_t n) { global.push_many(batch, n); });
 * Task* next = q.pop();               // owner: nullptr when empty
 * Task* got = thief_q.steal_half(q);  // another thread: nullptr when nothing to take
 * @endcode
 */
template <class T, std::size_t N = 256>
class RunQueue {
    static_assert((N & (N - 1)) == 0 && N >= 4, "RunQueue: N is a power of two");
    static_assert(std::is_pointer_v<T>, "RunQueue holds pointers");

public:
    /// Capacity of the ring.
    static constexpr std::size_t capacity = N;

    // [push]
    /// Owner only: appends @p item; when full, moves half of the queue and @p item to
    /// @p overflow(T* batch, std::size_t n) instead.
    template <class Overflow>
    void push(T item, Overflow&& overflow) {
        for (;;) {
            const std::uint32_t h = head_.load(std::memory_order_acquire);
            const std::uint32_t t = tail_.load(std::memory_order_relaxed);
            if (t - h < N) {
                slot(t).store(item, std::memory_order_relaxed);
                // seq_cst: an idle worker that parks re-reads the queue after announcing
                // itself idle; this store and that read cannot both miss each other.
                tail_.store(t + 1, std::memory_order_seq_cst);
                return;
            }
            // Full: take the older half for the overflow queue (thieves may race us).
            T batch[N / 2 + 1];
            const std::uint32_t n = (t - h) / 2;
            for (std::uint32_t i = 0; i < n; ++i)
                batch[i] = slot(h + i).load(std::memory_order_relaxed);
            std::uint32_t expected = h;
            if (!head_.compare_exchange_strong(expected, h + n,
                                               std::memory_order_acq_rel))
                continue;  // a thief took some: there may be room now
            batch[n] = item;
            overflow(batch, std::size_t{n} + 1);
            return;
        }
    }
    // [/push]

    /// Owner only: takes the oldest entry; nullptr when empty.
    T pop() {
        for (;;) {
            std::uint32_t h = head_.load(std::memory_order_acquire);
            const std::uint32_t t = tail_.load(std::memory_order_relaxed);
            if (t == h) return nullptr;
            T item = slot(h).load(std::memory_order_relaxed);
            if (head_.compare_exchange_weak(h, h + 1, std::memory_order_acq_rel))
                return item;
        }
    }

    // [steal]
    /// Any thread, on its own (empty-ish) queue: takes half (rounded up) of @p victim's
    /// entries, keeps all but the last in this queue and returns the last; nullptr when
    /// @p victim was empty. This queue must have room for N/2 entries (an empty one
    /// has). When @p seen is given, it receives how many entries @p victim held at the
    /// moment of the steal.
    T steal_half(RunQueue& victim, std::uint32_t* seen = nullptr) {
        const std::uint32_t t = tail_.load(std::memory_order_relaxed);
        const std::uint32_t n = victim.grab(*this, t, seen);
        if (n == 0) return nullptr;
        T last = slot(t + n - 1).load(std::memory_order_relaxed);
        if (n > 1) tail_.store(t + n - 1, std::memory_order_seq_cst);
        return last;
    }

    /// Like steal_half(), but takes a single entry (the oldest): for the exercise that
    /// compares the two policies.
    T steal_one(RunQueue& victim, std::uint32_t* seen = nullptr) {
        for (;;) {
            std::uint32_t h = victim.head_.load(std::memory_order_acquire);
            const std::uint32_t t = victim.tail_.load(std::memory_order_acquire);
            if (t == h || t - h > N) return nullptr;
            T item = victim.slot(h).load(std::memory_order_relaxed);
            if (victim.head_.compare_exchange_weak(h, h + 1, std::memory_order_acq_rel)) {
                if (seen) *seen = t - h;
                return item;
            }
        }
    }
    // [/steal]

    /// Approximate number of entries (exact when no other thread touches the queue).
    std::size_t size() const {
        const std::uint32_t h = head_.load(std::memory_order_seq_cst);
        const std::uint32_t t = tail_.load(std::memory_order_seq_cst);
        return t - h <= N ? t - h : 0;
    }
    /// True when size() is 0.
    bool empty() const { return size() == 0; }

private:
    std::atomic<T>& slot(std::uint32_t i) { return slots_[i & (N - 1)]; }

    // Copies half of this queue's entries into @p into's ring from index @p at, then
    // claims them; returns how many (0: empty) and, through @p seen, how many there were.
    std::uint32_t grab(RunQueue& into, std::uint32_t at, std::uint32_t* seen) {
        for (;;) {
            std::uint32_t h = head_.load(std::memory_order_acquire);
            const std::uint32_t t = tail_.load(std::memory_order_acquire);
            const std::uint32_t held = t - h;
            const std::uint32_t n = held - held / 2;
            if (n == 0) return 0;
            if (n > N / 2) continue;  // read head and tail at different times: retry
            for (std::uint32_t i = 0; i < n; ++i)
                into.slot(at + i).store(slot(h + i).load(std::memory_order_relaxed),
                                        std::memory_order_relaxed);
            if (head_.compare_exchange_weak(h, h + n, std::memory_order_acq_rel)) {
                if (seen) *seen = held;
                return n;
            }
        }
    }

    alignas(64) std::atomic<std::uint32_t> head_{0};
    alignas(64) std::atomic<std::uint32_t> tail_{0};
    std::array<std::atomic<T>, N> slots_{};
};

}  // namespace book::go
