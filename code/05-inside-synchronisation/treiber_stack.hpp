// treiber_stack.hpp: a lock-free (Treiber) stack over a node pool, with or without a tag
// that defeats the ABA problem.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

namespace book::sync {

/// Whether a stack's head carries a modification counter next to the node index.
enum class AbaGuard {
    none,  ///< the head is the node index alone: a compare-and-swap cannot tell a
           ///< recycled node from the old one
    tag    ///< the head is (index, tag) and every change increments the tag: a stale
           ///< compare-and-swap fails
};

/**
 * @brief A lock-free LIFO list of node indices, linked through an external array of
 * links.
 *
 * The head is one 64-bit atomic word: the top node's index plus one in the
 * low 32 bits (0 means empty) and, with AbaGuard::tag, a counter in the high
 * 32 bits. pop() is split into pop_begin() (read the head and the top node's
 * link) and pop_commit() (compare-and-swap the head to that link), so that
 * a test can stop a thread between the two steps; pop() is the loop of both.
 *
 * @code
 * std::vector<std::atomic<std::uint32_t>> links(8);
 * book::sync::IndexStack<book::sync::AbaGuard::tag> stack(links);
 * stack.push(3);
 * auto top = stack.pop();  // 3
 * @endcode
 */
template <AbaGuard Guard>
class IndexStack {
public:
    /// What pop_begin() saw: the head word and the link of the node it named.
    struct PopAttempt {
        std::uint64_t seen_head;  ///< the head word read
        std::uint32_t
            next;  ///< the link of the top node at that moment (index + 1, 0 for none)
        std::uint32_t index() const {
            return static_cast<std::uint32_t>(seen_head) - 1;
        }  ///< the top node
    };

    /// A stack whose node i links through @p links[i]; the array must outlive the stack.
    explicit IndexStack(std::span<std::atomic<std::uint32_t>> links) : links_(links) {}

    /// Pushes node @p index, which the caller owns (no list holds it).
    void push(std::uint32_t index) {
        if (index >= links_.size())
            throw std::out_of_range("IndexStack::push: no such node");
        // [push]
        // relaxed: only a first guess of the head, which the compare-and-swap checks.
        std::uint64_t head = head_.load(std::memory_order_relaxed);
        do {
            // relaxed: published by the release below, with whatever the caller wrote
            // into the node before push.
            links_[index].store(node_of(head), std::memory_order_relaxed);
        } while (!head_.compare_exchange_weak(head, make_head(index + 1, head),
                                              // release: the link and the node's
                                              // contents happen before any acquire
                                              // that reads this head (or a later one)
                                              std::memory_order_release,
                                              // relaxed: a failure only retries
                                              std::memory_order_relaxed));
        // [/push]
    }

    /// Step 1 of pop: reads the head and the top node's link; empty when the stack is
    /// empty.
    std::optional<PopAttempt> pop_begin() const {
        // acquire: synchronises with the push that installed this head, even when the
        // value was last written by a pop: every write of head_ is a read-modify-write,
        // so it continues the push's release sequence. The link read below is then the
        // one that push wrote (unless the node has been recycled since: ABA, step 2).
        const std::uint64_t head = head_.load(std::memory_order_acquire);
        if (node_of(head) == 0) return std::nullopt;
        // The node may be popped and recycled by another thread right now: the link read
        // here can be stale.
        return PopAttempt{head,
                          links_[node_of(head) - 1].load(std::memory_order_relaxed)};
    }

    /// Step 2 of pop: makes the link the new head if the head still equals what step 1
    /// saw.
    bool pop_commit(const PopAttempt& attempt) {
        std::uint64_t expected = attempt.seen_head;
        // acquire on success: the node's contents, written before its push, happen
        // before the caller reads them. No release is needed: a pop publishes nothing
        // new, and the next pop still synchronises with the push through the release
        // sequence. relaxed on failure: the caller starts again from step 1.
        return head_.compare_exchange_strong(
            expected, make_head(attempt.next, attempt.seen_head),
            std::memory_order_acquire, std::memory_order_relaxed);
    }

