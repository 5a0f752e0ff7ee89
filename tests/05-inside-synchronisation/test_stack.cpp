// test_stack.cpp: the Treiber stack loses and duplicates nothing, and the ABA script
// replays exactly.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "aba_script.hpp"
#include "treiber_stack.hpp"

using namespace book::sync;

TEST_CASE("values come back in last-in, first-out order") {
    TreiberStack<int> stack(4);
    REQUIRE(stack.push(1));
    REQUIRE(stack.push(2));
    REQUIRE(stack.push(3));
    CHECK(stack.pop() == 3);
    CHECK(stack.pop() == 2);
    CHECK(stack.pop() == 1);
    CHECK_FALSE(stack.pop().has_value());
}

TEST_CASE("push refuses when every node is in use, and accepts again after a pop") {
    TreiberStack<std::string> stack(2);
    REQUIRE(stack.push("a"));
    REQUIRE(stack.push("b"));
    CHECK_FALSE(stack.push("c"));
    CHECK(stack.pop() == "b");
    CHECK(stack.push("d"));
    CHECK(stack.capacity() == 2);
}

TEST_CASE("a capacity of zero or beyond the limit is refused") {
    CHECK_THROWS_AS(TreiberStack<int>(0), std::invalid_argument);
    CHECK_THROWS_AS(TreiberStack<int>(TreiberStack<int>::max_capacity + 1),
                    std::invalid_argument);
}

TEST_CASE("concurrent pushes and pops lose no item and duplicate none") {
    constexpr int threads = 4, per_thread = 5000;
    TreiberStack<std::uint32_t> stack(threads * per_thread);
    std::vector<std::vector<std::uint32_t>> popped(threads);
    std::atomic<int> refused{0};  // a full stack here would be a bug (asserting inside a
                                  // thread would not report it)
    {
        std::vector<std::jthread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                for (int i = 0; i < per_thread; ++i) {
                    if (!stack.push(static_cast<std::uint32_t>(t * per_thread + i)))
                        refused.fetch_add(1);
                    if (auto v = stack.pop())
                        popped[static_cast<std::size_t>(t)].push_back(*v);
                }
            });
    }
    REQUIRE(refused.load() == 0);
    std::vector<int> seen(threads * per_thread, 0);
    for (const auto& mine : popped)
        for (auto v : mine) ++seen[v];
    while (auto v = stack.pop()) ++seen[*v];
    CHECK(std::ranges::count(seen, 0) == 0);
    CHECK(std::ranges::count_if(seen, [](int n) { return n > 1; }) == 0);
}

TEST_CASE(
    "a tagged pop_commit fails when another pop and push came in between, even if the "
    "top node is the same") {
    std::vector<std::atomic<std::uint32_t>> links(2);
    IndexStack<AbaGuard::tag> stack(links);
    stack.push(1);
    stack.push(0);
    const auto attempt = stack.pop_begin();
    REQUIRE(attempt.has_value());
    CHECK(attempt->index() == 0);
    REQUIRE(stack.pop() == 0u);
    stack.push(0);  // the same node on top again
    CHECK_FALSE(stack.pop_commit(*attempt));
    CHECK(stack.pop() == 0u);
    CHECK(stack.pop() == 1u);
    CHECK_FALSE(stack.pop().has_value());
}

TEST_CASE("the ABA script corrupts the untagged stack exactly as described") {
    const auto out = run_aba_script<AbaGuard::none>();
    const std::vector<std::string> expected{
        "start:     stack (top first) = A B C",
        "thread 1:  pop_begin reads head A, next B; paused before its compare-and-swap",
        "thread 2:  pop -> A",
        "thread 2:  pop -> B (thread 2 now owns B)",
        "thread 2:  push A (the node is recycled); stack = A C",
        "thread 1:  compare-and-swap(head: expect A, new B) SUCCEEDS",
        "end:       stack = B C; node B is on the stack AND owned by thread 2: it will "
        "be used twice",
    };
    CHECK(out.trace == expected);
    CHECK(out.stale_commit_succeeded);
    CHECK(out.corrupted);
    CHECK(out.final_stack == std::vector<std::string>{"B", "C"});
}

TEST_CASE(
    "the tagged stack survives the same script: the stale compare-and-swap fails and the "
    "retry is correct") {
    const auto out = run_aba_script<AbaGuard::tag>();
    const std::vector<std::string> expected{
        "start:     stack (top first) = A B C",
        "thread 1:  pop_begin reads head A/tag 3, next B; paused before its "
        "compare-and-swap",
        "thread 2:  pop -> A",
        "thread 2:  pop -> B (thread 2 now owns B)",
        "thread 2:  push A (the node is recycled); stack = A C",
        "thread 1:  compare-and-swap(head: expect A/tag 3, new B) fails (head is now "
        "A/tag 6)",
        "thread 1:  retries: pop -> A",
        "end:       stack = C; consistent",
    };
    CHECK(out.trace == expected);
    CHECK_FALSE(out.stale_commit_succeeded);
    CHECK_FALSE(out.corrupted);
    CHECK(out.final_stack == std::vector<std::string>{"C"});
}
