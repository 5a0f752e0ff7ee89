// aba_script.hpp: the ABA problem replayed deterministically by two real threads that
// take turns at scripted points.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <semaphore>
#include <string>
#include <thread>
#include <vector>

#include "treiber_stack.hpp"

namespace book::sync {

/// What the scripted interleaving of run_aba_script() did and left behind.
struct AbaOutcome {
    std::vector<std::string> trace;  ///< one line per step, in the order the steps ran
    std::vector<std::string>
        final_stack;  ///< node names from the top down after both threads finished
    bool stale_commit_succeeded =
        false;  ///< whether thread 1's compare-and-swap with its old view succeeded
    bool corrupted = false;  ///< whether a node thread 2 holds is still on the stack
};

/**
 * @brief Replays the classic ABA interleaving on an IndexStack and reports the outcome.
 *
 * The stack starts as A, B, C (A on top). Two threads take turns, handing
 * over with binary semaphores, so the interleaving is the same on every run:
 *
 * 1. thread 1 begins a pop: it reads head A and A's link, B; it is paused before its
 * compare-and-swap;
 * 2. thread 2 pops A, pops B (and keeps B), and pushes A back, recycling the node;
 * 3. thread 1 resumes: its compare-and-swap expects head A and finds A.
 *
 * With AbaGuard::none the compare-and-swap succeeds and installs B, a node
 * thread 2 owns: the stack is corrupted. With AbaGuard::tag the head's tag
 * has changed, the compare-and-swap fails, and thread 1 retries correctly.
 *
 * @code
 * auto outcome = book::sync::run_aba_script<book::sync::AbaGuard::none>();
 * for (const auto& line : outcome.trace) std::puts(line.c_str());
 * @endcode
 */
template <AbaGuard Guard>
AbaOutcome run_aba_script() {
    constexpr std::uint32_t A = 0, B = 1, C = 2;
    auto name = [](std::uint32_t node) {
        return std::string(1, static_cast<char>('A' + node));
    };
    std::vector<std::atomic<std::uint32_t>> links(3);
    IndexStack<Guard> stack(links);
    AbaOutcome out;
    auto list = [&] {
        std::string s;
        for (auto n : stack.snapshot()) s += (s.empty() ? "" : " ") + name(n);
        return s.empty() ? std::string("(empty)") : s;
    };
    auto head = [&](std::uint32_t node, std::uint32_t tag) {
        return Guard == AbaGuard::tag ? name(node) + "/tag " + std::to_string(tag)
                                      : name(node);
    };
    stack.push(C);
    stack.push(B);
    stack.push(A);
    out.trace.push_back("start:     stack (top first) = " + list());

    // [script]
    std::binary_semaphore t1_turn{0}, t2_turn{0};
    std::vector<std::uint32_t> held_by_t2;
    std::jthread t2([&] {
        t2_turn.acquire();  // step 2 starts when thread 1 has read the head
        const auto first = stack.pop();
        out.trace.push_back("thread 2:  pop -> " + name(*first));
        const auto second = stack.pop();
        held_by_t2.push_back(*second);
        out.trace.push_back("thread 2:  pop -> " + name(*second) +
                            " (thread 2 now owns " + name(*second) + ")");
        stack.push(*first);
        out.trace.push_back("thread 2:  push " + name(*first) +
                            " (the node is recycled); stack = " + list());
        t1_turn.release();  // step 3: back to thread 1
    });
    std::jthread t1([&] {
        const auto attempt = stack.pop_begin();
        out.trace.push_back(
            "thread 1:  pop_begin reads head " +
            head(attempt->index(), static_cast<std::uint32_t>(attempt->seen_head >> 32)) +
            ", next " + name(attempt->next - 1) + "; paused before its compare-and-swap");
        t2_turn.release();
        t1_turn.acquire();
        out.stale_commit_succeeded = stack.pop_commit(*attempt);
        out.trace.push_back(
            "thread 1:  compare-and-swap(head: expect " +
            head(attempt->index(), static_cast<std::uint32_t>(attempt->seen_head >> 32)) +
            ", new " + name(attempt->next - 1) + ") " +
            (out.stale_commit_succeeded ? "SUCCEEDS" : "fails") +
            (Guard == AbaGuard::tag ? " (head is now " + head(A, stack.tag()) + ")"
                                    : ""));
        if (!out.stale_commit_succeeded) {
            const auto node = stack.pop();
            out.trace.push_back("thread 1:  retries: pop -> " + name(*node));
        }
    });
    // [/script]
    t1.join();
    t2.join();

    for (auto n : stack.snapshot()) out.final_stack.push_back(name(n));
    for (auto n : held_by_t2)
        if (std::ranges::count(out.final_stack, name(n)) > 0) out.corrupted = true;
    out.trace.push_back(
        "end:       stack = " + list() +
        (out.corrupted
             ? "; node B is on the stack AND owned by thread 2: it will be used twice"
             : "; consistent"));
    return out;
}

}  // namespace book::sync