    /// Pops the top node, which the caller then owns; empty when the stack is empty.
    std::optional<std::uint32_t> pop() {
        // [pop]
        for (;;) {
            const auto attempt = pop_begin();
            if (!attempt) return std::nullopt;
            if (pop_commit(*attempt)) return attempt->index();
            // another thread changed the head between the two steps: read it again
        }
        // [/pop]
    }

    /// The tag of the head word (always 0 with AbaGuard::none).
    std::uint32_t tag() const {
        return static_cast<std::uint32_t>(head_.load(std::memory_order_acquire) >> 32);
    }

    /// The nodes from the top down, following links; stops after links.size() steps (a
    /// corrupted list can cycle). Only meaningful while no other thread changes the
    /// stack.
    std::vector<std::uint32_t> snapshot() const {
        std::vector<std::uint32_t> nodes;
        std::uint32_t at = node_of(head_.load(std::memory_order_acquire));
        while (at != 0 && nodes.size() < links_.size()) {
            nodes.push_back(at - 1);
            at = links_[at - 1].load(std::memory_order_relaxed);
        }
        return nodes;
    }

private:
    static std::uint32_t node_of(std::uint64_t head) {
        return static_cast<std::uint32_t>(head);
    }
    // [make-head]
    static std::uint64_t make_head(std::uint32_t node, std::uint64_t old_head) {
        if constexpr (Guard == AbaGuard::tag) {
            const std::uint64_t tag = (old_head >> 32) + 1;  // wraps after 2^32 changes
            return (tag << 32) | node;
        } else {
            return node;
        }
    }
    // [/make-head]

    std::span<std::atomic<std::uint32_t>> links_;
    std::atomic<std::uint64_t> head_{0};
    static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
};

/**
 * @brief A lock-free stack of values with a fixed capacity (Treiber, 1986), its nodes
 * recycled from a pool.
 *
 * Memory reclamation, the hard part of lock-free structures, is solved here
 * the simple way: nodes are never freed while the stack exists. A popped
 * node goes back to a free list (itself an IndexStack) and is reused by a
 * later push, so a thread that still reads a node another thread popped
 * reads valid, if stale, memory; the tag (AbaGuard::tag) makes its
 * compare-and-swap fail. The price is a capacity fixed at construction.
 *
 * A value is written by push() after the node was taken from the free list
 * and read by pop() after the node was taken from the stack, so at each of
 * those moments exactly one thread owns the node.
 *
 * @code
 * book::sync::TreiberStack<int> stack(1000);
 * stack.push(42);
 * std::optional<int> v = stack.pop();  // 42
 * @endcode
 */
template <class T, AbaGuard Guard = AbaGuard::tag>
class TreiberStack {
public:
    /// The largest capacity (indices and "none" must fit in 32 bits; the limit keeps the
    /// pool sane).
    static constexpr std::uint32_t max_capacity = 1u << 24;

    /// A stack that holds at most @p capacity values.
    explicit TreiberStack(std::uint32_t capacity)
        : links_(check(capacity)), values_(capacity), items_(links_), free_(links_) {
        for (std::uint32_t i = capacity; i-- > 0;) free_.push(i);
    }
    TreiberStack(const TreiberStack&) = delete;
    TreiberStack& operator=(const TreiberStack&) = delete;

    /// Pushes @p value; returns false (and drops nothing) when all nodes are in use.
    bool push(T value) {
        const auto node = free_.pop();
        if (!node) return false;
        values_[*node] = std::move(value);  // the node is ours: no other list holds it
        items_.push(*node);
        return true;
    }

    /// Pops the most recently pushed value; empty when the stack is empty.
    std::optional<T> pop() {
        const auto node = items_.pop();
        if (!node) return std::nullopt;
        std::optional<T> value(
            std::move(values_[*node]));  // ours since the compare-and-swap succeeded
        free_.push(*node);
        return value;
    }

    /// The number of nodes.
    std::uint32_t capacity() const { return static_cast<std::uint32_t>(values_.size()); }

private:
    static std::uint32_t check(std::uint32_t capacity) {
        if (capacity == 0 || capacity > max_capacity)
            throw std::invalid_argument("TreiberStack: capacity out of range");
        return capacity;
    }

    std::vector<std::atomic<std::uint32_t>> links_;
    std::vector<T> values_;
    IndexStack<Guard> items_;
    IndexStack<Guard> free_;
};

}  // namespace book::sync
